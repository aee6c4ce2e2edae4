"""Who in a project is behind schedule: members with modules past their due date and still to do.

"Overdue" is the trainee's to-do list's rule (`modules.todo`): a module released to a seat the member holds, past
the instant its run makes it due, and not complete (a module awaiting a mentor's sign-off is not the member's
delay, so it does not count). The members are those the matrix lists. Everything is read for the whole project
at once — one query for the seats and their runs, then `gather()`'s few for every member and module concerned —
and sorted in one pass, so the page costs the same statements for 3 members or 300.
"""
import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from accounts.models import Organisation, User
from core.extensions import db
from core.text import quantity
from courses.models import Enrolment, EnrolmentState, Run
from modules.completion import gather
from modules.todo import ScheduledModule, days_overdue, overdue_modules, scheduled_modules


@dataclass(frozen=True)
class BehindMember:
    member: User
    #: earliest due (the latest) first
    overdue: list[ScheduledModule]

    @property
    def most_late(self) -> ScheduledModule:
        return self.overdue[0]

    def late_text(self, now: datetime, zone: ZoneInfo) -> str:
        """How late the latest module is, e.g. "12 days late", counted in the viewer's zone."""
        days = days_overdue(self.most_late.due_at, now, zone)
        return f"{quantity(days, 'day')} late" if days else "due earlier today"


@dataclass(frozen=True)
class BehindPage:
    organisation: Organisation
    #: the members on this page, the latest first
    members: list[BehindMember]
    #: members behind, on every page
    total: int
    page: int
    pages: int

    def iter_pages(self):
        return range(1, self.pages + 1)


def _seats(organisation: Organisation) -> dict[User, list[Run]]:
    """Each active trainee's (and training leader's) runs where they hold a seat, with their courses."""
    seats: dict[User, list[Run]] = {}
    for enrolment in db.session.scalars(
            select(Enrolment).join(Enrolment.user).join(Enrolment.run).join(Run.course)
            .where(User.organisation_id == organisation.id, User.is_active_account.is_(True),
                   User.is_trainee.is_(True) | User.is_leader.is_(True),
                   Enrolment.state == EnrolmentState.ENROLLED)
            .options(contains_eager(Enrolment.user), contains_eager(Enrolment.run).contains_eager(Run.course))):
        seats.setdefault(enrolment.user, []).append(enrolment.run)
    return seats


def behind_schedule(organisation: Organisation, now: datetime) -> list[BehindMember]:
    """Every member with an overdue module, the latest first (then the most modules overdue, then by name)."""
    seats = _seats(organisation)
    schedules: dict[tuple[int, ...], list[ScheduledModule]] = {}
    late = {}
    for member, runs in seats.items():
        # A schedule depends on the runs alone, and a cohort shares its runs: reckon each set of runs once.
        key = tuple(sorted(run.id for run in runs))
        if key not in schedules:
            schedules[key] = [scheduled for scheduled in scheduled_modules(runs, now) if now >= scheduled.due_at]
        if schedules[key]:
            late[member] = schedules[key]
    modules = {scheduled.module.id: scheduled.module for found in schedules.values() for scheduled in found}
    facts = gather([member.id for member in late], list(modules.values()))
    behind = []
    for member, scheduled in late.items():
        overdue = overdue_modules(scheduled, {entry.module.id: facts[member.id, entry.module.id] for entry in scheduled},
                                  now)
        if overdue:
            behind.append(BehindMember(member, overdue))
    return sorted(behind, key=lambda entry: (entry.most_late.due_at, -len(entry.overdue),
                                             entry.member.display_name, entry.member.id))


def behind_page(organisation: Organisation, now: datetime, page: int, per_page: int) -> BehindPage:
    behind = behind_schedule(organisation, now)
    pages = max(1, math.ceil(len(behind) / per_page))
    page = min(max(page, 1), pages)
    return BehindPage(organisation, behind[(page - 1) * per_page:page * per_page], len(behind), page, pages)
