"""Mentor sign-off: request, return, resubmit, sign off, revoke. Flush only; views commit.

Every step locks the sign-off (or, for a first request, the trainee's row),
re-checks the state it expects and writes one history event, so a double
submit or two mentors deciding at once leave one step behind, not two.
Each step tells the trainee, the run's mentors and the trainee's leaders
(e-mail and an in-app notice), except whoever took the step.
"""
from datetime import datetime

from flask import render_template
from sqlalchemy import select

from accounts.models import EmailNotice, User
from accounts.notifications import mail_notice
from core import audit
from core.db import lock_for_update, utcnow
from core.errors import Refusal
from core.extensions import db
from core.notices import notify
from core.urls import absolute_url, path_for
from courses.access import seats_with_module
from courses.models import Run, run_mentors
from curriculum.models import Module
from modules import evidence
from modules.completion import ModuleFacts, can_request_sign_off, gather
from modules.models import SignOff, SignOffAction, SignOffEvent, SignOffState, SignOffVersion
from modules.signals import module_progressed, sign_off_revoked

MAX_ANSWER_LENGTH = 20_000


class SignOffRefusal(Refusal):
    """A step the sign-off rules do not allow now; the message says why."""


def facts_for(learner_id: int, module: Module) -> ModuleFacts:
    return gather([learner_id], [module])[(learner_id, module.id)]


def sign_off_of(learner_id: int, module_id: int) -> SignOff | None:
    return db.session.scalar(select(SignOff).where(SignOff.learner_id == learner_id, SignOff.module_id == module_id))


def deciding_run(learner_id: int, module: Module, now: datetime | None = None) -> Run | None:
    """The run whose mentors decide: of the trainee's runs with this module released, the latest to start."""
    now = now or utcnow()
    return next((run for run, week in seats_with_module(learner_id, module.id) if run.is_released(week, now)), None)


def request_sign_off(learner: User, module: Module, answer: str, attachment: evidence.CheckedFile | None,
                     now: datetime | None = None) -> SignOff:
    """Send the trainee's answer (and file) for sign-off: a first request, or a revision after a return or revocation.

    Idempotent: while a request is waiting, sending again returns it unchanged.
    """
    now = now or utcnow()
    lock_for_update(User, learner.id)
    sign_off = sign_off_of(learner.id, module.id)
    if sign_off is not None and sign_off.state is SignOffState.REQUESTED:
        return sign_off
    if not can_request_sign_off(facts_for(learner.id, module)):
        if sign_off is not None and sign_off.state is SignOffState.SIGNED_OFF:
            raise SignOffRefusal("This module is already signed off.")
        raise SignOffRefusal("Read every lesson and pass the quiz before you ask for sign-off.")
    run = deciding_run(learner.id, module, now)
    if run is None:
        raise SignOffRefusal("You need a seat on a course run that includes this module.")
    answer = answer.strip()
    if not answer:
        raise SignOffRefusal("Write your answer to the exercise.", status=400)
    if sign_off is None:
        sign_off = SignOff(learner_id=learner.id, module_id=module.id, created_at=now)
        db.session.add(sign_off)
    first = not sign_off.versions
    sign_off.run_id = run.id
    sign_off.move_to(SignOffState.REQUESTED, now)
    version = SignOffVersion(number=len(sign_off.versions) + 1, answer=answer[:MAX_ANSWER_LENGTH], submitted_at=now)
    if attachment is not None:
        version.file_key = evidence.store(attachment)
        version.file_name, version.file_type, version.file_size = (
            attachment.name, attachment.content_type, len(attachment.data))
    sign_off.versions.append(version)
    db.session.flush()
    action = SignOffAction.REQUESTED if first else SignOffAction.RESUBMITTED
    _record(sign_off, learner, action, now, version=version.number)
    return sign_off


def lock_sign_off(sign_off_id: int) -> SignOff:
    """The sign-off, locked for the rest of the transaction, with its versions loaded."""
    sign_off = lock_for_update(SignOff, sign_off_id)
    db.session.refresh(sign_off, ["versions"])
    return sign_off


def _check_decision(sign_off: SignOff, by: User, version_number: int) -> None:
    if not sign_off.can_decide(by):
        raise SignOffRefusal("This request has already been decided.")
    if sign_off.latest_version.number != version_number:
        raise SignOffRefusal("The trainee has sent a newer version since you opened this page; read it first.")


