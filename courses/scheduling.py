"""A new run's starting values: a course's sensible defaults, or a copy of an earlier run moved to future dates.

Plain values in, a `RunDraft` out; the form shows the draft and the administrator changes what they like.
"""
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from courses.models import Course, CourseFormat, Run

#: the live session of a workshop when no earlier run of the course says otherwise
WORKSHOP_HOURS = {CourseFormat.HALF_DAY: (time(9, 30), time(13, 0)),
                  CourseFormat.FULL_DAY: (time(9, 30), time(16, 30))}
DEFAULT_CAPACITY = {CourseFormat.HALF_DAY: 20, CourseFormat.FULL_DAY: 20, CourseFormat.MULTI_WEEK: 12}
#: how far ahead a new run starts, so people have time to enrol
LEAD_TIME = timedelta(weeks=4)
#: enrolment closes this long before the first day, unless an earlier run had its own gap
ENROLMENT_CLOSES_BEFORE = timedelta(days=7)


@dataclass
class RunDraft:
    """The run form's fields, by name."""

    course_id: int
    start_date: date
    enrol_opens: date
    enrol_closes: date
    capacity: int
    timezone: str = "Europe/London"
    session_start: time | None = None
    session_end: time | None = None
    venue: str = ""
    video_link: str = ""
    mentor_ids: list[int] = field(default_factory=list)


def _next_weekday(day: date) -> date:
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def defaults_for(course: Course, latest_run: Run | None, today: date) -> RunDraft:
    """A run of `course` four weeks ahead (on a weekday), with the latest run's place, times and size, or the format's."""
    start = _next_weekday(today + LEAD_TIME)
    draft = RunDraft(course_id=course.id, start_date=start, enrol_opens=today,
                     enrol_closes=start - ENROLMENT_CLOSES_BEFORE, capacity=DEFAULT_CAPACITY[course.format])
    if course.format.is_workshop:
        draft.session_start, draft.session_end = WORKSHOP_HOURS[course.format]
    if latest_run is not None:
        _take_setting_from(latest_run, draft)
    return draft


def copy_of(run: Run, today: date) -> RunDraft:
    """`run` again, moved by whole weeks (so on the same weekday) to start at least four weeks from `today`."""
    zone = run.zone
    old_start = run.starts_at.astimezone(zone).date()
    weeks = max(0, -(-((today + LEAD_TIME) - old_start).days // 7))
    start = old_start + timedelta(weeks=weeks)
    gap = max(timedelta(days=1), old_start - run.enrol_closes_at.astimezone(zone).date())
    draft = RunDraft(course_id=run.course_id, start_date=start, enrol_opens=today,
                     enrol_closes=max(today + timedelta(days=1), start - gap), capacity=run.capacity)
    _take_setting_from(run, draft)
    draft.mentor_ids = [mentor.id for mentor in run.mentors]
    return draft


def _take_setting_from(run: Run, draft: RunDraft) -> None:
    draft.timezone, draft.capacity, draft.venue, draft.video_link = run.timezone, run.capacity, run.venue, run.video_link
    if run.course.format.is_workshop:
        draft.session_start = run.starts_at.astimezone(run.zone).time()
        draft.session_end = run.ends_at.astimezone(run.zone).time()
