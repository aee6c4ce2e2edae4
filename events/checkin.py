"""Check-in at the door and the hours attended. Flush only; views commit.

Checking in is one INSERT ... ON CONFLICT DO NOTHING per person and day, so two
organisers scanning the same person at once make one check-in: the first is
told "checked in", the second "already checked in". The first check-in also
issues the person's attendance certificate, the same way.
"""
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Exists, and_, func, or_, select
from sqlalchemy.orm import selectinload

from accounts.models import User
from certificates.operations import new_code, normalise_code
from core import audit
from core.db import insert_if_absent, utcnow
from core.errors import Refusal
from core.extensions import db
from events.models import (
    AttendanceCertificate,
    Event,
    EventCheckIn,
    EventRegistration,
    EventSession,
    RegistrationState,
    SessionKind,
)
from events.programme import training_hours

#: at most this many people answer a search at the door
SEARCH_LIMIT = 20


class CheckInRefusal(Refusal):
    """The person cannot be checked in (no place, or not a day of the event); the message says why."""


@dataclass(frozen=True)
class CheckInResult:
    check_in: EventCheckIn
    #: False when someone had checked them in for that day already
    is_new: bool


def event_day(event: Event, now: datetime | None = None) -> date | None:
    """Today in the event's zone, when today is one of its days."""
    today = (now or utcnow()).astimezone(event.zone).date()
    return today if today in event.days else None


def check_in(registration: EventRegistration, day: date, by: User) -> CheckInResult:
    """Check the person in for `day`; safe to repeat, and safe when two organisers do it at once."""
    if registration.state is not RegistrationState.REGISTERED:
        raise CheckInRefusal(f"{registration.user.display_name} does not hold a place "
                             f"({registration.state.value.lower()}).")
    if day not in registration.event.days:
        raise CheckInRefusal("That is not one of the event's days.")
    now = utcnow()
    is_new = insert_if_absent(EventCheckIn, registration_id=registration.id, day=day, checked_in_at=now,
                              checked_in_by_id=by.id)
    insert_if_absent(AttendanceCertificate, registration_id=registration.id, code=new_code(), issued_at=now)
    if is_new:
        audit.record("event.check_in", actor=by, subject=registration.user_id,
                     detail={"event_id": registration.event_id, "day": day.isoformat()})
    check_in_row = db.session.scalar(select(EventCheckIn).where(EventCheckIn.registration_id == registration.id,
                                                                EventCheckIn.day == day)
                                     .options(selectinload(EventCheckIn.checked_in_by)))
    return CheckInResult(check_in_row, is_new)


def find_at_the_door(event: Event, text: str) -> list[EventRegistration]:
    """Registered people whose name contains `text`, or whose check-in code it is; alphabetical, at most 20."""
    text = text.strip()
    if not text:
        return []
    code = normalise_code(text)
    match = func.lower(User.display_name).contains(text.lower(), autoescape=True)
    if code:
        match = or_(match, EventRegistration.code == code)
    return db.session.scalars(
        select(EventRegistration).join(User, User.id == EventRegistration.user_id)
        .where(EventRegistration.event_id == event.id, EventRegistration.state == RegistrationState.REGISTERED,
               match)
        .order_by(User.display_name, EventRegistration.id).limit(SEARCH_LIMIT)
        .options(selectinload(EventRegistration.user).selectinload(User.organisation))).all()


def checked_in_on(event: Event, day: date) -> dict[int, EventCheckIn]:
    """The day's check-ins by registration id (one query)."""
    rows = db.session.scalars(select(EventCheckIn).join(EventRegistration)
                              .where(EventRegistration.event_id == event.id, EventCheckIn.day == day)
                              .options(selectinload(EventCheckIn.checked_in_by))).all()
    return {row.registration_id: row for row in rows}


def hours_for_days(sessions, days: set[date], zone) -> float:
    """Training hours of the programme on the given days (breaks left out; parallel sessions counted once)."""
    return training_hours((s.starts_at, s.ends_at) for s in sessions
                          if s.counts_as_training and s.starts_at.astimezone(zone).date() in days)


