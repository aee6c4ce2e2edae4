"""What mentoring holds about a person (their sessions and the notes on them), for privacy's export, erasure and
retention schedule."""
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from core.db import utcnow
from core.extensions import db
from core.notices import notify
from core.timezones import format_datetime, iso
from core.urls import path_for
from mentoring.models import Booking, BookingState, CalendarFeed


def _bookings(user):
    return db.session.scalars(select(Booking).where(or_(Booking.learner_id == user.id, Booking.mentor_id == user.id))
                              .order_by(Booking.starts_at, Booking.id)).all()


def personal_data(user) -> dict:
    """The sessions the person had, as learner or mentor, with the shared notes; a mentor's private notes only
    for the mentor who wrote them (a learner gets those through `private_notes_about`, once approved)."""
    sessions = []
    for booking in _bookings(user):
        row = {"role": "mentor" if booking.mentor_id == user.id else "learner",
               "mentor": booking.mentor.display_name, "learner": booking.learner.display_name,
               "starts_at": iso(booking.starts_at), "ends_at": iso(booking.ends_at),
               "module": booking.module.title if booking.module else None, "topic": booking.topic,
               "agenda": booking.agenda, "state": booking.state.value,
               "attendance": booking.attendance.value if booking.attendance else None,
               "shared_note": booking.shared_note, "action_points": booking.action_points,
               "cancelled_at": iso(booking.cancelled_at), "cancel_reason": booking.cancel_reason}
        if booking.mentor_id == user.id:
            row["private_note"] = booking.private_note
        sessions.append(row)
    return {"mentoring_sessions": sessions}


def private_notes_about(user) -> list[dict]:
    """Mentors' private notes on the person's sessions: released only when an administrator approves."""
    bookings = db.session.scalars(select(Booking).where(Booking.learner_id == user.id, Booking.private_note != "")
                                  .order_by(Booking.starts_at, Booking.id)).all()
    return [{"session_starts_at": iso(b.starts_at), "mentor": b.mentor.display_name, "topic": b.topic,
             "private_note": b.private_note} for b in bookings]


def erase(user, by) -> None:
    """Clear what the person wrote or what was written about them, and cancel their sessions still to come.

    The other side of each cancelled session gets a notice that names nobody (the e-mail a cancellation
    normally sends would carry the person's name into the outbox). A mentor's past sessions keep their
    shared notes and action points, which belong to the learner too.
    """
    now = utcnow()
    db.session.execute(update(Booking).where(Booking.learner_id == user.id).values(
        topic="Mentoring session", agenda="", private_note="", shared_note="", action_points="", cancel_reason=""))
    db.session.execute(update(Booking).where(Booking.mentor_id == user.id).values(private_note=""))
    db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.expire_all()
    for booking in _bookings(user):
        if booking.state is BookingState.CONFIRMED and booking.starts_at > now:
            booking.state, booking.cancelled_at, booking.cancelled_by_id = BookingState.CANCELLED, now, None
            booking.cancel_reason = "The account was closed."
            booking.sequence += 1
            other = booking.mentor if booking.learner_id == user.id else booking.learner
            notify([other.id], f"Your mentoring session of {format_datetime(booking.starts_at, zone=other.timezone)} "
                               "was cancelled: the other person's account was closed.",
                   path_for("mentoring.show_booking", booking_id=booking.id))
    db.session.flush()


def purge_private_notes(before: datetime, dry_run: bool) -> int:
    """Retention: clear mentors' private notes on sessions that ended before `before`."""
    wanted = (Booking.ends_at < before, Booking.private_note != "")
    if dry_run:
        return db.session.scalar(select(func.count(Booking.id)).where(*wanted))
    return db.session.execute(update(Booking).where(*wanted).values(private_note="")
                              .execution_options(synchronize_session=False)).rowcount


def purge_session_notes(before: datetime, dry_run: bool) -> int:
    """Retention: clear the agenda, shared notes and action points of sessions that ended before `before`."""
    wanted = (Booking.ends_at < before, or_(Booking.agenda != "", Booking.shared_note != "", Booking.action_points != ""))
    if dry_run:
        return db.session.scalar(select(func.count(Booking.id)).where(*wanted))
    return db.session.execute(update(Booking).where(*wanted).values(agenda="", shared_note="", action_points="")
                              .execution_options(synchronize_session=False)).rowcount
