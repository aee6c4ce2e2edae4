"""Booking, series, cancelling, rescheduling and notes. Flush only; views commit.

No double booking: every write first checks the slot is free, inside the
request's one transaction, then inserts or moves the row inside a
savepoint. On SQLite the transaction already holds the database write
lock (BEGIN IMMEDIATE, core/db.py), so the check and the write cannot
interleave with another request's. On PostgreSQL two requests can both
pass the check; the exclusion constraints on `bookings` then refuse the
second write, and it becomes a `SlotTaken` with the nearest free slots,
exactly as if the check had caught it.
"""
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import render_template
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from accounts.models import EmailNotice, User
from accounts.notifications import mail_notice
from accounts.signals import account_deactivated
from core import audit
from core.db import utcnow
from core.errors import Refusal
from core.extensions import db
from core.mail import queue_mail
from core.urls import absolute_url
from mentoring import calendar, slots
from mentoring.models import Attendance, Booking, BookingSeries, BookingState, MentorProfile
from mentoring.places import PlaceKind

ALTERNATIVES = 3


class SlotTaken(Refusal):
    """The time is not (or no longer) free; `alternatives` are the nearest free starts."""

    def __init__(self, alternatives: list[datetime]):
        super().__init__("This time was just taken.")
        self.alternatives = alternatives


class SeriesConflict(Refusal):
    """Some occurrences of a series are not free: `conflicts` holds (start, nearest free starts) for each."""

    def __init__(self, conflicts: list[tuple[datetime, list[datetime]]]):
        super().__init__("Some sessions of the series are not free.")
        self.conflicts = conflicts


def profile_of(mentor_id: int) -> MentorProfile | None:
    return db.session.scalar(select(MentorProfile).where(MentorProfile.mentor_id == mentor_id))


def ensure_profile(mentor: User) -> MentorProfile:
    """The mentor's profile, created with the defaults (in their own zone) the first time."""
    profile = profile_of(mentor.id)
    if profile is None:
        profile = MentorProfile.with_defaults(mentor)
        db.session.add(profile)
        db.session.flush()
    return profile


def busy(mentor_id: int, learner_id: int | None, ignore_booking_id: int | None = None) -> slots.Busy:
    """What the mentor and the learner already hold from now on, in one query."""
    query = select(Booking.mentor_id, Booking.learner_id, Booking.starts_at, Booking.ends_at, Booking.blocked_from,
                   Booking.blocked_until).where(
        Booking.state == BookingState.CONFIRMED, Booking.blocked_until > utcnow() - timedelta(days=1),
        or_(Booking.mentor_id == mentor_id, Booking.learner_id == learner_id))
    if ignore_booking_id is not None:
        query = query.where(Booking.id != ignore_booking_id)
    rows = db.session.execute(query).all()
    return slots.Busy(
        mentor=tuple((r.blocked_from, r.blocked_until) for r in rows if r.mentor_id == mentor_id),
        learner=tuple((r.starts_at, r.ends_at) for r in rows if r.learner_id == learner_id))


def free_slots(profile: MentorProfile, learner_id: int | None, length: timedelta, now: datetime | None = None,
               ignore_booking_id: int | None = None, horizon: timedelta | None = None) -> list[datetime]:
    return slots.free_slots(profile.rules(horizon), length, busy(profile.mentor_id, learner_id, ignore_booking_id),
                            now or utcnow())


def set_times(booking: Booking, start: datetime, length: timedelta, buffer_minutes: int) -> None:
    """Place a booking at `start`, its blocked range (buffer included) following it.

    Reminders are kept per start (mentoring/reminders.py), so a session placed at a new start is due them again.
    """
    booking.starts_at, booking.ends_at = start, start + length
    booking.blocked_from, booking.blocked_until = start, start + length + timedelta(minutes=buffer_minutes)


def _write(change: Callable[[], None]) -> bool:
    """Make a change (add or move rows) inside a savepoint; False, with nothing written, when the database refuses it.

    The change must happen inside the savepoint: a row changed before it would
    be flushed as the savepoint opens, outside it, and a refusal would then
    abort the whole transaction instead of only the savepoint.
    """
    try:
        with db.session.begin_nested():
            change()
            db.session.flush()
    except IntegrityError:
        return False
    return True


def _existing(model, request_key: str | None):
    if not request_key:
        return None
    return db.session.scalar(select(model).where(model.request_key == request_key))


def _own_booking(request_key: str | None, learner: User) -> Booking | None:
    existing = _existing(Booking, request_key)
    return existing if existing is not None and existing.learner_id == learner.id else None


