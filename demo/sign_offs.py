"""Demo sign-offs for `flask demo load`: one module signed off, one ready to ask, one waiting, one returned.

The records are written as the sign-off steps would write them (versions and
history events), without the e-mails. Idempotent: a trainee who already has a
sign-off on a module gets no other.
"""
from datetime import timedelta

from sqlalchemy import select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from courses.models import Run
from demo.quizzes import pass_quiz
from modules.models import SignOff, SignOffAction, SignOffEvent, SignOffState, SignOffVersion
from modules.progress import record_read

ANSWER = ("**Grounds.** The identification rested on a single fleeting glimpse at night, and the jury was not "
          "given a full warning about it. A later report casts doubt on the forensic comparison.\n\n"
          "**Next steps.** Ask the police for the first descriptions, the identification procedure records and "
          "the forensic case file; instruct an independent expert on the comparison.")


def _finish(user: User, module) -> None:
    for lesson in module.lessons:
        record_read(user.id, lesson.id)
    if module.quiz is not None:
        pass_quiz(user, module.quiz)


def _sign_off(user: User, module, run: Run, mentor: User, steps: list[tuple[SignOffAction, str]], days_ago: int):
    if db.session.scalar(select(SignOff.id).where(SignOff.learner_id == user.id, SignOff.module_id == module.id)):
        return
    at = utcnow().replace(microsecond=0) - timedelta(days=days_ago)
    sign_off = SignOff(learner_id=user.id, module_id=module.id, run_id=run.id, created_at=at)
    sign_off.move_to(SignOffState.REQUESTED, at)
    sign_off.versions.append(SignOffVersion(number=1, answer=ANSWER, submitted_at=at))
    db.session.add(sign_off)
    db.session.flush()
    db.session.add(SignOffEvent(sign_off_id=sign_off.id, actor_id=user.id, action=SignOffAction.REQUESTED,
                                version_number=1, at=at))
    for action, comment in steps:
        at += timedelta(days=1)
        state = SignOffState.SIGNED_OFF if action is SignOffAction.SIGNED_OFF else SignOffState.RETURNED
        sign_off.move_to(state, at, mentor)
        db.session.add(SignOffEvent(
            sign_off_id=sign_off.id, actor_id=mentor.id, action=action, version_number=1, at=at,
            comment=comment if action is SignOffAction.RETURNED else "",
            criteria_comments=[{"criterion": criterion, "comment": comment} for criterion in module.criteria]
            if action is SignOffAction.SIGNED_OFF else []))


def load_demo_sign_offs(people: dict[str, User], run: Run) -> None:
    """On the past full-day run: Taylor is signed off on its first module and ready to ask on the second."""
    first, second = (course_module.module for course_module in run.course.course_modules[:2])
    mentor = people["mentor@example.org"]
    taylor, sam, jo = (people[email] for email in ("trainee@example.org", "trainee2@example.org",
                                                   "trainee3@example.org"))
    _finish(taylor, first)
    _finish(taylor, second)
    _sign_off(taylor, first, run, mentor, [(SignOffAction.SIGNED_OFF, "Clear and well sourced.")], days_ago=5)
    _finish(sam, first)
    _sign_off(sam, first, run, mentor, [], days_ago=2)
    _finish(jo, first)
    _sign_off(jo, first, run, mentor, [(SignOffAction.RETURNED, "Say which records you would ask for, and why.")],
              days_ago=3)
    db.session.flush()
