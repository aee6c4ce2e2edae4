"""Adjusting a plan: add, drop, reorder and edit steps, tick goals off, shape and agree the mentoring package.

Each operation changes the plan and records the change in its history (who,
when, what) in the same transaction. Flush only; views commit.
"""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.models import User
from core.db import utcnow
from core.errors import Refusal
from core.extensions import db
from courses.models import CourseModule, Run
from curriculum.models import Module
from plans.models import Plan, PlanItem, PlanItemKind
from plans.planning import record_change


def _when(day: date | None) -> str:
    return f"{day:%-d %B %Y}" if day else "none"


def add_module(plan: Plan, by: User, module: Module, target_on: date | None, reason: str = "") -> PlanItem:
    """Add a module at the end; a module already in the plan is refused (one step per module)."""
    if any(item.module_id == module.id for item in plan.items):
        raise Refusal(f"{module.title} is already in the plan.")
    item = PlanItem(kind=PlanItemKind.MODULE, module=module, target_on=target_on, position=_next_position(plan),
                    reason=reason or f"Added by {by.display_name}.")
    plan.items.append(item)
    db.session.flush()
    record_change(plan, by, f"Added the module {module.title}, target {_when(target_on)}")
    return item


def add_goal(plan: Plan, by: User, kind: PlanItemKind, title: str, success_criteria: str = "",
             target_on: date | None = None, booking_id: int | None = None) -> PlanItem:
    """Add a goal (with its success criteria) or an action point at the end of the plan; one with the same wording
    already in the plan is refused (a double submit adds one)."""
    if any(item.kind is kind and item.title.casefold() == title.strip().casefold() for item in plan.items):
        raise Refusal(f"“{title.strip()}” is already in the plan.")
    item = PlanItem(kind=kind, title=title.strip(), success_criteria=success_criteria.strip(), target_on=target_on,
                    position=_next_position(plan), booking_id=booking_id,
                    reason=f"Added by {by.display_name}" + (" in a mentoring session." if booking_id else "."))
    plan.items.append(item)
    db.session.flush()
    record_change(plan, by, f"Added the {kind.value.lower()} “{item.title}”, target {_when(target_on)}")
    return item


def _next_position(plan: Plan) -> int:
    return max((item.position for item in plan.items), default=-1) + 1


def drop(plan: Plan, by: User, item: PlanItem) -> None:
    """Take a step out of the plan; the history keeps what it was."""
    record_change(plan, by, f"Dropped the {item.kind.value.lower()} {item.label}")
    plan.items.remove(item)
    db.session.flush()


def move(plan: Plan, by: User, item: PlanItem, step: int) -> bool:
    """Move a step one place up (-1) or down (+1); False (nothing recorded) at either end."""
    items = list(plan.items)
    index = items.index(item)
    other = index + step
    if not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        each.position = position
    db.session.flush()
    record_change(plan, by, f"Moved {item.label} {'up' if step < 0 else 'down'} to place {other + 1}")
    return True


def edit(plan: Plan, by: User, item: PlanItem, target_on: date | None, title: str, success_criteria: str,
         run_id: int | None = None) -> bool:
    """Change a step's target date, run (modules) or wording and success criteria (goals, action points)."""
    changes = []
    if item.target_on != target_on:
        changes.append(f"target {_when(item.target_on)} → {_when(target_on)}")
        item.target_on = target_on
    if item.kind is PlanItemKind.MODULE:
        if item.run_id != run_id:
            changes.append("run changed" if run_id else "no run: ask for one")
            item.run_id = run_id
    else:
        if item.title != title.strip():
            changes.append(f"now “{title.strip()}”")
            item.title = title.strip()
        if item.success_criteria != success_criteria.strip():
            changes.append("success criteria changed")
            item.success_criteria = success_criteria.strip()
    if not changes:
        return False
    db.session.flush()
    record_change(plan, by, f"Changed {item.label}: {'; '.join(changes)}")
    return True


def set_done(plan: Plan, by: User, item: PlanItem, done: bool, booking_id: int | None = None) -> bool:
    """Tick a goal or action point off (or open it again); modules are done when complete, never by hand."""
    if item.kind is PlanItemKind.MODULE:
        raise Refusal("A module is done when it is complete: lessons read, quiz passed and any sign-off given.")
    if (item.done_at is not None) == done:
        return False
    item.done_at, item.done_by_id = (utcnow(), by.id) if done else (None, None)
    if done and booking_id:
        item.booking_id = booking_id
    db.session.flush()
    record_change(plan, by, f"{'Ticked off' if done else 'Opened again'} the {item.kind.value.lower()} {item.label}")
    return True


def set_package(plan: Plan, by: User, sessions: int | None, every_weeks: int, minutes: int,
                mentor_id: int | None) -> bool:
    """Shape the mentoring package and choose the mentor; a change after agreement needs agreeing again."""
    if plan.series_id is not None and (sessions, every_weeks, minutes) != (
            plan.package_sessions, plan.package_every_weeks, plan.package_minutes):
        raise Refusal("The package's sessions are booked: cancel them before changing the package.")
    changes = []
    if (sessions, every_weeks, minutes) != (plan.package_sessions, plan.package_every_weeks, plan.package_minutes):
        changes.append(f"{sessions or 'no'} sessions of {minutes} minutes every {every_weeks} week(s)")
        plan.package_sessions, plan.package_every_weeks, plan.package_minutes = sessions or None, every_weeks, minutes
    if mentor_id != plan.mentor_id:
        mentor = db.session.get(User, mentor_id) if mentor_id else None
        changes.append(f"mentor: {mentor.display_name if mentor else 'none'}")
        plan.mentor_id = mentor_id
    if not changes:
        return False
    if plan.is_package_agreed:
        plan.package_agreed_at = plan.package_agreed_by_id = None
        changes.append("to be agreed again")
    db.session.flush()
    record_change(plan, by, f"Changed the mentoring package: {'; '.join(changes)}")
    return True


def agree_package(plan: Plan, by: User) -> None:
    """The person or their mentor agrees the package as it stands (it needs a mentor and sessions)."""
    if not plan.has_package or plan.mentor_id is None:
        raise Refusal("Choose a mentor and the number of sessions before agreeing the package.")
    if plan.is_package_agreed:
        return
    plan.package_agreed_at, plan.package_agreed_by_id = utcnow(), by.id
    db.session.flush()
    record_change(plan, by, f"Agreed the mentoring package: {plan.package_sessions} sessions")


def addable_modules(plan: Plan) -> list[Module]:
    present = {item.module_id for item in plan.items}
    return [m for m in db.session.scalars(select(Module).where(Module.is_retired.is_(False)).order_by(Module.title))
            if m.id not in present]


def runs_teaching(module_id: int) -> list[Run]:
    """The runs that have not ended and teach the module, soonest first (a module step's choice of run)."""
    return list(db.session.scalars(
        select(Run).join(CourseModule, CourseModule.course_id == Run.course_id)
        .where(CourseModule.module_id == module_id, Run.ends_at > utcnow()).order_by(Run.starts_at)
        .options(selectinload(Run.course))))


def mentors() -> list[User]:
    """Every active mentor, by name: a plan's mentor can be any of them."""
    return list(db.session.scalars(select(User).where(User.is_mentor.is_(True), User.is_active_account.is_(True))
                                   .order_by(User.display_name)))