def book(profile: MentorProfile, learner: User, by: User, start: datetime, length: timedelta, topic: str,
         agenda: str = "", module_id: int | None = None, request_key: str | None = None) -> Booking:
    """Book one session, or return the booking this form (same request key) already made.

    Raises SlotTaken, with the nearest free slots, when the time is not free
    for the mentor (buffer included) or the learner, or was taken a moment ago.
    """
    existing = _own_booking(request_key, learner)
    if existing is not None:
        return existing
    booking = Booking(mentor_id=profile.mentor_id, learner_id=learner.id, booked_by_id=by.id, topic=topic,
                      agenda=agenda, module_id=module_id, request_key=request_key, place_kind=profile.place_kind,
                      place_value=profile.place_value)
    set_times(booking, start, length, profile.buffer_minutes)
    if start not in free_slots(profile, learner.id, length) or not _write(lambda: db.session.add(booking)):
        # The same form submitted twice at once: the other request may have booked this slot since the first look.
        existing = _own_booking(request_key, learner)
        if existing is not None:
            return existing
        raise SlotTaken(slots.nearest(free_slots(profile, learner.id, length), start, ALTERNATIVES))
    audit.record("booking.book", actor=by, subject=booking.learner_id, detail={"booking_id": booking.id})
    _notify(booking, "Mentoring session booked")
    return booking


def series_conflicts(profile: MentorProfile, learner_id: int, starts: list[datetime],
                     length: timedelta) -> list[tuple[datetime, list[datetime]]]:
    """The occurrences that are not free, each with the nearest free starts.

    The first session must fall within the mentor's booking horizon; the
    horizon is stretched for the rest, so a long series can be booked at once.
    """
    now, horizon = utcnow(), profile.rules().horizon
    free = free_slots(profile, learner_id, length, now=now, horizon=max(horizon, starts[-1] - now + timedelta(weeks=1)))
    return [(start, slots.nearest(free, start, ALTERNATIVES)) for n, start in enumerate(starts)
            if start not in free or (n == 0 and start > now + horizon)]


def book_series(profile: MentorProfile, learner: User, by: User, first: datetime, length: timedelta, count: int,
                every_weeks: int, topic: str, agenda: str = "", module_id: int | None = None,
                request_key: str | None = None) -> list[Booking]:
    """Book `count` sessions every `every_weeks` weeks at the same local time: all of them or none.

    A series may reach past the mentor's booking horizon (the horizon limits
    where a series can start). Raises SeriesConflict listing every occurrence
    that is not free, with alternatives; nothing is written then. A
    resubmitted form returns the series it already booked.
    """
    existing = _existing(BookingSeries, request_key)
    if existing is not None:
        return _series_bookings(existing.id)
    starts = slots.series_starts(first, count, every_weeks, profile.timezone)
    conflicts = series_conflicts(profile, learner.id, starts, length)
    if conflicts:
        existing = _existing(BookingSeries, request_key)  # the same form, submitted twice at once, may have won
        if existing is not None:
            return _series_bookings(existing.id)
        raise SeriesConflict(conflicts)
    series = BookingSeries(count=count, every_weeks=every_weeks, request_key=request_key or secrets.token_urlsafe(24))
    bookings = []
    for start in starts:
        booking = Booking(mentor_id=profile.mentor_id, learner_id=learner.id, booked_by_id=by.id, topic=topic,
                          agenda=agenda, module_id=module_id, series=series, place_kind=profile.place_kind,
                          place_value=profile.place_value)
        set_times(booking, start, length, profile.buffer_minutes)
        bookings.append(booking)
    if not _write(lambda: db.session.add_all([series, *bookings])):
        existing = _existing(BookingSeries, request_key)
        if existing is not None:
            return _series_bookings(existing.id)
        raise SeriesConflict(series_conflicts(profile, learner.id, starts, length) or [(starts[0], [])])
    for booking in bookings:
        audit.record("booking.book_series", actor=by, subject=booking.learner_id, detail={"booking_id": booking.id})
    _notify_many(bookings, f"{len(bookings)} mentoring sessions booked", clock_change_note(bookings, profile.timezone))
    return bookings


def clock_change_note(bookings: list[Booking], zone: str) -> str:
    """A sentence for both people when a session of a series had to move because the clocks go forward."""
    shifted = slots.clock_change_shifts([booking.starts_at for booking in bookings], zone)
    if not shifted:
        return ""
    tz = ZoneInfo(zone)
    wanted = bookings[0].starts_at.astimezone(tz)
    days = "; ".join(f"{start.astimezone(tz):%a %-d %b %Y} at {start.astimezone(tz):%H:%M}" for start in shifted)
    return (f"The clocks go forward in {zone.replace('_', ' ')} on the day of "
            f"{'a session' if len(shifted) == 1 else f'{len(shifted)} sessions'}, so {wanted:%H:%M} does not exist "
            f"then: {'it starts' if len(shifted) == 1 else 'they start'} an hour later on the clock ({days}).")


