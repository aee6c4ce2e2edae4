"""The home page: one dashboard with a section for each role the person holds."""
from flask import render_template
from flask_login import current_user, login_required

from core.timezones import viewer_timezone
from dashboards import sections


@login_required
def dashboard():
    return render_template("dashboards/dashboard.html", **sections.build(current_user, viewer_timezone()))
