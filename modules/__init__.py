"""Delivering a workshop module: lessons read, quiz attempts and marking, sign-off, completion."""
from flask import Blueprint, Flask

from curriculum.models import Module
from modules import quiz_views, signoff_views, views
from modules.commands import quizzes_cli
from modules.models import AttemptAnswer, SignOff

bp = Blueprint("modules", __name__)
bp.add_url_rule("/modules/<slug>", view_func=views.show_module)
bp.add_url_rule("/admin/modules", view_func=views.list_module_reviews)
bp.add_url_rule("/modules/<slug>/lessons/<lesson_slug>", view_func=views.show_lesson)
bp.add_url_rule("/modules/<slug>/quiz", view_func=quiz_views.show_quiz)
bp.add_url_rule("/modules/<slug>/quiz/start", view_func=quiz_views.start_quiz, methods=["POST"])
bp.add_url_rule("/attempts/<int:attempt_id>", view_func=quiz_views.take_attempt, methods=["GET", "POST"])
bp.add_url_rule("/attempts/<int:attempt_id>/answers/<int:answer_id>", view_func=quiz_views.autosave_answer,
                methods=["POST"])
bp.add_url_rule("/attempts/<int:attempt_id>/submit", view_func=quiz_views.submit_attempt, methods=["GET", "POST"])
bp.add_url_rule("/attempts/<int:attempt_id>/review", view_func=quiz_views.review_attempt)
bp.add_url_rule("/marking", view_func=quiz_views.marking_queue)
bp.add_url_rule("/answers/<int:answer_id>/mark", view_func=quiz_views.mark_answer, methods=["GET", "POST"])
bp.add_url_rule("/quizzes/<int:quiz_id>/learners/<int:user_id>/adjustment", view_func=quiz_views.grant_quiz_adjustment, methods=["GET", "POST"])
bp.add_url_rule("/admin/quizzes/<int:quiz_id>/analysis", view_func=quiz_views.show_analysis)
bp.add_url_rule("/admin/quizzes/<int:quiz_id>/analysis.csv", view_func=quiz_views.export_analysis)
bp.add_url_rule("/admin/quizzes/<int:quiz_id>/regrade", view_func=quiz_views.list_regrades)
bp.add_url_rule("/admin/questions/<int:question_id>/regrade", view_func=quiz_views.regrade, methods=["POST"])
bp.add_url_rule("/modules/<slug>/sign-off", view_func=signoff_views.request_module_sign_off, methods=["GET", "POST"])
bp.add_url_rule("/sign-offs", view_func=signoff_views.sign_off_queue)
bp.add_url_rule("/sign-offs/<int:sign_off_id>", view_func=signoff_views.show_sign_off)
bp.add_url_rule("/sign-offs/<int:sign_off_id>/decide", view_func=signoff_views.decide_sign_off, methods=["POST"])
bp.add_url_rule("/sign-offs/<int:sign_off_id>/revoke", view_func=signoff_views.revoke_module_sign_off, methods=["POST"])
bp.add_url_rule("/sign-offs/<int:sign_off_id>/versions/<int:number>/file", view_func=signoff_views.download_evidence)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(quizzes_cli)
    app.jinja_env.globals.update(can_use_marking_queue=AttemptAnswer.can_use_marking_queue,
                                 can_use_sign_off_queue=SignOff.can_use_queue,
                                 can_list_module_reviews=Module.can_list_reviews)