def _series_bookings(series_id: int) -> list[Booking]:
    return list(db.session.scalars(select(Booking).where(Booking.series_id == series_id).order_by(Booking.starts_at)))


def later_in_series(booking: Booking, lock: bool = False) -> list[Booking]:
    """The confirmed sessions of the booking's series that start after it, in order (none outside a series).

    They have the booking's two people and later starts, so whoever may
    cancel the booking may cancel each of them too.
    """
    if booking.series_id is None:
        return []
    query = select(Booking).where(Booking.series_id == booking.series_id, Booking.state == BookingState.CONFIRMED,
                                  Booking.starts_at > booking.starts_at).order_by(Booking.starts_at)
    return list(db.session.scalars(query.with_for_update() if lock else query))


def cancel(bookings: list[Booking], by: User, reason: str) -> None:
    """Cancel at once: each slot is free for anyone the moment this commits.

    Both people get one e-mail with a CANCEL for every session, however many
    sessions (the rest of a series) go together.
    """
    now = utcnow()
    for booking in bookings:
        booking.state, booking.cancelled_at, booking.cancelled_by = BookingState.CANCELLED, now, by
        booking.cancel_reason = reason
        booking.sequence += 1
    db.session.flush()
    for booking in bookings:
        audit.record("booking.cancel", actor=by, subject=booking.learner_id, detail={"booking_id": booking.id})
    if len(bookings) == 1:
        _notify(bookings[0], "Mentoring session cancelled")
    else:
        _notify_many(bookings, f"{len(bookings)} mentoring sessions cancelled")


def cancel_for_deactivated(user: User, by: User, now: datetime | None = None) -> int:
    """Cancel the confirmed sessions still to come of someone whose account was deactivated, as mentor or learner.

    Receives `accounts.signals.account_deactivated`; each session is cancelled (and both people told) on its
    own, since their counterparts differ. Returns how many were cancelled.
    """
    upcoming = list(db.session.scalars(
        select(Booking).where(or_(Booking.mentor_id == user.id, Booking.learner_id == user.id),
                              Booking.state == BookingState.CONFIRMED, Booking.starts_at > (now or utcnow()))
        .order_by(Booking.starts_at).with_for_update()))
    for booking in upcoming:
        cancel([booking], by, "The account was deactivated.")
    return len(upcoming)


def _cancel_on_deactivation(user: User, by: User) -> None:
    cancel_for_deactivated(user, by)


def connect_deactivation() -> None:
    """Cancel a person's future sessions when their account is deactivated."""
    account_deactivated.connect(_cancel_on_deactivation, weak=False)


def reschedule(booking: Booking, by: User, start: datetime) -> None:
    """Move a session to a new start, keeping its length, UID and people, in one step.

    The row is moved in place inside a savepoint: either the new time is
    confirmed (and the old one released with it) or nothing changes and
    SlotTaken is raised. SEQUENCE goes up; the reminders are due again before the new time.
    """
    profile = profile_of(booking.mentor_id)
    length = booking.ends_at - booking.starts_at
    free = free_slots(profile, booking.learner_id, length, ignore_booking_id=booking.id)
    if start not in free:
        raise SlotTaken(slots.nearest(free, start, ALTERNATIVES))
    old_start = booking.starts_at

    def move() -> None:
        set_times(booking, start, length, profile.buffer_minutes)
        booking.sequence += 1

    if not _write(move):
        raise SlotTaken(slots.nearest(
            free_slots(profile, booking.learner_id, length, ignore_booking_id=booking.id), start, ALTERNATIVES))
    audit.record("booking.reschedule", actor=by, subject=booking.learner_id, detail={
        "booking_id": booking.id, "from": old_start.isoformat(), "to": start.isoformat()})
    _notify(booking, "Mentoring session moved")


def change_place(booking: Booking, by: User, kind: PlaceKind, value: str) -> bool:
    """Set where one session happens; both people get an updated invitation (SEQUENCE rises).

    `value` must have passed `places.check`. Returns False, sending nothing,
    when the place is what it was already (a resubmitted form).
    """
    if booking.place_kind is kind and booking.place_value == value:
        return False
    old = str(booking.place) if booking.place else ""
    booking.place_kind, booking.place_value = kind, value
    booking.sequence += 1
    db.session.flush()
    audit.record("booking.change_place", actor=by, subject=booking.learner_id,
                 detail={"booking_id": booking.id, "from": old, "to": str(booking.place)})
    _notify(booking, "Meeting place changed")
    return True


