"""How far a plan has got, from what already exists: lessons read, quiz results and sign-offs (through
`modules.completion`), sessions held in the mentoring package, goals met and action points done.

`item_progress()` is the rule for one item, a plain function; `plan_progress()`
reads the facts for a whole plan in a fixed number of queries, however long
the plan or its history.
"""
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Exists, Select, select

from core.db import utcnow
from core.extensions import db
from mentoring.models import Attendance, Booking, BookingState
from modules.completion import ModuleFacts, ModuleState, gather, is_complete, module_state
from modules.todo import TodoItem, TodoKind, end_of_day
from plans.models import Plan, PlanItem, PlanItemKind


@dataclass(frozen=True)
class ItemProgress:
    item: PlanItem
    is_done: bool
    is_overdue: bool
    #: modules: their state (not started, in progress, ... complete); None for goals and action points
    state: ModuleState | None
    detail: str


def item_progress(kind: PlanItemKind, facts: ModuleFacts | None, done_at: datetime | None, target_on: date | None,
                  today: date) -> tuple[bool, bool, ModuleState | None, str]:
    """(done, overdue, module state, what has been done in words) for one item."""
    if kind is PlanItemKind.MODULE:
        facts = facts or ModuleFacts(lessons_total=0)
        done, state = is_complete(facts), module_state(facts)
        parts = [f"{facts.lessons_read} of {facts.lessons_total} lessons read"]
        if facts.has_quiz:
            parts.append("quiz passed" if facts.quiz_passed else "quiz attempted" if facts.quiz_attempted
                         else "quiz not taken")
        if facts.sign_off_required:
            parts.append(f"sign-off: {state.value.lower()}" if facts.sign_off_state else "sign-off needed")
        detail = "; ".join(parts)
    else:
        done, state = done_at is not None, None
        detail = "done" if done else "open"
    return done, bool(target_on and not done and target_on < today), state, detail


@dataclass(frozen=True)
class PackageProgress:
    booked: int
    held: int
    next_session: Booking | None
    sessions: list[Booking]


@dataclass(frozen=True)
class PlanProgress:
    items: list[ItemProgress]
    package: PackageProgress | None

    @property
    def done(self) -> int:
        return sum(1 for item in self.items if item.is_done)

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.is_overdue)


def package_progress(plan: Plan, now: datetime | None = None) -> PackageProgress | None:
    """The package's booked sessions (one query): held once ended without a recorded no-show."""
    if plan.series_id is None:
        return None
    now = now or utcnow()
    sessions = list(db.session.scalars(select(Booking).where(Booking.series_id == plan.series_id)
                                       .order_by(Booking.starts_at)))
    confirmed = [b for b in sessions if b.state is BookingState.CONFIRMED]
    held = [b for b in confirmed if b.ends_at <= now and b.attendance is not Attendance.NO_SHOW]
    upcoming = [b for b in confirmed if b.starts_at > now]
    return PackageProgress(len(confirmed), len(held), upcoming[0] if upcoming else None, sessions)


def plan_progress(plan: Plan, today: date) -> PlanProgress:
    """Progress on every item: completion facts for all its modules at once (modules.completion.gather)."""
    modules = [item.module for item in plan.items if item.module is not None]
    facts = gather([plan.person_id], modules)
    items = []
    for item in plan.items:
        done, overdue, state, detail = item_progress(item.kind, facts.get((plan.person_id, item.module_id)),
                                                     item.done_at, item.target_on, today)
        items.append(ItemProgress(item, done, overdue, state, detail))
    return PlanProgress(items, package_progress(plan))


#: the most plan steps a to-do list shows: far more than a plan holds open at once
OPEN_STEPS_LIMIT = 20


def _open_steps(person_id: int) -> Select:
    return (select(PlanItem).join(PlanItem.plan)
            .where(Plan.person_id == person_id, PlanItem.kind != PlanItemKind.MODULE, PlanItem.done_at.is_(None),
                   PlanItem.target_on.is_not(None)))


def has_open_steps(person_id: int) -> Exists:
    """Whether `step_todo_items` has anything to list: for a page that asks first, with other such questions in one
    statement."""
    return _open_steps(person_id).exists()


def step_todo_items(person_id: int, zone: ZoneInfo) -> list[TodoItem]:
    """The goals and action points of the person's plan that are not done and have a target date, as to-do items due
    at the end of that day in `zone` (one query; modules are on the to-do list by their runs already)."""
    steps = db.session.scalars(_open_steps(person_id).order_by(PlanItem.target_on, PlanItem.position)
                               .limit(OPEN_STEPS_LIMIT)).all()
    return [TodoItem(kind=TodoKind.PLAN_STEP, action=step.kind.value, title=step.title, endpoint="plans.show_plan",
                     params={"person_id": person_id, "_anchor": f"item-{step.id}"},
                     due_at=end_of_day(step.target_on, zone), context="Your learning plan") for step in steps]
