"""Session reminders: the ones each person chose, each sent exactly once, however many runners start at once.

Each of a session's two people gets the reminders ticked in their own settings (accounts' NotificationSettings;
with no row, the defaults: 24 hours before). A sent reminder is a `SentReminder` row keyed by (booking, person,
reminder, start): claiming one is an INSERT ... ON CONFLICT DO NOTHING, so when two runners race, the second
waits on the unique key until the first commits and then inserts nothing, and only the runner whose row went in
queues the e-mail, in the same transaction. Keying by the start makes a moved session due its reminders again
without resetting anything.
"""
from datetime import datetime, timedelta
from itertools import groupby

from sqlalchemy import exists, false, func, literal, select, true, union_all
from sqlalchemy.orm import selectinload

from accounts.models import NotificationSettings, SessionReminder, User
from core.db import insert_if_absent, utcnow
from core.extensions import db
from mentoring.bookings import mail_person
from mentoring.models import Booking, BookingState, SentReminder


def due_reminders(now: datetime, limit: int):
    """Up to `limit` (booking_id, user_id, minutes_before, starts_at) rows: reminders due and not yet sent,
    for confirmed sessions not yet begun, soonest session first."""
    parts = []
    for reminder in SessionReminder:
        default = true() if NotificationSettings.DEFAULTS[reminder.setting] else false()
        for person in (Booking.mentor_id, Booking.learner_id):
            sent = exists().where(SentReminder.booking_id == Booking.id, SentReminder.user_id == person,
                                  SentReminder.minutes_before == reminder.value,
                                  SentReminder.starts_at == Booking.starts_at)
            parts.append(
                select(Booking.id.label("booking_id"), person.label("user_id"),
                       literal(reminder.value).label("minutes_before"), Booking.starts_at)
                .select_from(Booking).outerjoin(NotificationSettings, NotificationSettings.user_id == person)
                .where(Booking.state == BookingState.CONFIRMED, Booking.starts_at > now,
                       Booking.starts_at <= now + timedelta(minutes=reminder.value),
                       func.coalesce(getattr(NotificationSettings, reminder.setting), default), ~sent))
    due = union_all(*parts).subquery()
    return db.session.execute(select(due).order_by(due.c.starts_at, due.c.booking_id, due.c.user_id,
                                                   due.c.minutes_before).limit(limit)).all()


def claim_due_reminders(now: datetime | None = None, limit: int = 50) -> list[tuple[Booking, User]]:
    """Record up to `limit` due reminders as sent and queue their e-mails (delivered when the caller commits).

    Returns the (session, person) pairs e-mailed. When several of one person's reminders are due at once (a
    session booked an hour before it starts), they get one e-mail. The sessions are locked (SKIP LOCKED on
    PostgreSQL) and checked again, so a session being cancelled or moved meanwhile is left for the next run.
    """
    now = now or utcnow()
    rows = due_reminders(now, limit)
    locked = db.session.scalars(
        select(Booking).where(Booking.id.in_({row.booking_id for row in rows}),
                              Booking.state == BookingState.CONFIRMED, Booking.starts_at > now)
        .with_for_update(skip_locked=True).execution_options(populate_existing=True)
        .options(selectinload(Booking.mentor), selectinload(Booking.learner)))
    bookings = {booking.id: booking for booking in locked}
    mailed = []
    for (booking_id, user_id), reminders in groupby(rows, key=lambda row: (row.booking_id, row.user_id)):
        booking = bookings.get(booking_id)
        claimed = [insert_if_absent(SentReminder, booking_id=booking_id, user_id=user_id, sent_at=now,
                                    minutes_before=row.minutes_before, starts_at=row.starts_at)
                   for row in reminders if booking is not None and booking.starts_at == row.starts_at]
        if any(claimed):
            recipient = booking.mentor if user_id == booking.mentor_id else booking.learner
            mail_person(booking, recipient, f"Reminder: mentoring session, {booking.topic}",
                        "Your mentoring session is coming up")
            mailed.append((booking, recipient))
    db.session.flush()
    return mailed
