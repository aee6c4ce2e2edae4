"""`flask mentoring send-reminders`: each due reminder exactly once, even with two runners at the same moment."""
import threading
from datetime import timedelta

import pytest
from flask import has_request_context

from core.db import utcnow
from core.extensions import db
from core.urls import DEVELOPMENT_BASE_URL
from mentoring import bookings as ops
from mentoring.models import Booking, BookingState
from mentoring.reminders import claim_due_reminders


@pytest.fixture
def sessions(pair, make_user):
    """Sessions 20 hours ahead (reminder due) with different learners, one 30 hours ahead (not yet due)."""
    mentor, trainee, profile = pair
    now = utcnow().replace(microsecond=0)

    def add(learner, start, state=BookingState.CONFIRMED):
        booking = Booking(mentor_id=mentor.id, learner_id=learner.id, topic=f"Session at {start}", state=state)
        ops.set_times(booking, start, timedelta(minutes=5), 0)
        db.session.add(booking)
        return booking

    due = [add(trainee if n == 0 else make_user("leader"), now + timedelta(hours=20, minutes=10 * n))
           for n in range(12)]
    later = add(trainee, now + timedelta(hours=30))
    cancelled = add(trainee, now + timedelta(hours=10), BookingState.CANCELLED)
    db.session.commit()
    return {"due": due, "later": later, "cancelled": cancelled, "mentor": mentor, "trainee": trainee}


def reminder_mails(outbox):
    return [m for m in outbox() if m["Subject"].startswith("Reminder:")]


def test_due_reminders_go_once_never_for_cancelled_or_not_yet_due(runner, sessions, outbox, app):
    result = runner.invoke(args=["mentoring", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert "12 reminder(s) sent." in result.output
    assert len(reminder_mails(outbox)) == 24  # mentor and learner each
    assert len(reminder_mails(outbox)) == len({(m["To"], m["Subject"]) for m in reminder_mails(outbox)})
    assert all("attached invitation" not in m.get_body().get_content() for m in reminder_mails(outbox))
    assert "0 reminder(s) sent." in runner.invoke(args=["mentoring", "send-reminders"]).output
    assert len(reminder_mails(outbox)) == 24
    db.session.expire_all()
    assert db.session.get(Booking, sessions["cancelled"].id).reminder_sent_at is None
    assert db.session.get(Booking, sessions["later"].id).reminder_sent_at is None


def test_reminders_are_sent_from_the_command_line_without_a_request(runner, sessions, outbox):
    assert not has_request_context()
    assert runner.invoke(args=["mentoring", "send-reminders"]).exit_code == 0
    booking = sessions["due"][0]
    [mail] = [m for m in reminder_mails(outbox) if m["To"] == sessions["trainee"].email and booking.topic in m["Subject"]]
    assert f"{DEVELOPMENT_BASE_URL}/mentoring/sessions/{booking.id}" in mail.get_body().get_content()


# Each thread opens its own connection: the rows must be committed for real.
@pytest.mark.usefixtures("committed_db")
def test_two_runners_at_the_same_moment_send_each_reminder_exactly_once(app, sessions, outbox):
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            with app.app_context(), app.test_request_context():
                barrier.wait(timeout=10)
                total = 0
                while claimed := claim_due_reminders(limit=3):
                    db.session.commit()
                    total += len(claimed)
                db.session.commit()
                counts.append(total)
        except Exception as error:  # surfaced below: a thread's exception would otherwise vanish
            errors.append(error)

    db.session.commit()
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(counts) == 2
    assert sum(counts) == 12
    mails = reminder_mails(outbox)
    assert len(mails) == 24 and len({(m["To"], m["Subject"]) for m in mails}) == 24


def test_a_rescheduled_session_is_reminded_before_its_new_time(app, runner, sessions, outbox):
    booking = db.session.get(Booking, sessions["due"][0].id)
    runner.invoke(args=["mentoring", "send-reminders"])
    new_start = booking.starts_at + timedelta(days=3)
    booking.sequence += 1
    ops.set_times(booking, new_start, timedelta(minutes=5), 0)
    db.session.commit()
    assert booking.reminder_sent_at is None and booking.reminder_due_at == new_start - timedelta(hours=24)
    assert claim_due_reminders(now=utcnow()) == []
    db.session.rollback()
    with app.test_request_context():
        assert [b.id for b in claim_due_reminders(now=new_start - timedelta(hours=23))] == [booking.id]
