"""What a trainee has to do and by when, by their runs' schedules; and how late the late things are.

Plain functions of values the dashboard (and the team's list of who is behind) read anyway: the to-do list's
mentoring sessions come in the dashboard's one query for sessions; higher layers add their own items (the learning
plan's goals and action points, `plans.progress.step_todo_items`).

- **A module is due** when its run says (`Run.due_at`): at the end of a workshop's day, or, in a multi-week
  course, at the end of the week it is released in (the next week's release). A module is on the list once it
  is released to a seat the trainee holds, until it is complete. Taught in several of their runs, it is due by
  the latest of them. A module awaiting a mentor's sign-off is the mentor's to do, not the trainee's: it is
  left off, and never counts as overdue.
- **What to do next** follows the module's state: finish it (or retake the failed quiz), ask for sign-off,
  revise an answer returned for changes, or ask again after a revoked sign-off.
- **Mentor check-ins** of a multi-week course are listed in their week, due at its end, unless a session with
  a mentor is booked (or was held) in that week; **mentoring sessions** still to come are listed at their start.
- **Overdue** from the due instant on; days are counted as calendar days in the viewer's zone, so a clock
  change never adds or removes one.
"""
import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from core.text import quantity
from courses import structure
from courses.models import Run
from modules.attempts import Standing
from modules.completion import ModuleFacts, ModuleState, module_state

#: how far back the sessions given to `todo_list` must reach: a check-in's week is seven days long, so a session in
#: the week of a check-in still due started at most this long ago
SESSIONS_SINCE = timedelta(weeks=1)


class TodoKind(enum.Enum):
    MODULE = "Module"
    CHECK_IN = "Check-in"
    SESSION = "Mentoring session"
    #: a goal or action point of the person's learning plan (plans.progress.step_todo_items)
    PLAN_STEP = "Learning plan step"


