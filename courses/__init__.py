"""The catalogue, courses and their runs, enrolment and the waitlist, access, and the content command."""
from flask import Blueprint, Flask

from courses import structure, views
from courses.access import oversees_everyone
from courses.commands import content_cli
from courses.models import Run

bp = Blueprint("courses", __name__)
bp.add_url_rule("/", view_func=views.catalogue)
bp.add_url_rule("/courses/<slug>", view_func=views.show_course)
bp.add_url_rule("/runs/<int:run_id>", view_func=views.show_run)
bp.add_url_rule("/runs/<int:run_id>/enrol", view_func=views.enrol_self, methods=["POST"])
bp.add_url_rule("/enrolments/<int:enrolment_id>/withdraw", view_func=views.withdraw_enrolment, methods=["POST"])
bp.add_url_rule("/runs/<int:run_id>/enrol-members", view_func=views.enrol_members, methods=["GET", "POST"])
bp.add_url_rule("/admin/runs", view_func=views.list_runs)
bp.add_url_rule("/admin/runs/new", view_func=views.create_run, methods=["GET", "POST"])
bp.add_url_rule("/admin/runs/<int:run_id>/edit", view_func=views.edit_run, methods=["GET", "POST"])


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(content_cli)
    structure.connect()
    app.jinja_env.globals.update(can_manage_runs=Run.can_manage, oversees_everyone=oversees_everyone)
