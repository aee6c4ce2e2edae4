"""Weekly releases count days in the run's own time zone, so daylight saving never moves them."""
from datetime import datetime, timezone

from courses.models import Course, CourseFormat, Run


def _run(starts_at, zone="Europe/London", format_=CourseFormat.MULTI_WEEK):
    return Run(starts_at=starts_at, timezone=zone, course=Course(format=format_, weeks=8))


def test_weeks_open_at_local_midnight_across_the_clocks_going_forward():
    # Monday 23 March 2026, 00:00 GMT; the clocks go forward on Sunday 29 March.
    run = _run(datetime(2026, 3, 23, 0, 0, tzinfo=timezone.utc))
    assert run.release_at(1) == datetime(2026, 3, 23, 0, 0, tzinfo=timezone.utc)
    # Monday 30 March 00:00 BST is 29 March 23:00 UTC.
    assert run.release_at(2) == datetime(2026, 3, 29, 23, 0, tzinfo=timezone.utc)


def test_weeks_open_at_local_midnight_across_the_clocks_going_back():
    # Monday 19 October 2026 00:00 BST; the clocks go back on Sunday 25 October.
    run = _run(datetime(2026, 10, 18, 23, 0, tzinfo=timezone.utc))
    assert run.release_at(2) == datetime(2026, 10, 26, 0, 0, tzinfo=timezone.utc)


def test_is_released_compares_with_the_opening_instant():
    run = _run(datetime(2026, 3, 23, 0, 0, tzinfo=timezone.utc))
    assert not run.is_released(2, datetime(2026, 3, 29, 22, 59, tzinfo=timezone.utc))
    assert run.is_released(2, datetime(2026, 3, 29, 23, 0, tzinfo=timezone.utc))


def test_workshop_modules_open_on_enrolment():
    run = _run(datetime(2026, 3, 23, 9, 0, tzinfo=timezone.utc), format_=CourseFormat.HALF_DAY)
    assert run.release_at(3) is None and run.is_released(3)