#: states in which the next step is the trainee's (complete and awaiting sign-off are not)
OUTSTANDING_STATES = frozenset({ModuleState.NOT_STARTED, ModuleState.IN_PROGRESS, ModuleState.QUIZ_PASSED,
                                ModuleState.RETURNED, ModuleState.REVOKED})


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The deadline of a day given as a date (a plan step's target): the midnight that ends it in `zone`."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(timezone.utc)


def last_minute(due_at: datetime) -> datetime:
    """The minute a deadline is shown as ("Sun 14 Dec, 23:59"): it falls at the midnight that ends that day."""
    return due_at - timedelta(minutes=1)


@dataclass(frozen=True)
class ScheduledModule:
    module: structure.ModuleInfo
    run: Run
    due_at: datetime

    @property
    def shown_at(self) -> datetime:
        return last_minute(self.due_at)


@dataclass(frozen=True)
class TodoItem:
    kind: TodoKind
    #: what to do, e.g. "Retake the quiz"
    action: str
    title: str
    endpoint: str
    params: dict
    #: a deadline (modules, check-ins), or a session's start
    due_at: datetime
    #: where it comes from, e.g. the run's name
    context: str = ""
    #: what is left, in words
    detail: str = ""

    @property
    def is_deadline(self) -> bool:
        return self.kind is not TodoKind.SESSION

    def is_overdue(self, now: datetime) -> bool:
        return self.is_deadline and now >= self.due_at

    @property
    def shown_at(self) -> datetime:
        """The time to show: a deadline's last minute, a session's start."""
        return last_minute(self.due_at) if self.is_deadline else self.due_at


def scheduled_modules(runs: list[Run], now: datetime) -> list[ScheduledModule]:
    """The modules released to the runs (those where a seat is held), each once, due by the latest of its runs."""
    latest: dict[int, ScheduledModule] = {}
    for run in runs:
        for course_module in structure.course_modules(run.course_id):
            if not run.is_released(course_module.week, now):
                continue
            due_at = run.due_at(course_module.week)
            known = latest.get(course_module.module_id)
            if known is None or due_at > known.due_at:
                latest[course_module.module_id] = ScheduledModule(course_module.module, run, due_at)
    return sorted(latest.values(), key=lambda scheduled: (scheduled.due_at, scheduled.module.title))


def is_outstanding(facts: ModuleFacts) -> bool:
    return module_state(facts) in OUTSTANDING_STATES


def overdue_modules(scheduled: list[ScheduledModule], facts: dict[int, ModuleFacts],
                    now: datetime) -> list[ScheduledModule]:
    """Those of `scheduled_modules()` past their due instant and still outstanding (`facts` by module id)."""
    return [entry for entry in scheduled if now >= entry.due_at and is_outstanding(facts[entry.module.id])]


def _left_to_do(facts: ModuleFacts, standing: Standing | None) -> str:
    left = []
    unread = facts.lessons_total - facts.lessons_read
    if unread > 0:
        left.append(f"{quantity(unread, 'lesson')} to read")
    if not facts.quiz_done:
        if standing is not None and standing.awaiting_marking:
            left.append("the quiz is waiting to be marked")
        elif facts.quiz_attempted:
            left.append("the quiz to pass")
        else:
            left.append("the quiz to take")
    if facts.sign_off_required:
        left.append("a mentor's sign-off")
    return ", ".join(left)


def module_item(scheduled: ScheduledModule, facts: ModuleFacts, standing: Standing | None) -> TodoItem:
    """The next step on an outstanding module, with the page that takes it."""
    module, state = scheduled.module, module_state(facts)
    common = {"kind": TodoKind.MODULE, "title": module.title, "due_at": scheduled.due_at,
              "context": scheduled.run.name}
    if state is ModuleState.RETURNED:
        return TodoItem(action="Revise your answer and send it again", endpoint="modules.request_module_sign_off",
                        params={"slug": module.slug}, detail="Your mentor returned it for changes", **common)
    if state is ModuleState.REVOKED:
        return TodoItem(action="Ask for sign-off again", endpoint="modules.request_module_sign_off",
                        params={"slug": module.slug}, detail="Your sign-off was revoked", **common)
    if state is ModuleState.QUIZ_PASSED:
        return TodoItem(action="Ask for sign-off", endpoint="modules.request_module_sign_off",
                        params={"slug": module.slug}, detail="Lessons read and quiz passed", **common)
    detail = _left_to_do(facts, standing)
    if facts.lessons_done and facts.quiz_attempted and standing is not None and standing.can_start:
        return TodoItem(action="Retake the quiz", endpoint="modules.show_quiz", params={"slug": module.slug},
                        detail=detail, **common)
    return TodoItem(action="Finish", endpoint="modules.show_module", params={"slug": module.slug}, detail=detail,
                    **common)


def check_in_items(runs: list[Run], sessions: list, now: datetime) -> list[TodoItem]:
    """Each multi-week run's mentor check-in in the week it falls in, unless a session is booked in that week."""
    items = []
    for run in runs:
        for week in run.course.check_in_weeks or ():
            opens, due_at = run.release_at(week), run.due_at(week)
            if opens is None or not opens <= now < due_at:
                continue
            if any(opens <= session.starts_at < due_at for session in sessions):
                continue
            items.append(TodoItem(kind=TodoKind.CHECK_IN, action="Book your mentor check-in",
                                  title=f"Week {week} check-in", endpoint="mentoring.list_mentors", params={},
                                  due_at=due_at, context=run.name,
                                  detail="A session with a mentor of the course, by the end of the week"))
    return items


def session_items(sessions: list, now: datetime) -> list[TodoItem]:
    return [TodoItem(kind=TodoKind.SESSION, action="Mentoring session", title=f"{session.topic} with "
                     f"{session.mentor.display_name}", endpoint="mentoring.show_booking",
                     params={"booking_id": session.id}, due_at=session.starts_at)
            for session in sessions if session.ends_at >= now]


def todo_list(runs: list[Run], facts: dict[int, ModuleFacts], standings: dict[int, Standing], sessions: list,
              now: datetime, extra: list[TodoItem] = ()) -> list[TodoItem]:
    """A trainee's to-do list, soonest due first (so the overdue lead).

    `runs`: those where they hold a seat, with their courses; `facts` and `standings`: by module id;
    `sessions`: their confirmed mentoring sessions as the learner from `SESSIONS_SINCE` ago on; `extra`: items
    higher layers add (the learning plan's steps).
    """
    items = [module_item(scheduled, facts[scheduled.module.id], standings.get(scheduled.module.id))
             for scheduled in scheduled_modules(runs, now) if is_outstanding(facts[scheduled.module.id])]
    items += check_in_items(runs, sessions, now)
    items += session_items(sessions, now)
    items += extra
    return sorted(items, key=lambda item: (item.due_at, item.kind.value, item.title))


def last_day(due_at: datetime, zone: ZoneInfo) -> date:
    """The last day, in `zone`, before a deadline: a deadline at midnight falls on the day that ends there."""
    return (due_at - timedelta(microseconds=1)).astimezone(zone).date()


def days_overdue(due_at: datetime, now: datetime, zone: ZoneInfo) -> int:
    """Whole days in `zone` since the deadline's last day (0 while it is due, or past due only since today)."""
    return max((now.astimezone(zone).date() - last_day(due_at, zone)).days, 0)


def when_text(item: TodoItem, now: datetime, zone: ZoneInfo) -> str:
    """E.g. "Overdue by 3 days", "Due today", "Due in 4 days", or for a session "Tomorrow"."""
    if item.is_overdue(now):
        days = days_overdue(item.due_at, now, zone)
        return f"Overdue by {quantity(days, 'day')}" if days else "Overdue since today"
    day = last_day(item.due_at, zone) if item.is_deadline else item.due_at.astimezone(zone).date()
    days = (day - now.astimezone(zone).date()).days
    phrase = "today" if days == 0 else "tomorrow" if days == 1 else f"in {quantity(days, 'day')}"
    return f"Due {phrase}" if item.is_deadline else phrase.capitalize()
