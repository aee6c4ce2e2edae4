"""Certificates: awarded when a run is complete, downloaded as PDF, verified in public by code."""
from flask import Blueprint, Flask

from certificates import views
from certificates.commands import certificates_cli
from certificates.models import Certificate
from certificates.operations import connect_awarding

bp = Blueprint("certificates", __name__)
bp.add_url_rule("/certificates/<int:certificate_id>.pdf", view_func=views.download_certificate)
bp.add_url_rule("/certificates/<int:certificate_id>/reissue", view_func=views.reissue_certificate, methods=["POST"])
bp.add_url_rule("/verify", view_func=views.verify_form)
bp.add_url_rule("/verify/<code>", view_func=views.verify_certificate)
bp.add_url_rule("/admin/certificates", view_func=views.list_certificates)
bp.add_url_rule("/admin/certificates/<int:certificate_id>/revoke", view_func=views.revoke_certificate, methods=["GET", "POST"])


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(certificates_cli)
    connect_awarding()
    app.jinja_env.globals.update(can_manage_certificates=Certificate.can_manage)
