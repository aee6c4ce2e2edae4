"""The team competency matrix: who in a project is signed off on what."""
from flask import Blueprint, Flask

from accounts.models import Organisation
from team import matrix_versions, views
from team.commands import team_cli
from team.report import can_view_report

bp = Blueprint("team", __name__)
bp.add_url_rule("/organisations/<int:organisation_id>/matrix", view_func=views.show_matrix)
bp.add_url_rule("/organisations/<int:organisation_id>/matrix.csv", view_func=views.export_matrix)
bp.add_url_rule("/organisations/<int:organisation_id>/behind-schedule", view_func=views.show_behind)
bp.add_url_rule("/admin/matrix", view_func=views.list_matrices)
bp.add_url_rule("/organisations/<int:organisation_id>/members/<int:user_id>/report", view_func=views.show_report)
bp.add_url_rule("/organisations/<int:organisation_id>/members/<int:user_id>/report.pdf", view_func=views.download_report)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(team_cli)
    matrix_versions.connect()
    app.jinja_env.globals.update(can_list_matrices=Organisation.can_list_matrices,
                                 can_view_report=can_view_report)
