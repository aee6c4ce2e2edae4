"""No double booking, proven on PostgreSQL: 50 concurrent requests at a multi-worker gunicorn server.

The requests go through real HTTP, real sign-in and real CSRF to separate
worker processes, so nothing in one process can serialise them: only the
database's exclusion constraint stands between them and a double booking.
"""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core.db import utcnow
from core.extensions import db
from core.timezones import local_to_utc
from mentoring.models import Booking
from tests.conftest import form_token, signed_in_at
from tests.mentoring.helpers import confirmed

REQUESTS = 50
TIMEOUT = 60


def _race(base, sessions, mentor, attempts):
    """Each session opens the booking form for its (start, minutes), then all submit at once."""
    forms = []
    for session, (start, minutes) in zip(sessions, attempts):
        url = f"{base}/mentoring/mentors/{mentor.id}/book"
        params = {"length": minutes, "start": start.isoformat()}
        page = session.get(url, params=params, timeout=TIMEOUT)
        assert page.status_code == 200, page.text[:300]
        forms.append((session, url, params, {
            "csrf_token": form_token(page.text, "csrf_token"), "request_key": form_token(page.text, "request_key"),
            "topic": "Race", "module_id": "0", "count": "1", "every_weeks": "1"}))
    barrier = threading.Barrier(len(forms))

    def submit(form):
        session, url, params, data = form
        barrier.wait(timeout=TIMEOUT)
        return session.post(url, params=params, data=data, timeout=TIMEOUT, allow_redirects=False)

    with ThreadPoolExecutor(max_workers=len(forms)) as pool:
        return list(pool.map(submit, forms, timeout=TIMEOUT * 2))


def test_fifty_concurrent_bookings_of_one_time_make_exactly_one(gunicorn, make_user, make_profile):
    mentor = make_user("mentor")
    profile = make_profile(mentor, session_lengths=[30, 60, 90])
    learners = [make_user("leader") for _ in range(REQUESTS)]
    sessions = [signed_in_at(gunicorn, learner) for learner in learners]
    today = utcnow().astimezone(ZoneInfo(profile.timezone)).date()

    same = local_to_utc(today + timedelta(days=3), time(10), profile.timezone)
    responses = _race(gunicorn, sessions, mentor, [(same, 60)] * REQUESTS)
    _assert_exactly_one_won(responses, mentor)

    base = local_to_utc(today + timedelta(days=4), time(10), profile.timezone)
    # Every one of these overlaps every other (all include base+30 to base+45), buffer or not.
    shapes = [(base, 90), (base + timedelta(minutes=30), 60), (base, 30), (base + timedelta(minutes=30), 30),
              (base, 60), (base + timedelta(minutes=30), 90)]
    responses = _race(gunicorn, sessions, mentor, [shapes[n % len(shapes)] for n in range(REQUESTS)])
    _assert_exactly_one_won(responses, mentor, day=base.date())


def _assert_exactly_one_won(responses, mentor, day=None):
    statuses = [r.status_code for r in responses]
    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(302) == 1, statuses
    losers = [r for r in responses if r.status_code != 302]
    assert all(r.status_code == 409 and "This time was just taken." in r.text for r in losers), \
        [(r.status_code, r.text[:200]) for r in losers if "just taken" not in r.text]
    assert all("The nearest free times are" in r.text for r in losers)
    db.session.expire_all()
    held = [b for b in confirmed(mentor.id) if day is None or b.starts_at.date() == day]
    assert len(held) == 1
    assert responses[statuses.index(302)].headers["Location"].endswith(f"/mentoring/sessions/{held[0].id}")