def needing_notes(query, mentor_id: int, now: datetime):
    """Narrow `query` to the mentor's sessions that were held (confirmed, ended, not a no-show) without notes."""
    return query.where(Booking.mentor_id == mentor_id, Booking.state == BookingState.CONFIRMED,
                       Booking.ends_at < now, Booking.shared_note == "", Booking.action_points == "",
                       or_(Booking.attendance.is_(None), Booking.attendance != Attendance.NO_SHOW))


def overview(rows, zone: ZoneInfo) -> dict:
    """Counts per (mentor id, local month "YYYY-MM"): booked, held, no-shows and cancelled.

    `rows` are (mentor_id, starts_at, state, attendance) tuples: counting needs
    nothing else, so no note is ever read.
    """
    counts: dict = {}
    for mentor_id, starts_at, state, attendance in rows:
        row = counts.setdefault((mentor_id, starts_at.astimezone(zone).strftime("%Y-%m")),
                                {"booked": 0, "held": 0, "no_shows": 0, "cancelled": 0})
        row["booked"] += 1
        if state is BookingState.CANCELLED:
            row["cancelled"] += 1
        elif attendance is Attendance.NO_SHOW:
            row["no_shows"] += 1
        elif attendance is Attendance.ATTENDED:
            row["held"] += 1
    return dict(sorted(counts.items(), key=lambda item: (item[0][1], item[0][0]), reverse=True))


def module_notes(learner_id: int, module_id: int, limit: int = 10) -> list[Booking]:
    """A learner's latest confirmed sessions on a module that have shared notes or action points."""
    return list(db.session.scalars(
        select(Booking).where(Booking.learner_id == learner_id, Booking.module_id == module_id,
                              Booking.state == BookingState.CONFIRMED,
                              or_(Booking.shared_note != "", Booking.action_points != ""))
        .order_by(Booking.starts_at.desc()).limit(limit).options(selectinload(Booking.mentor))))


def save_notes(booking: Booking, by: User, attendance: Attendance | None, private_note: str, shared_note: str,
               action_points: str) -> None:
    """Save the mentor's notes; the learner is e-mailed when the shared note or action points change to something.

    The private note never leaves the page, and saving the same notes again sends nothing.
    """
    shared_changed = (shared_note, action_points) != (booking.shared_note, booking.action_points)
    booking.attendance = attendance
    booking.private_note, booking.shared_note, booking.action_points = private_note, shared_note, action_points
    db.session.flush()
    audit.record("booking.notes", actor=by, subject=booking.learner_id, detail={"booking_id": booking.id})
    if shared_changed and booking.has_notes:
        mail_notice(booking.learner, EmailNotice.NOTES_SHARED, f"Notes from your mentoring session: {booking.topic}",
                    render_template("mentoring/email/notes_shared.txt", booking=booking,
                                    link=absolute_url("mentoring.show_booking", booking_id=booking.id)))


def mail_person(booking: Booking, recipient: User, subject: str, headline: str, attachments=()) -> None:
    """E-mail one of the session's two people about it, with its times in their own zone."""
    body = render_template("mentoring/email/session.txt", booking=booking, headline=headline, recipient=recipient,
                           link=absolute_url("mentoring.show_booking", booking_id=booking.id),
                           has_invitation=bool(attachments))
    queue_mail(recipient.email, subject, body, attachments)


def mail_both(booking: Booking, subject: str, headline: str, attachments=()) -> None:
    for recipient in (booking.mentor, booking.learner):
        mail_person(booking, recipient, subject, headline, attachments)


def _notify(booking: Booking, headline: str) -> None:
    """E-mail both people with the .ics invitation (REQUEST, or CANCEL once cancelled)."""
    method = "REQUEST" if booking.is_confirmed else "CANCEL"
    attachment = ("invite.ics", f"text/calendar; method={method}", calendar.invitation(booking))
    mail_both(booking, f"{headline}: {booking.topic}", headline, [attachment])


def _notify_many(bookings: list[Booking], headline: str, note: str = "") -> None:
    """One e-mail per person for several sessions (a series), with one invitation per session."""
    first = bookings[0]
    method = "REQUEST" if first.is_confirmed else "CANCEL"
    attachments = [(f"session-{n}.ics", f"text/calendar; method={method}", calendar.invitation(b))
                   for n, b in enumerate(bookings, 1)]
    for recipient in (first.mentor, first.learner):
        body = render_template("mentoring/email/series.txt", bookings=bookings, recipient=recipient,
                               headline=headline, note=note, link=absolute_url("mentoring.list_sessions"))
        queue_mail(recipient.email, f"{headline}: {first.topic}", body, attachments)
