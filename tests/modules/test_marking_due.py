"""When a mentor is expected to mark written answers: working days from submission, in the trainee's zone."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from core.extensions import db
from modules.grading import marking_due
from modules.models import Attempt
from tests.modules.quiz_helpers import awaiting_marking, released_trainee

LONDON, AUCKLAND = ZoneInfo("Europe/London"), ZoneInfo("Pacific/Auckland")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("submitted, days, expected", [
    (utc(2026, 12, 4, 18, 0), 5, date(2026, 12, 11)),    # Friday evening: the next Friday
    (utc(2026, 12, 5, 10, 0), 5, date(2026, 12, 11)),    # Saturday: counting starts on Monday
    (utc(2026, 12, 7, 9, 0), 1, date(2026, 12, 8)),      # Monday, one day: Tuesday
    (utc(2026, 12, 3, 9, 0), 2, date(2026, 12, 7)),      # Thursday, two days: Friday then Monday
    (utc(2026, 12, 7, 9, 0), 0, date(2026, 12, 7)),      # no turnaround: the same day
])
def test_working_days_skip_weekends(submitted, days, expected):
    assert marking_due(submitted, days, LONDON) == expected


def test_closed_days_are_skipped():
    christmas = frozenset({date(2026, 12, 25), date(2026, 12, 28)})
    # Wednesday 23rd, three working days: Thu 24, (Fri 25 closed, weekend, Mon 28 closed) Tue 29, Wed 30
    assert marking_due(utc(2026, 12, 23, 12, 0), 3, LONDON, christmas) == date(2026, 12, 30)


def test_the_day_of_submission_is_the_trainees_local_day():
    # 23:30 UTC on Thursday is already Friday morning in Auckland: one day later there is the next Monday.
    assert marking_due(utc(2026, 12, 3, 23, 30), 1, LONDON) == date(2026, 12, 4)
    assert marking_due(utc(2026, 12, 3, 23, 30), 1, AUCKLAND) == date(2026, 12, 7)


def test_past_the_due_day_the_result_page_says_marking_is_late(client, make_user, make_run, enrol, login_as,
                                                                curriculum, app, monkeypatch):
    trainee, _ = released_trainee(make_user, make_run, enrol, timezone="Pacific/Auckland")
    attempt, _ = awaiting_marking(trainee)
    attempt = db.session.get(Attempt, attempt.id)
    attempt.submitted_at = utc(2025, 12, 4, 23, 30)  # a Thursday in London, Friday in Auckland
    db.session.commit()
    monkeypatch.setitem(app.config, "MARKING_TURNAROUND_WORKING_DAYS", 1)
    login_as(trainee)
    page = " ".join(client.get(f"/attempts/{attempt.id}/review").text.split())
    assert "Marking is late" in page and "Mon 8 Dec 2025</strong> (Pacific/Auckland)" in page


def test_before_the_due_day_the_page_gives_the_date_and_the_rule(client, make_user, make_run, enrol, login_as,
                                                                curriculum):
    trainee, _ = released_trainee(make_user, make_run, enrol)
    attempt, _ = awaiting_marking(trainee)
    expected = marking_due(attempt.submitted_at, 5, LONDON)
    login_as(trainee)
    page = " ".join(client.get(f"/attempts/{attempt.id}/review").text.split())
    assert f"A mentor is expected to mark your written answers by the end of <strong>{expected:%a %-d %b %Y}" in page
    assert "within 5 working days of submission, not counting weekends." in page