def days_checked_in(event: Event, registration_id: int | None = None) -> dict[int, list[date]]:
    """The days each registration (or just the one) checked in, by registration id, in order (one query)."""
    query = (select(EventCheckIn.registration_id, EventCheckIn.day).join(EventRegistration)
             .where(EventRegistration.event_id == event.id).order_by(EventCheckIn.day))
    if registration_id is not None:
        query = query.where(EventCheckIn.registration_id == registration_id)
    days: dict[int, list[date]] = {}
    for found_id, day in db.session.execute(query):
        days.setdefault(found_id, []).append(day)
    return days


def _programme(event: Event) -> list[EventSession]:
    return db.session.scalars(select(EventSession).where(EventSession.event_id == event.id)).all()


def hours_attended(registration: EventRegistration) -> tuple[list[date], float]:
    """The days the person checked in, and the programme's training hours on those days."""
    event = registration.event
    days = days_checked_in(event, registration.id).get(registration.id, [])
    return days, hours_for_days(_programme(event), set(days), event.zone)


def find_attendance_certificate(code: str) -> AttendanceCertificate | None:
    return db.session.scalar(select(AttendanceCertificate).where(AttendanceCertificate.code == code).options(
        selectinload(AttendanceCertificate.registration).selectinload(EventRegistration.event),
        selectinload(AttendanceCertificate.registration).selectinload(EventRegistration.user)))


def attendance_list(event: Event) -> list[tuple[EventRegistration, list[date], float]]:
    """Everyone holding a place, alphabetical, with the days they checked in and their hours."""
    registrations = db.session.scalars(
        select(EventRegistration).join(User, User.id == EventRegistration.user_id)
        .where(EventRegistration.event_id == event.id, EventRegistration.state == RegistrationState.REGISTERED)
        .order_by(User.display_name, EventRegistration.id)
        .options(selectinload(EventRegistration.user).selectinload(User.organisation))).all()
    days = days_checked_in(event)
    sessions = _programme(event)
    return [(r, days.get(r.id, []), hours_for_days(sessions, set(days.get(r.id, [])), event.zone))
            for r in registrations]


@dataclass(frozen=True)
class AttendedEvent:
    """An event the person checked in at: what their record (dashboard, report) shows, with the CPD hours."""

    registration_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    days: list[date]
    hours: float
    has_certificate: bool

    def is_past(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.ends_at


def has_attended(user_id: int) -> Exists:
    """Whether `attended_by` has anything to list."""
    return (select(EventCheckIn.id).join(EventRegistration, EventRegistration.id == EventCheckIn.registration_id)
            .where(EventRegistration.user_id == user_id).exists())


def attended_by(user_id: int) -> list[AttendedEvent]:
    """The events the person checked in at, latest first, with days and hours as the certificate states them.

    One query: a row per day checked in and training session of the event (or one without sessions).
    """
    rows = db.session.execute(
        select(EventRegistration.id, Event.title, Event.starts_at, Event.ends_at, Event.timezone, EventCheckIn.day,
               EventSession.starts_at, EventSession.ends_at, AttendanceCertificate.id)
        .join(EventRegistration.event).join(EventCheckIn, EventCheckIn.registration_id == EventRegistration.id)
        .outerjoin(EventSession, and_(EventSession.event_id == Event.id, EventSession.kind != SessionKind.BREAK))
        .outerjoin(AttendanceCertificate, AttendanceCertificate.registration_id == EventRegistration.id)
        .where(EventRegistration.user_id == user_id)
        .order_by(Event.starts_at.desc(), EventRegistration.id)).all()
    return attendance_record(rows)


def attendance_record(rows) -> list[AttendedEvent]:
    """`attended_by`'s rows grouped per registration, in their order: sessions count on the days checked in."""
    grouped: dict[int, dict] = {}
    for (registration_id, title, starts_at, ends_at, zone, day, session_starts_at, session_ends_at,
         certificate_id) in rows:
        found = grouped.setdefault(registration_id, {"title": title, "starts_at": starts_at, "ends_at": ends_at,
                                                     "days": set(), "sessions": set(),
                                                     "has_certificate": certificate_id is not None})
        found["days"].add(day)
        if session_starts_at is not None \
                and session_starts_at.astimezone(ZoneInfo(zone)).date() == day:
            found["sessions"].add((session_starts_at, session_ends_at))
    return [AttendedEvent(registration_id, found["title"], found["starts_at"], found["ends_at"], sorted(found["days"]),
                          training_hours(found["sessions"]), found["has_certificate"])
            for registration_id, found in grouped.items()]
