"""The home page: one dashboard with a section for each role the person holds."""
from flask import render_template
from flask_login import current_user, login_required

from core.extensions import db
from core.timezones import viewer_timezone
from dashboards import sections


@login_required
def dashboard():
    shown = sections.build(current_user, viewer_timezone())
    html = render_template("dashboards/dashboard.html", **shown)
    if shown["gave_matrix_version"]:
        db.session.commit()
    return html
