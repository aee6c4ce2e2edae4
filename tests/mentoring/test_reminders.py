"""`flask mentoring send-reminders`: the reminders each person chose, each exactly once, even with two runners at
the same moment."""
import threading
from datetime import timedelta

import pytest
from flask import has_request_context

from accounts.models import NotificationSettings
from accounts.notifications import save_settings
from core.db import utcnow
from core.extensions import db
from core.urls import DEVELOPMENT_BASE_URL
from mentoring import bookings as ops
from mentoring.models import Booking, BookingState, SentReminder
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
    assert "24 reminder(s) sent." in result.output  # mentor and learner of each of the 12 sessions
    assert len(reminder_mails(outbox)) == 24
    assert len(reminder_mails(outbox)) == len({(m["To"], m["Subject"]) for m in reminder_mails(outbox)})
    assert all("attached invitation" not in m.get_body().get_content() for m in reminder_mails(outbox))
    assert "0 reminder(s) sent." in runner.invoke(args=["mentoring", "send-reminders"]).output
    assert len(reminder_mails(outbox)) == 24
    reminded = set(db.session.scalars(db.select(SentReminder.booking_id)))
    assert reminded == {booking.id for booking in sessions["due"]}
    assert {row.minutes_before for row in db.session.scalars(db.select(SentReminder))} == {24 * 60}


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
    assert sum(counts) == 24
    mails = reminder_mails(outbox)
    assert len(mails) == 24 and len({(m["To"], m["Subject"]) for m in mails}) == 24


def test_a_rescheduled_session_is_reminded_before_its_new_time(app, runner, sessions, outbox):
    booking = db.session.get(Booking, sessions["due"][0].id)
    runner.invoke(args=["mentoring", "send-reminders"])
    new_start = booking.starts_at + timedelta(days=3)
    booking.sequence += 1
    ops.set_times(booking, new_start, timedelta(minutes=5), 0)
    db.session.commit()
    assert claim_due_reminders(now=utcnow()) == []
    db.session.rollback()
    with app.test_request_context():
        mailed = claim_due_reminders(now=new_start - timedelta(hours=23))
    assert {(b.id, person.id) for b, person in mailed} == {(booking.id, booking.mentor_id),
                                                            (booking.id, booking.learner_id)}


def _choose(user, **choices):
    save_settings(user, {**NotificationSettings.DEFAULTS, **choices})
    db.session.commit()


def test_each_person_gets_the_reminders_they_chose(app, pair, outbox):
    mentor, trainee, _ = pair
    _choose(mentor, remind_day_before=False)
    _choose(trainee, remind_hour_before=True)
    start = utcnow().replace(microsecond=0) + timedelta(days=2)
    booking = Booking(mentor_id=mentor.id, learner_id=trainee.id, topic="Disclosure")
    ops.set_times(booking, start, timedelta(minutes=30), 0)
    db.session.add(booking)
    db.session.commit()

    def run_at(moment):
        with app.test_request_context():
            mailed = claim_due_reminders(now=moment)
        db.session.commit()
        return [person.email for _, person in mailed]

    assert run_at(start - timedelta(hours=25)) == []
    assert run_at(start - timedelta(hours=23, minutes=55)) == [trainee.email]
    assert run_at(start - timedelta(hours=2)) == []
    assert run_at(start - timedelta(minutes=59)) == [trainee.email]
    assert run_at(start - timedelta(minutes=30)) == []
    assert [m["To"] for m in reminder_mails(outbox)] == [trainee.email, trainee.email]
    assert outbox(mentor.email) == []


def test_reminders_due_together_come_as_one_e_mail(app, pair, outbox):
    """A session booked 40 minutes before it starts is due both of someone's reminders at once: one e-mail."""
    mentor, trainee, _ = pair
    _choose(trainee, remind_hour_before=True)
    now = utcnow().replace(microsecond=0)
    booking = Booking(mentor_id=mentor.id, learner_id=trainee.id, topic="Short notice")
    ops.set_times(booking, now + timedelta(minutes=40), timedelta(minutes=30), 0)
    db.session.add(booking)
    db.session.commit()
    with app.test_request_context():
        claim_due_reminders(now=now)
    db.session.commit()
    assert len(outbox(trainee.email)) == 1 and len(outbox(mentor.email)) == 1
    rows = db.session.scalars(db.select(SentReminder).where(SentReminder.user_id == trainee.id)).all()
    assert sorted(row.minutes_before for row in rows) == [60, 24 * 60]
    with app.test_request_context():
        assert claim_due_reminders(now=now + timedelta(minutes=5)) == []


def test_a_runner_that_read_the_due_reminders_before_another_sent_them_sends_nothing(app, sessions, outbox,
                                                                                     monkeypatch):
    """The unique key, not the reading, is what makes a reminder go once: replaying a stale read sends nothing."""
    from mentoring import reminders

    monkeypatch.setitem(app.config, "MAIL_SEND_AFTER_COMMIT_LIMIT", 50)  # runs as the command does: all sent at once
    now = utcnow()
    stale = reminders.due_reminders(now, limit=50)
    with app.test_request_context():
        assert len(claim_due_reminders(now=now)) == 24
    db.session.commit()
    monkeypatch.setattr(reminders, "due_reminders", lambda now, limit: stale)
    with app.test_request_context():
        assert claim_due_reminders(now=now) == []
    db.session.commit()
    assert len(reminder_mails(outbox)) == 24
    assert db.session.scalar(db.select(db.func.count(SentReminder.id))) == 24
