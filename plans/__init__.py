"""Needs assessments and tailored learning plans: what a leader needs, the plan that follows, and its progress."""
from flask import Blueprint, Flask

from courses.loader import content_parts
from plans import views
from plans.access import can_assess, can_view_needs
from plans.questionnaire import content_part

bp = Blueprint("plans", __name__)
bp.add_url_rule("/plans/people/<int:person_id>/assessment", view_func=views.take_assessment, methods=["GET", "POST"])
bp.add_url_rule("/plans/people/<int:person_id>/assessments", view_func=views.list_assessments)
bp.add_url_rule("/plans/assessments/<int:assessment_id>", view_func=views.show_assessment)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    content_parts.connect(content_part)
    app.jinja_env.globals.update(can_assess=can_assess, can_view_needs=can_view_needs)
