"""Session reminders: each sent exactly once, however many runners start at the same moment."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.db import utcnow
from core.extensions import db
from mentoring.bookings import mail_both
from mentoring.models import Booking, BookingState


def claim_due_reminders(now: datetime | None = None, limit: int = 50) -> list[Booking]:
    """Mark up to `limit` due reminders as sent and queue their e-mails (delivered when the caller commits).

    Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, so
    a second runner skips what the first holds and, once the first commits,
    no longer sees them as due. On SQLite the write lock taken at BEGIN
    serialises runners. Cancelled sessions and sessions already begun are
    never reminded; a rescheduled session's reminder is due again (bookings.py).
    """
    now = now or utcnow()
    due = db.session.scalars(
        select(Booking).where(Booking.state == BookingState.CONFIRMED, Booking.reminder_sent_at.is_(None),
                              Booking.reminder_due_at <= now, Booking.starts_at > now)
        .order_by(Booking.reminder_due_at, Booking.id).limit(limit)
        .with_for_update(skip_locked=True)
        .options(selectinload(Booking.mentor), selectinload(Booking.learner))
    ).all()
    for booking in due:
        booking.reminder_sent_at = now
        mail_both(booking, f"Reminder: mentoring session, {booking.topic}", "Your mentoring session is coming up")
    db.session.flush()
    return due