def sign_off_module(sign_off: SignOff, by: User, version_number: int, criteria_comments: list[str],
                    comment: str = "", now: datetime | None = None) -> None:
    """A mentor signs off the latest version, with a comment against each of the module's criteria."""
    now = now or utcnow()
    _check_decision(sign_off, by, version_number)
    criteria = sign_off.module.criteria
    if len(criteria_comments) != len(criteria) or not all(text.strip() for text in criteria_comments):
        raise SignOffRefusal("Comment on every criterion before you sign off.", status=400)
    sign_off.move_to(SignOffState.SIGNED_OFF, now, by)
    _record(sign_off, by, SignOffAction.SIGNED_OFF, now, version=version_number, comment=comment.strip(),
            criteria_comments=[{"criterion": criterion, "comment": text.strip()}
                               for criterion, text in zip(criteria, criteria_comments)])
    module_progressed.send(None, learner_id=sign_off.learner_id, module_ids=[sign_off.module_id], now=now)


def return_for_revision(sign_off: SignOff, by: User, version_number: int, feedback: str,
                        now: datetime | None = None) -> None:
    """A mentor sends the latest version back with feedback; the trainee may revise and resubmit."""
    now = now or utcnow()
    _check_decision(sign_off, by, version_number)
    if not feedback.strip():
        raise SignOffRefusal("Say what the trainee should change.", status=400)
    sign_off.move_to(SignOffState.RETURNED, now, by)
    _record(sign_off, by, SignOffAction.RETURNED, now, version=version_number, comment=feedback.strip())


def revoke_sign_off(sign_off: SignOff, by: User, reason: str, now: datetime | None = None) -> None:
    """Withdraw a sign-off (e.g. found not ready on live casework); the module reopens for the trainee."""
    now = now or utcnow()
    if not sign_off.can_revoke(by):
        raise SignOffRefusal("Only a signed-off module can be revoked.")
    if not reason.strip():
        raise SignOffRefusal("Give the reason for revoking.", status=400)
    sign_off.move_to(SignOffState.REVOKED, now)
    _record(sign_off, by, SignOffAction.REVOKED, now, version=sign_off.latest_version.number, comment=reason.strip())
    sign_off_revoked.send(sign_off, by=by, reason=reason.strip())


_TOLD_WHAT = {
    SignOffAction.REQUESTED: "{learner} asked for sign-off on {module}",
    SignOffAction.RESUBMITTED: "{learner} sent a revised answer for sign-off on {module}",
    SignOffAction.RETURNED: "{actor} returned {learner}'s sign-off request on {module} for revision",
    SignOffAction.SIGNED_OFF: "{actor} signed off {learner} on {module}",
    SignOffAction.REVOKED: "{actor} revoked {learner}'s sign-off on {module}",
}


def _record(sign_off: SignOff, actor: User, action: SignOffAction, now: datetime, version: int,
            comment: str = "", criteria_comments: list | None = None) -> None:
    event = SignOffEvent(sign_off_id=sign_off.id, actor_id=actor.id, action=action, version_number=version,
                         comment=comment, criteria_comments=criteria_comments or [], at=now)
    db.session.add(event)
    db.session.flush()
    audit.record(f"sign_off.{action.name.lower()}", actor=actor, subject=sign_off.learner_id,
                 detail={"sign_off_id": sign_off.id, "version": version})
    _tell_everyone(sign_off, actor, action, comment)


def people_to_tell(sign_off: SignOff) -> list[User]:
    """The trainee, the mentors of the deciding run and the leaders of the trainee's organisation."""
    learner = sign_off.learner
    mentor_ids = select(run_mentors.c.user_id).where(run_mentors.c.run_id == sign_off.run_id)
    others = db.session.scalars(select(User).where(
        (User.id.in_(mentor_ids)) | ((User.is_leader.is_(True)) & (User.organisation_id == learner.organisation_id)
                                     & (User.organisation_id.is_not(None))))).all()
    return [learner] + [person for person in others if person.id != learner.id]


def _tell_everyone(sign_off: SignOff, actor: User, action: SignOffAction, comment: str) -> None:
    summary = _TOLD_WHAT[action].format(learner=sign_off.learner.display_name, actor=actor.display_name,
                                        module=sign_off.module.title)
    recipients = [person for person in people_to_tell(sign_off) if person.id != actor.id and person.is_active]
    notify([person.id for person in recipients], summary + ".",
           path_for("modules.show_sign_off", sign_off_id=sign_off.id))
    link = absolute_url("modules.show_sign_off", sign_off_id=sign_off.id)
    for person in recipients:
        # Feedback is for the trainee and mentors; a leader learns the step and, for a revocation, its reason.
        shows_comment = person.id == sign_off.learner_id or not person.is_leader or action is SignOffAction.REVOKED
        mail_notice(person, EmailNotice.SIGN_OFF_STEPS, f"{summary[0].upper()}{summary[1:]}",
                    render_template("modules/email/sign_off_step.txt", person=person, summary=summary,
                                    action=action, comment=comment if shows_comment else "", link=link))
