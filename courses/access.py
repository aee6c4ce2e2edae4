"""Access that follows from seats and mentoring: who may read a module, and whom a mentor oversees.

The predicates here read enrolments and run assignments; the queries beside
them answer the role-scoped questions ("the learners this mentor oversees")
with the same joins, so a rule and its list cannot drift apart.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from core.db import utcnow
from core.extensions import db
from courses.models import CourseModule, Enrolment, EnrolmentState, Run, run_mentors
from courses.structure import ModuleInfo
from curriculum.models import Module


@dataclass(frozen=True)
class ModuleAccess:
    can_read: bool
    #: lesson opens are recorded as reading only for enrolled learners
    counts_progress: bool
    #: the earliest release among the person's runs, when every one is still locked
    opens_at: datetime | None = None


def _seats(user_id: int) -> Select:
    """(run, week the module opens, module id) for each module of each run in which the person holds a seat."""
    return (select(Run, CourseModule.week, CourseModule.module_id).join(Enrolment, Enrolment.run_id == Run.id)
            .join(CourseModule, CourseModule.course_id == Run.course_id)
            .where(Enrolment.user_id == user_id, Enrolment.state == EnrolmentState.ENROLLED)
            .options(joinedload(Run.course, innerjoin=True)))


def seats_with_module(user_id: int, module_id: int) -> list[tuple[Run, int | None]]:
    """(run, week the module opens) for each run with the module in which the person holds a seat, latest first."""
    rows = db.session.execute(_seats(user_id).where(CourseModule.module_id == module_id)
                              .order_by(Run.starts_at.desc())).all()
    return [(run, week) for run, week, _ in rows]


def can_preview_modules(user) -> bool:
    """Mentors and administrators read any module's lessons (without it counting as progress)."""
    return user.is_authenticated and (user.is_admin or user.is_mentor)


def module_access(user, module: Module | ModuleInfo, now: datetime | None = None) -> ModuleAccess:
    """Who may read a module's lessons: enrolled learners once released; mentors and admins to preview."""
    if not user.is_authenticated:
        return ModuleAccess(False, False)
    now = now or utcnow()
    rows = seats_with_module(user.id, module.id)
    released = [run.is_released(week, now) for run, week in rows]
    if any(released):
        return ModuleAccess(True, True)
    if can_preview_modules(user):
        return ModuleAccess(True, False)
    opens = [run.release_at(week) for run, week in rows]
    return ModuleAccess(False, False, min(opens) if opens else None)


def readable_module_ids(user, now: datetime | None = None) -> set[int] | None:
    """The modules whose lessons `user` may read, as `module_access` decides for each; None means every module.

    One query whatever the number of modules, for lists such as search results.
    """
    if not user.is_authenticated:
        return set()
    if can_preview_modules(user):
        return None
    now = now or utcnow()
    return {module_id for run, week, module_id in db.session.execute(_seats(user.id)).all()
            if run.is_released(week, now)}


def _mentored_enrolments():
    """(mentor id, learner id, run id) for every active enrolment in a run the mentor is assigned to."""
    return (select(run_mentors.c.user_id.label("mentor_id"), Enrolment.user_id.label("learner_id"),
                   run_mentors.c.run_id.label("run_id"))
            .join(Enrolment, Enrolment.run_id == run_mentors.c.run_id)
            .where(Enrolment.state == EnrolmentState.ENROLLED))


def runs_mentored_by(mentor_id: int) -> Select:
    """The ids of the runs a mentor is assigned to, as a subquery."""
    return select(run_mentors.c.run_id).where(run_mentors.c.user_id == mentor_id)


def oversees_everyone(user) -> bool:
    """Administrators oversee every learner and every run; mentors only those of their own runs."""
    return user.is_authenticated and user.is_admin


def learners_overseen_by(mentor_id: int) -> Select:
    """The ids of the learners holding a seat in a run the mentor is assigned to, as a subquery."""
    pairs = _mentored_enrolments().subquery()
    return select(pairs.c.learner_id).where(pairs.c.mentor_id == mentor_id)


def is_mentor_of(mentor_id: int, learner_id: int) -> bool:
    """True when the learner holds a seat in a run the mentor is assigned to."""
    pairs = _mentored_enrolments().subquery()
    return db.session.scalar(select(func.count()).select_from(pairs).where(
        pairs.c.mentor_id == mentor_id, pairs.c.learner_id == learner_id)) > 0


def mentors_module_for(mentor_id: int, learner_id: int, module_id: int) -> bool:
    """True when the learner holds a seat in a run the mentor is assigned to whose course includes the module."""
    pairs = _mentored_enrolments().subquery()
    return db.session.scalar(
        select(func.count()).select_from(pairs).join(Run, Run.id == pairs.c.run_id)
        .join(CourseModule, CourseModule.course_id == Run.course_id)
        .where(pairs.c.mentor_id == mentor_id, pairs.c.learner_id == learner_id,
               CourseModule.module_id == module_id)) > 0


def mentor_ids_of(learner_id: int) -> set[int]:
    """The mentors assigned to any run the learner holds a seat in."""
    pairs = _mentored_enrolments().subquery()
    return set(db.session.scalars(select(pairs.c.mentor_id).where(pairs.c.learner_id == learner_id)))


def oversees(user, learner_id: int) -> bool:
    """True for administrators, and for mentors assigned to a run the learner holds a seat in."""
    return oversees_everyone(user) or (user.is_authenticated and user.is_mentor and is_mentor_of(user.id, learner_id))


def oversees_module(user, learner_id: int, module_id: int) -> bool:
    """True for administrators, and for mentors assigned to a run with this module in which the learner has a seat."""
    return user.is_authenticated and (
        oversees_everyone(user) or (user.is_mentor and mentors_module_for(user.id, learner_id, module_id)))
