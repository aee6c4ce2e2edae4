"""Enrolment rules: seats, the waitlist and withdrawal.

Every change to a run's seats happens with the run row locked
(`lock_for_update`), so concurrent enrolments cannot overfill a run and
two withdrawals cannot promote the same person. Flush only; views commit.
"""
from flask import render_template
from sqlalchemy import select

from accounts.models import EmailNotice, User
from accounts.notifications import mail_notice
from core import audit
from core.db import lock_for_update, utcnow
from core.extensions import db
from core.seats import Seating
from core.urls import absolute_url
from courses.models import Enrolment, EnrolmentState, Run

SEATS = Seating(Enrolment, Enrolment.run_id, seated=EnrolmentState.ENROLLED, waiting=EnrolmentState.WAITLISTED)


def seats_taken(run_ids) -> dict[int, int]:
    """Confirmed seats per run, in one query."""
    return SEATS.taken(run_ids)


def _mail(enrolment: Enrolment, template: str, subject: str) -> None:
    mail_notice(enrolment.user, EmailNotice.RUN_CHANGES, subject, render_template(
        f"courses/email/{template}.txt", enrolment=enrolment, run=enrolment.run,
        link=absolute_url("courses.show_run", run_id=enrolment.run_id)))


def enrol(run_id: int, user: User, by: User) -> Enrolment:
    """Give `user` a seat, or a waitlist place when the run is full.

    Idempotent: enrolling someone already enrolled or waiting returns their
    existing enrolment unchanged (a double submit creates nothing).
    """
    run = lock_for_update(Run, run_id)
    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.run_id == run.id, Enrolment.user_id == user.id))
    if enrolment is not None and enrolment.is_active:
        return enrolment
    state = SEATS.state_for_newcomer(run.id, run.capacity)
    if enrolment is None:
        enrolment = Enrolment(run_id=run.id, user_id=user.id, state=state)
        db.session.add(enrolment)
    enrolment.state, enrolment.state_changed_at, enrolment.enrolled_by_id = state, utcnow(), by.id
    db.session.flush()
    audit.record("enrolment.waitlist" if state is EnrolmentState.WAITLISTED else "enrolment.enrol", actor=by,
                 subject=user, detail={"enrolment_id": enrolment.id, "run_id": run.id})
    if state is EnrolmentState.ENROLLED:
        _mail(enrolment, "enrolled", f"You are enrolled: {run.name}")
    else:
        _mail(enrolment, "waitlisted", f"You are on the waitlist: {run.name}")
    return enrolment


def withdraw(enrolment: Enrolment, by: User) -> Enrolment | None:
    """Withdraw; a freed seat goes to the first person waiting. Returns whoever was promoted."""
    lock_for_update(Run, enrolment.run_id)
    db.session.refresh(enrolment)
    if not enrolment.is_active:
        return None
    freed_seat = enrolment.state is EnrolmentState.ENROLLED
    enrolment.state, enrolment.state_changed_at = EnrolmentState.WITHDRAWN, utcnow()
    audit.record("enrolment.withdraw", actor=by, subject=enrolment.user_id,
                 detail={"enrolment_id": enrolment.id, "run_id": enrolment.run_id})
    _mail(enrolment, "withdrawn", f"Withdrawn: {enrolment.run.name}")
    db.session.flush()
    promoted = fill_from_waitlist(enrolment.run) if freed_seat else []
    return promoted[0] if promoted else None


def fill_from_waitlist(run: Run) -> list[Enrolment]:
    """Promote waiting people, first come first served, into any free seats (run row must be locked)."""
    waiting = SEATS.next_in_line(run.id, run.capacity)
    for enrolment in waiting:
        enrolment.state, enrolment.state_changed_at = EnrolmentState.ENROLLED, utcnow()
        audit.record("enrolment.promote", subject=enrolment.user_id,
                     detail={"enrolment_id": enrolment.id, "run_id": enrolment.run_id})
        _mail(enrolment, "promoted", f"A seat is yours: {run.name}")
    db.session.flush()
    return list(waiting)


def upcoming_runs(course_ids) -> tuple[list[Run], dict[int, int]]:
    """The runs of these courses yet to start, by date, and the confirmed seats per run, in one query."""
    rows = db.session.execute(select(Run, SEATS.taken_in(Run.id)).where(
        Run.course_id.in_(list(course_ids)), Run.starts_at > utcnow()).order_by(Run.starts_at)).all()
    return [run for run, _ in rows], {run.id: taken for run, taken in rows}
