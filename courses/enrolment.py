"""Enrolment rules: seats, the waitlist, withdrawal, and who may read which module.

Every change to a run's seats happens with the run row locked
(`lock_for_update`), so concurrent enrolments cannot overfill a run and
two withdrawals cannot promote the same person. Flush only; views commit.
"""
from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from accounts.models import User
from accounts.operations import absolute_url
from core import audit
from core.db import lock_for_update, utcnow
from core.extensions import db
from core.mail import queue_mail
from courses.models import Course, CourseModule, Enrolment, EnrolmentState, Run, run_mentors
from modules.models import Module


def seats_taken(run_ids) -> dict[int, int]:
    """Confirmed seats per run, in one query."""
    rows = db.session.execute(
        select(Enrolment.run_id, func.count(Enrolment.id))
        .where(Enrolment.run_id.in_(list(run_ids)), Enrolment.state == EnrolmentState.ENROLLED)
        .group_by(Enrolment.run_id)
    ).all()
    return dict(rows)


def _mail(enrolment: Enrolment, template: str, subject: str) -> None:
    queue_mail(enrolment.user.email, subject, render_template(
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
    taken = seats_taken([run.id]).get(run.id, 0)
    state = EnrolmentState.ENROLLED if taken < run.capacity else EnrolmentState.WAITLISTED
    if enrolment is None:
        enrolment = Enrolment(run_id=run.id, user_id=user.id, state=state)
        db.session.add(enrolment)
    enrolment.state, enrolment.state_changed_at, enrolment.enrolled_by_id = state, utcnow(), by.id
    db.session.flush()
    audit.record(by, "enrolment.waitlist" if state is EnrolmentState.WAITLISTED else "enrolment.enrol", enrolment)
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
    audit.record(by, "enrolment.withdraw", enrolment)
    _mail(enrolment, "withdrawn", f"Withdrawn: {enrolment.run.name}")
    db.session.flush()
    promoted = fill_from_waitlist(enrolment.run) if freed_seat else []
    return promoted[0] if promoted else None


def fill_from_waitlist(run: Run) -> list[Enrolment]:
    """Promote waiting people, first come first served, into any free seats (run row must be locked)."""
    free = run.capacity - seats_taken([run.id]).get(run.id, 0)
    if free <= 0:
        return []
    waiting = db.session.scalars(
        select(Enrolment).where(Enrolment.run_id == run.id, Enrolment.state == EnrolmentState.WAITLISTED)
        .order_by(Enrolment.state_changed_at, Enrolment.id).limit(free)
    ).all()
    for enrolment in waiting:
        enrolment.state, enrolment.state_changed_at = EnrolmentState.ENROLLED, utcnow()
        audit.record(None, "enrolment.promote", enrolment)
        _mail(enrolment, "promoted", f"A seat is yours: {run.name}")
    db.session.flush()
    return list(waiting)


@dataclass(frozen=True)
class ModuleAccess:
    can_read: bool
    #: lesson opens are recorded as reading only for enrolled learners
    counts_progress: bool
    #: the earliest release among the person's runs, when every one is still locked
    opens_at: datetime | None = None


def seats_with_module(user_id: int, module_id: int) -> list[tuple[Run, int | None]]:
    """(run, week the module opens) for each run with the module in which the person holds a seat, latest first."""
    return db.session.execute(
        select(Run, CourseModule.week).join(Enrolment, Enrolment.run_id == Run.id)
        .join(CourseModule, CourseModule.course_id == Run.course_id)
        .where(Enrolment.user_id == user_id, Enrolment.state == EnrolmentState.ENROLLED,
               CourseModule.module_id == module_id)
        .order_by(Run.starts_at.desc()).options(selectinload(Run.course))
    ).all()


def module_access(user, module: Module, now: datetime | None = None) -> ModuleAccess:
    """Who may read a module's lessons: enrolled learners once released; mentors and admins to preview."""
    if not user.is_authenticated:
        return ModuleAccess(False, False)
    now = now or utcnow()
    rows = seats_with_module(user.id, module.id)
    released = [run.is_released(week, now) for run, week in rows]
    if any(released):
        return ModuleAccess(True, True)
    if user.is_admin or user.is_mentor:
        return ModuleAccess(True, False)
    opens = [run.release_at(week) for run, week in rows]
    return ModuleAccess(False, False, min(opens) if opens else None)


def upcoming_runs(course_ids=None, now: datetime | None = None) -> list[Run]:
    query = select(Run).join(Course).where(Run.starts_at > (now or utcnow()), Course.is_retired.is_(False))
    if course_ids is not None:
        query = query.where(Run.course_id.in_(list(course_ids)))
    return db.session.scalars(query.order_by(Run.starts_at)).all()


def _mentored_enrolments():
    """(mentor id, learner id) pairs for every active enrolment in a run the mentor is assigned to."""
    return (select(run_mentors.c.user_id.label("mentor_id"), Enrolment.user_id.label("learner_id"))
            .join(Enrolment, Enrolment.run_id == run_mentors.c.run_id)
            .where(Enrolment.state == EnrolmentState.ENROLLED))


def is_mentor_of(mentor_id: int, learner_id: int) -> bool:
    """True when the learner holds a seat in a run the mentor is assigned to."""
    pairs = _mentored_enrolments().subquery()
    return db.session.scalar(select(func.count()).select_from(pairs).where(
        pairs.c.mentor_id == mentor_id, pairs.c.learner_id == learner_id)) > 0


def mentor_ids_of(learner_id: int) -> set[int]:
    """The mentors assigned to any run the learner holds a seat in."""
    pairs = _mentored_enrolments().subquery()
    return set(db.session.scalars(select(pairs.c.mentor_id).where(pairs.c.learner_id == learner_id)))


def learner_ids_of(mentor_id: int) -> set[int]:
    """The learners holding a seat in any run the mentor is assigned to."""
    pairs = _mentored_enrolments().subquery()
    return set(db.session.scalars(select(pairs.c.learner_id).where(pairs.c.mentor_id == mentor_id)))
