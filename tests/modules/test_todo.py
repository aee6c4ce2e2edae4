"""The to-do list's rules: when modules fall due, what to do next, check-ins, and how late is said."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from core.db import utcnow
from core.extensions import db
from courses.models import Course, CourseFormat, Run
from modules.attempts import standings_by_module
from modules.completion import ModuleFacts, gather
from modules.models import SignOff, SignOffState
from modules.todo import (
    TodoItem,
    TodoKind,
    days_overdue,
    overdue_modules,
    scheduled_modules,
    todo_list,
    when_text,
)

LONDON, AUCKLAND, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("Pacific/Auckland"), ZoneInfo("America/New_York")
UTC = timezone.utc


def _run(starts_at, format_=CourseFormat.MULTI_WEEK, ends_at=None, zone="Europe/London"):
    return Run(starts_at=starts_at, ends_at=ends_at or starts_at + timedelta(weeks=8), timezone=zone,
               course=Course(format=format_, weeks=8))


# When a module falls due (courses.models.Run.due_at)

def test_a_weeks_module_is_due_at_the_end_of_its_week_in_the_runs_zone_across_the_clocks_going_forward():
    # Monday 23 March 2026, 00:00 GMT; the clocks go forward on Sunday 29 March.
    run = _run(datetime(2026, 3, 23, 0, 0, tzinfo=UTC))
    assert run.due_on(1).isoformat() == "2026-03-29"
    # The end of Sunday 29 March is Monday 00:00 BST, 23:00 UTC: the week is 167 hours long, and still ends at midnight.
    assert run.due_at(1) == datetime(2026, 3, 29, 23, 0, tzinfo=UTC) == run.release_at(2)
    assert run.due_at(2) == datetime(2026, 4, 5, 23, 0, tzinfo=UTC)


def test_a_weeks_module_is_due_at_local_midnight_across_the_clocks_going_back():
    # Monday 19 October 2026 00:00 BST; the clocks go back on Sunday 25 October.
    run = _run(datetime(2026, 10, 18, 23, 0, tzinfo=UTC))
    assert run.due_at(1) == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)
    assert run.due_at(1).astimezone(LONDON).hour == 0


def test_a_workshops_modules_are_due_at_the_end_of_its_day():
    starts = datetime(2026, 6, 10, 8, 30, tzinfo=UTC)  # 09:30 BST
    run = _run(starts, CourseFormat.HALF_DAY, ends_at=starts + timedelta(hours=3, minutes=30))
    assert run.due_on(3).isoformat() == "2026-06-10"
    assert run.due_at(None) == run.due_at(3) == datetime(2026, 6, 10, 23, 0, tzinfo=UTC)


def test_a_workshop_ending_at_midnight_is_due_that_midnight_not_a_day_later():
    starts = datetime(2026, 1, 10, 18, 0, tzinfo=UTC)
    run = _run(starts, CourseFormat.FULL_DAY, ends_at=datetime(2026, 1, 11, 0, 0, tzinfo=UTC))
    assert run.due_at(None) == datetime(2026, 1, 11, 0, 0, tzinfo=UTC)


def test_a_runs_zone_decides_the_day_not_utc():
    # Monday 5 January 2026 00:00 in Auckland is Sunday 4 January 11:00 UTC.
    run = _run(datetime(2026, 1, 4, 11, 0, tzinfo=UTC), zone="Pacific/Auckland")
    assert run.due_on(1).isoformat() == "2026-01-11"
    assert run.due_at(1) == datetime(2026, 1, 11, 11, 0, tzinfo=UTC)


# How late, in words, in the viewer's zone

def _deadline(due_at):
    return TodoItem(kind=TodoKind.MODULE, action="Finish", title="Appeals", endpoint="modules.show_module",
                    params={}, due_at=due_at)


def test_overdue_days_are_calendar_days_in_the_viewers_zone():
    due = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)  # the end of Sunday 1 March, London
    item = _deadline(due)
    assert when_text(item, due - timedelta(hours=12), LONDON) == "Due today"
    assert when_text(item, due - timedelta(days=1, hours=12), LONDON) == "Due tomorrow"
    assert when_text(item, due - timedelta(days=4, hours=1), LONDON) == "Due in 4 days"
    assert when_text(item, due, LONDON) == "Overdue by 1 day"
    assert when_text(item, due + timedelta(days=2, hours=23), LONDON) == "Overdue by 3 days"
    # In Auckland (UTC+13) the deadline is 13:00 on Monday 2 March: that afternoon it is overdue since today.
    assert when_text(item, due + timedelta(hours=1), AUCKLAND) == "Overdue since today"
    assert when_text(item, due + timedelta(days=1), AUCKLAND) == "Overdue by 1 day"
    # In New York it falls at 19:00 on Sunday 1 March.
    assert when_text(item, due - timedelta(hours=6), NEW_YORK) == "Due today"


def test_the_clocks_changing_does_not_change_how_many_days_late():
    # Due at the end of Saturday 24 October 2026 (London, BST); the clocks go back that night.
    due = datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    # Noon on Tuesday 27 October GMT: Sunday, Monday and Tuesday have begun since.
    assert days_overdue(due, datetime(2026, 10, 27, 12, 0, tzinfo=UTC), LONDON) == 3
    # 00:30 GMT on Sunday: the first overdue day, though only 90 minutes have passed.
    assert days_overdue(due, datetime(2026, 10, 25, 0, 30, tzinfo=UTC), LONDON) == 1
    # Across the clocks going forward: due at the end of Saturday 28 March, checked at 00:30 BST on Monday 30th.
    assert days_overdue(datetime(2026, 3, 29, 0, 0, tzinfo=UTC), datetime(2026, 3, 29, 23, 30, tzinfo=UTC),
                        LONDON) == 2


def test_a_session_says_when_it_starts_and_is_never_overdue():
    starts = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)
    session = TodoItem(kind=TodoKind.SESSION, action="Mentoring session", title="Grounds with M", endpoint="x",
                       params={}, due_at=starts)
    assert when_text(session, starts - timedelta(days=1), LONDON) == "Tomorrow"
    assert when_text(session, starts + timedelta(minutes=30), LONDON) == "Today"
    assert not session.is_overdue(starts + timedelta(minutes=30))
    assert session.shown_at == starts and _deadline(starts).shown_at == starts - timedelta(minutes=1)


# Which modules are on the list, and what to do next (with the fixture curriculum)

def _programme_started(make_run, days_ago):
    return make_run(course_slug="two-week-programme", starts_in=-timedelta(days=days_ago))


def _list_for(user, runs, sessions=(), now=None):
    now = now or utcnow()
    modules = {cm.module.id: cm.module for run in runs for cm in run.course.course_modules}
    facts = gather([user.id], list(modules.values()))
    return todo_list(runs, {module_id: facts[user.id, module_id] for module_id in modules},
                     standings_by_module(user.id, modules), list(sessions), now)


def test_released_modules_are_listed_soonest_due_first_and_unreleased_ones_are_not(make_user, make_run):
    trainee = make_user("trainee")
    run = _programme_started(make_run, days_ago=3)
    items = _list_for(trainee, [run])
    assert [(item.title, item.action) for item in items] == [("Appeals basics", "Finish")]
    assert items[0].due_at == run.due_at(1) and not items[0].is_overdue(utcnow())
    assert items[0].detail == "2 lessons to read, the quiz to take, a mentor's sign-off"
    later = _programme_started(make_run, days_ago=10)
    items = _list_for(trainee, [later])
    assert [item.title for item in items] == ["Appeals basics", "Evidence basics"]
    assert items[0].is_overdue(utcnow()) and not items[1].is_overdue(utcnow())
    assert when_text(items[0], utcnow(), LONDON) == "Overdue by 4 days"


def test_a_module_taught_in_two_runs_is_due_by_the_later(make_user, make_run):
    trainee = make_user("trainee")
    old = _programme_started(make_run, days_ago=30)
    workshop = make_run(course_slug="appeals-workshop", starts_in=timedelta(days=5))
    [scheduled] = [s for s in scheduled_modules([old, workshop], utcnow()) if s.module.slug == "appeals-basics"]
    assert scheduled.run.id == workshop.id and scheduled.due_at == workshop.due_at(None)
    facts = gather([trainee.id], [scheduled.module])
    assert overdue_modules(scheduled_modules([old, workshop], utcnow()), {scheduled.module.id: facts[trainee.id, scheduled.module.id],
                                             **{s.module.id: ModuleFacts(lessons_total=1)
                                                for s in scheduled_modules([old], utcnow())}},
                           utcnow())[0].module.slug == "evidence-basics"


def test_the_next_step_follows_the_modules_state(make_user, make_run, finish_module):
    trainee = make_user("trainee")
    run = make_run(course_slug="evidence-day", starts_in=-timedelta(days=2))
    finish_module(trainee, "appeals-basics", grade=20.0)  # lessons read, quiz failed: 2 attempts left

    def steps():
        return {item.title: (item.action, item.endpoint) for item in _list_for(trainee, [run])}

    assert steps() == {"Evidence basics": ("Finish", "modules.show_module"),
                       "Appeals basics": ("Retake the quiz", "modules.show_quiz")}
    finish_module(trainee, "appeals-basics", read=False)  # passed now; needs a sign-off nobody asked for
    assert steps()["Appeals basics"] == ("Ask for sign-off", "modules.request_module_sign_off")

    appeals = run.course.course_modules[1].module
    sign_off = SignOff(learner_id=trainee.id, module_id=appeals.id, run_id=run.id, state=SignOffState.RETURNED)
    db.session.add(sign_off)
    db.session.commit()
    [returned] = [item for item in _list_for(trainee, [run]) if item.title == "Appeals basics"]
    assert (returned.action, returned.detail) == ("Revise your answer and send it again",
                                                  "Your mentor returned it for changes")
    assert returned.is_overdue(utcnow())  # the workshop was two days ago
    # Awaiting the mentor: not the trainee's to do.
    sign_off.state = SignOffState.REQUESTED
    db.session.commit()
    assert list(steps()) == ["Evidence basics"]
    sign_off.state = SignOffState.SIGNED_OFF
    db.session.commit()
    finish_module(trainee, "evidence-basics")
    assert steps() == {}


def test_a_check_in_is_listed_in_its_week_until_a_session_is_booked_in_that_week(make_user, make_run):
    trainee = make_user("trainee")
    run = _programme_started(make_run, days_ago=9)
    run.course.check_in_weeks = [1, 2]
    db.session.commit()
    now = utcnow()
    [check_in] = [item for item in _list_for(trainee, [run], now=now) if item.kind is TodoKind.CHECK_IN]
    assert (check_in.title, check_in.due_at, check_in.endpoint) == ("Week 2 check-in", run.due_at(2),
                                                                    "mentoring.list_mentors")
    held_this_week = SimpleNamespace(id=1, topic="Week 2", mentor=SimpleNamespace(display_name="M"),
                                     starts_at=now - timedelta(days=1), ends_at=now - timedelta(days=1, hours=-1))
    items = _list_for(trainee, [run], sessions=[held_this_week], now=now)
    assert not [item for item in items if item.kind in (TodoKind.CHECK_IN, TodoKind.SESSION)]
    coming = SimpleNamespace(id=2, topic="Grounds", mentor=SimpleNamespace(display_name="Morgan"),
                             starts_at=now + timedelta(days=30), ends_at=now + timedelta(days=30, hours=1))
    items = _list_for(trainee, [run], sessions=[coming], now=now)
    assert [item.kind for item in items][-1] is TodoKind.SESSION and items[-1].title == "Grounds with Morgan"
    assert any(item.kind is TodoKind.CHECK_IN for item in items)
