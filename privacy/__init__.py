"""Data protection across every area: subject access, erasure and the retention schedule, built on each area's
`personal_data` module, and the privacy page that explains them."""
import os

from flask import Blueprint, Flask

from privacy import retention, views
from privacy.access import can_export_own, can_manage_requests
from privacy.commands import privacy_cli

bp = Blueprint("privacy", __name__)
bp.add_url_rule("/privacy/my-data", view_func=views.my_data)
bp.add_url_rule("/privacy/my-data.zip", view_func=views.download_my_data)
bp.add_url_rule("/privacy/my-data/private-notes", view_func=views.request_private_notes, methods=["POST"])
bp.add_url_rule("/admin/privacy", view_func=views.list_requests)
bp.add_url_rule("/admin/privacy/export", view_func=views.export_for_person, methods=["POST"])
bp.add_url_rule("/admin/privacy/notes-requests/<int:request_id>", view_func=views.decide_notes_request,
                methods=["GET", "POST"])
bp.add_url_rule("/privacy/my-data/erasure", view_func=views.request_erasure, methods=["POST"])
bp.add_url_rule("/privacy/erasure-requests/<int:request_id>/withdraw", view_func=views.withdraw_erasure,
                methods=["POST"])
bp.add_url_rule("/admin/privacy/erasures", view_func=views.erasure_queue)
bp.add_url_rule("/admin/privacy/erasures/<int:request_id>", view_func=views.confirm_erasure, methods=["GET", "POST"])
bp.add_url_rule("/privacy", view_func=views.privacy_notice)
bp.add_url_rule("/organisations/<int:organisation_id>/retention", view_func=views.show_organisation_retention)


def register(app: Flask) -> None:
    #: days a person may withdraw a request to be erased before an administrator carries it out
    app.config.setdefault("PRIVACY_ERASURE_GRACE_DAYS", int(os.environ.get("PRIVACY_ERASURE_GRACE_DAYS", "30")))
    #: kind of data -> days it is kept (RETENTION_<KIND>_DAYS; see privacy/retention.py)
    app.config.setdefault("RETENTION_DAYS", retention.configured_periods())
    #: who is responsible for the personal data (the privacy page names them) and how to reach them
    app.config.setdefault("PRIVACY_CONTROLLER", os.environ.get("PRIVACY_CONTROLLER", "Casework Academy"))
    app.config.setdefault("PRIVACY_CONTACT", os.environ.get("PRIVACY_CONTACT", ""))
    app.register_blueprint(bp)
    app.cli.add_command(privacy_cli)
    app.jinja_env.globals.update(can_export_own=can_export_own, can_manage_privacy_requests=can_manage_requests)
