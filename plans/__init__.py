"""Needs assessments and tailored learning plans: what a leader needs, the plan that follows, and its progress."""
from flask import Blueprint, Flask

from courses.loader import content_parts
from plans import views
from plans.access import (
    can_adjust_plan,
    can_assess,
    can_list_mentee_plans,
    can_record_session,
    can_see_needs_totals,
    can_view_needs,
    can_view_team_plans,
)
from plans.questionnaire import content_part

bp = Blueprint("plans", __name__)
bp.add_url_rule("/plans/people/<int:person_id>/assessment", view_func=views.take_assessment, methods=["GET", "POST"])
bp.add_url_rule("/plans/people/<int:person_id>/assessments", view_func=views.list_assessments)
bp.add_url_rule("/plans/assessments/<int:assessment_id>", view_func=views.show_assessment)
bp.add_url_rule("/plans/people/<int:person_id>", view_func=views.show_plan)
bp.add_url_rule("/plans/people/<int:person_id>/propose", view_func=views.propose_plan, methods=["POST"])
bp.add_url_rule("/plans/<int:plan_id>/steps", view_func=views.add_step, methods=["POST"])
bp.add_url_rule("/plans/<int:plan_id>/steps/<int:item_id>/edit", view_func=views.edit_step, methods=["GET", "POST"])
bp.add_url_rule("/plans/<int:plan_id>/steps/<int:item_id>/drop", view_func=views.drop_step, methods=["POST"])
bp.add_url_rule("/plans/<int:plan_id>/steps/<int:item_id>/move", view_func=views.move_step, methods=["POST"])
bp.add_url_rule("/plans/<int:plan_id>/steps/<int:item_id>/done", view_func=views.mark_step, methods=["POST"])
bp.add_url_rule("/plans/<int:plan_id>/package", view_func=views.edit_package, methods=["GET", "POST"])
bp.add_url_rule("/plans/<int:plan_id>/package/agree", view_func=views.agree_package, methods=["POST"])
bp.add_url_rule("/plans/<int:plan_id>/package/book", view_func=views.book_package, methods=["GET", "POST"])
bp.add_url_rule("/plans/<int:plan_id>/summary.pdf", view_func=views.download_summary)
bp.add_url_rule("/plans/sessions/<int:booking_id>", view_func=views.record_session, methods=["GET", "POST"])
bp.add_url_rule("/plans/mentees", view_func=views.list_mentee_plans)
bp.add_url_rule("/admin/plans", view_func=views.show_needs_totals)
bp.add_url_rule("/plans/organisations/<int:organisation_id>", view_func=views.list_team_plans)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    content_parts.connect(content_part)
    app.jinja_env.globals.update(can_assess=can_assess, can_view_needs=can_view_needs, can_adjust_plan=can_adjust_plan,
                             can_list_mentee_plans=can_list_mentee_plans, can_view_team_plans=can_view_team_plans,
                             can_record_session=can_record_session, can_see_needs_totals=can_see_needs_totals)
