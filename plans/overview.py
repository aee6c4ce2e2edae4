"""Plans in lists: the people a mentor mentors, ordered by their next session, and a project's members.

Each list reads every plan's progress at once (one `gather()` for all the
people and modules), so it runs a fixed number of queries however many rows.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from accounts.models import Organisation, User
from core.db import utcnow
from core.extensions import db
from curriculum.models import Module
from mentoring.models import Booking, BookingState
from modules.completion import gather
from plans.models import Assessment, AssessmentQuestion, Plan, PlanItem, PlanItemKind
from plans.progress import item_progress


@dataclass(frozen=True)
class PlanRow:
    person: User
    plan: Plan | None
    done: int = 0
    total: int = 0
    overdue: int = 0
    next_session: Booking | None = None


def _plans(condition) -> list[Plan]:
    return list(db.session.scalars(select(Plan).where(condition).options(
        selectinload(Plan.person), selectinload(Plan.items).selectinload(PlanItem.module))))


def _counts(plans: list[Plan], today: date) -> dict[int, tuple[int, int, int]]:
    """(done, total, overdue) per plan id."""
    modules = list({item.module_id: item.module for plan in plans for item in plan.items if item.module}.values())
    facts = gather([plan.person_id for plan in plans], modules)
    counts = {}
    for plan in plans:
        states = [item_progress(item.kind, facts.get((plan.person_id, item.module_id)), item.done_at, item.target_on,
                                today) for item in plan.items]
        counts[plan.id] = (sum(1 for s in states if s[0]), len(states), sum(1 for s in states if s[1]))
    return counts


def mentee_plans(mentor: User, today: date) -> list[PlanRow]:
    """The plans a mentor should read before their sessions: those they mentor, and those of anyone with a session
    booked with them; soonest session first."""
    upcoming = db.session.scalars(select(Booking).where(
        Booking.mentor_id == mentor.id, Booking.state == BookingState.CONFIRMED, Booking.ends_at > utcnow())
        .order_by(Booking.starts_at)).all()
    next_session: dict[int, Booking] = {}
    for booking in upcoming:
        next_session.setdefault(booking.learner_id, booking)
    plans = _plans(or_(Plan.mentor_id == mentor.id, Plan.person_id.in_(list(next_session))))
    counts = _counts(plans, today)
    rows = [PlanRow(plan.person, plan, *counts[plan.id], next_session=next_session.get(plan.person_id))
            for plan in plans]
    far = utcnow().replace(year=9999)
    return sorted(rows, key=lambda row: (row.next_session.starts_at if row.next_session else far,
                                         row.person.display_name))


def team_plans(organisation: Organisation, today: date) -> list[PlanRow]:
    """Every active trainee and leader of the project, with their plan's progress where they have one."""
    members = db.session.scalars(select(User).where(
        User.organisation_id == organisation.id, User.is_active_account.is_(True),
        or_(User.is_trainee.is_(True), User.is_leader.is_(True))).order_by(User.display_name)).all()
    plans = {plan.person_id: plan for plan in _plans(Plan.person_id.in_([m.id for m in members]))}
    counts = _counts(list(plans.values()), today)
    return [PlanRow(member, plans.get(member.id), *counts.get(plans[member.id].id if member.id in plans else 0,
                                                              (0, 0, 0)))
            for member in members]


@dataclass(frozen=True)
class TopicTotal:
    title: str
    #: people whose latest assessment says the topic needs work (rated 3 or less)
    needing: int
    rated: int
    average: float | None


@dataclass(frozen=True)
class RunDemand:
    module: str
    #: plans with a step on the module that asks for a run (none was open), not yet done
    asking: int


def needs_totals() -> tuple[int, list[TopicTotal], list[RunDemand]]:
    """Anonymised totals for administrators: how many people rate each topic weak in their latest assessment, and
    which modules plans ask a run for. Counts only; no person is named."""
    ranked = select(Assessment.person_id, Assessment.ratings, func.row_number().over(
        partition_by=Assessment.person_id, order_by=(Assessment.taken_at.desc(), Assessment.id.desc())).label("n")
    ).subquery()
    latest = [ratings for _, ratings in db.session.execute(select(ranked.c.person_id, ranked.c.ratings)
                                                           .where(ranked.c.n == 1))]
    topics = db.session.scalars(select(AssessmentQuestion).where(AssessmentQuestion.kind == "topic",
                                                                 AssessmentQuestion.is_retired.is_(False))
                                .order_by(AssessmentQuestion.position)).all()
    totals = []
    for topic in topics:
        values = [ratings[topic.key] for ratings in latest if isinstance(ratings.get(topic.key), int)]
        totals.append(TopicTotal(topic.prompt, sum(1 for v in values if v <= 3), len(values),
                                 round(sum(values) / len(values), 1) if values else None))
    totals.sort(key=lambda total: (-total.needing, total.average or 0))
    demand = [RunDemand(title, count) for title, count in db.session.execute(
        select(Module.title, func.count(PlanItem.id)).join(PlanItem, PlanItem.module_id == Module.id)
        .where(PlanItem.kind == PlanItemKind.MODULE, PlanItem.run_id.is_(None), PlanItem.done_at.is_(None))
        .group_by(Module.title).order_by(func.count(PlanItem.id).desc(), Module.title))]
    return len(latest), totals, demand