def test_the_database_itself_refuses_overlapping_confirmed_bookings(app, db, make_user):
    """Even past the application's check (a bug, a script, a console), PostgreSQL says no."""
    from sqlalchemy.exc import IntegrityError

    from mentoring.bookings import set_times

    if db.engine.dialect.name != "postgresql":
        pytest.skip("exclusion constraints exist on PostgreSQL only")
    mentor, first, second = make_user("mentor"), make_user("leader"), make_user("leader")
    start = utcnow().replace(microsecond=0) + timedelta(days=2)

    def add(learner, at, mentor_id=mentor.id, minutes=60, buffer=15):
        booking = Booking(mentor_id=mentor_id, learner_id=learner.id, topic="Direct")
        set_times(booking, at, timedelta(minutes=minutes), buffer)
        db.session.add(booking)
        db.session.commit()
        return booking

    add(first, start)
    for attempt in (lambda: add(second, start + timedelta(minutes=70)),      # inside the mentor's buffer
                    lambda: add(first, start + timedelta(minutes=30), make_user("mentor").id)):  # learner overlap
        with pytest.raises(IntegrityError):
            attempt()
        db.session.rollback()
    add(second, start + timedelta(minutes=75))  # right after the buffer: allowed


def test_ten_concurrent_submits_of_one_form_make_one_booking(gunicorn, make_user, make_profile):
    mentor = make_user("mentor")
    profile = make_profile(mentor)
    learner = make_user("leader")
    session = signed_in_at(gunicorn, learner)
    start = local_to_utc(utcnow().astimezone(ZoneInfo(profile.timezone)).date() + timedelta(days=3), time(10),
                         profile.timezone)
    url = f"{gunicorn}/mentoring/mentors/{mentor.id}/book"
    params = {"length": 60, "start": start.isoformat()}
    page = session.get(url, params=params, timeout=TIMEOUT)
    data = {"csrf_token": form_token(page.text, "csrf_token"), "request_key": form_token(page.text, "request_key"),
            "topic": "Double click", "module_id": "0", "count": "1", "every_weeks": "1"}
    barrier = threading.Barrier(10)

    def submit(_):
        barrier.wait(timeout=TIMEOUT)
        return session.post(url, params=params, data=data, timeout=TIMEOUT, allow_redirects=False)

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(submit, range(10), timeout=TIMEOUT * 2))
    assert [r.status_code for r in responses] == [302] * 10
    assert len({r.headers["Location"] for r in responses}) == 1
    db.session.expire_all()
    assert len(confirmed(mentor.id)) == 1


def test_ten_concurrent_moves_into_one_free_time_make_exactly_one(gunicorn, make_user, make_profile):
    """Each learner moves their own session into the same free hour at once: one wins, the rest are told it was taken."""
    from mentoring.bookings import book

    mentor = make_user("mentor")
    profile = make_profile(mentor)
    today = utcnow().astimezone(ZoneInfo(profile.timezone)).date()
    learners = [make_user("leader") for _ in range(10)]
    bookings = [book(profile, learner, learner, local_to_utc(today + timedelta(days=5 + n), time(9), profile.timezone),
                     timedelta(minutes=60), "Move me") for n, learner in enumerate(learners)]
    db.session.commit()
    target = local_to_utc(today + timedelta(days=3), time(14), profile.timezone)
    forms = []
    for learner, booking in zip(learners, bookings):
        session = signed_in_at(gunicorn, learner)
        url = f"{gunicorn}/mentoring/sessions/{booking.id}/reschedule"
        page = session.get(url, timeout=TIMEOUT)
        assert page.status_code == 200, page.text[:300]
        forms.append((session, url, {"csrf_token": form_token(page.text, "csrf_token"), "start": target.isoformat()}))
    barrier = threading.Barrier(len(forms))

    def submit(form):
        session, url, data = form
        barrier.wait(timeout=TIMEOUT)
        return session.post(url, data=data, timeout=TIMEOUT, allow_redirects=False)

    with ThreadPoolExecutor(max_workers=len(forms)) as pool:
        responses = list(pool.map(submit, forms, timeout=TIMEOUT * 2))
    statuses = [r.status_code for r in responses]
    assert all(status < 500 for status in statuses), statuses
    assert statuses.count(302) == 1, statuses
    losers = [r for r in responses if r.status_code != 302]
    assert all(r.status_code == 409 and "This time was just taken." in r.text for r in losers), \
        [(r.status_code, r.text[:200]) for r in losers]
    db.session.expire_all()
    assert sum(1 for b in confirmed(mentor.id) if b.starts_at == target) == 1
    assert len(confirmed(mentor.id)) == 10
