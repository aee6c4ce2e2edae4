"""Helpers for events tests (and the world of the access matrix)."""
from datetime import datetime, time, timedelta, timezone

from certificates.operations import new_code
from core.db import utcnow
from core.extensions import db
from core.timezones import local_to_utc
from events.checkin import check_in
from events.models import (
    AttendanceCertificate,
    Event,
    EventKind,
    EventRegistration,
    EventSession,
    RegistrationState,
    SessionKind,
    Speaker,
)


def new_event(title="Causes of wrongful conviction", days=1, starts_in=timedelta(days=21), capacity=50,
              organiser=None, published=True, zone="Europe/London", opened_ago=timedelta(days=7)) -> Event:
    """An event from 09:30 on its first day to 17:00 on its last, local time."""
    first = (utcnow() + starts_in).astimezone(timezone.utc).date()
    starts_at = local_to_utc(first, time(9, 30), zone)
    event = Event(title=title, kind=EventKind.CONFERENCE if days > 1 else EventKind.WORKSHOP, timezone=zone,
                  starts_at=starts_at, ends_at=local_to_utc(first + timedelta(days=days - 1), time(17), zone),
                  venue="Moot court, Law School", capacity=capacity, registration_opens_at=utcnow() - opened_ago,
                  registration_closes_at=starts_at, organiser_id=organiser.id if organiser else None,
                  is_published=published, summary="Two days on **evidence**.")
    db.session.add(event)
    db.session.commit()
    return event


def new_session(event: Event, title="Eyewitness identification", day=0, start=time(10), minutes=60, room="",
                kind=SessionKind.TALK, speakers=(), modules=(), choice_capacity=None) -> EventSession:
    local_day = event.days[day]
    starts_at = local_to_utc(local_day, start, event.timezone)
    session = EventSession(event_id=event.id, title=title, kind=kind, starts_at=starts_at,
                           ends_at=starts_at + timedelta(minutes=minutes), room=room,
                           speakers=list(speakers), modules=list(modules), choice_capacity=choice_capacity)
    db.session.add(session)
    db.session.commit()
    return session


def new_speaker(name="Dr Ada Byrne", organisation="University of Bristol") -> Speaker:
    speaker = Speaker(name=name, role="Senior lecturer", organisation=organisation, biography="Studies *memory*.")
    db.session.add(speaker)
    db.session.commit()
    return speaker


def new_registration(event: Event, user, state=RegistrationState.REGISTERED) -> EventRegistration:
    registration = EventRegistration(event_id=event.id, user_id=user.id, state=state, code=new_code())
    db.session.add(registration)
    db.session.commit()
    return registration


def add_event_world(people) -> dict:
    """For the access matrix: a published upcoming event organised by the mentor, with one talk by one speaker
    and a workshop to choose, and the trainee registered."""
    speaker = new_speaker()
    event = new_event(organiser=people["mentor"])
    session = new_session(event, speakers=[speaker])
    new_session(event, "Interviewing witnesses", start=time(14), room="Room 2", kind=SessionKind.WORKSHOP,
                choice_capacity=12)
    registration = new_registration(event, people["trainee"])
    past = new_event("Last year's conference", starts_in=timedelta(days=-100), organiser=people["mentor"])
    new_session(past, speakers=[speaker])
    attended = new_registration(past, people["trainee"])
    certificate = attend(attended, people["mentor"])
    return {"event": event.id, "event_session": session.id, "speaker": speaker.id,
            "event_day": event.days[0].isoformat(), "event_registration": registration.id,
            "registration_code": registration.code, "past_event": past.id, "past_registration": attended.id,
            "attendance_code": certificate.code}


def attend(registration: EventRegistration, organiser, day: int = 0) -> AttendanceCertificate:
    """Check the person in on the event's `day` (as the organiser at the door would); returns their certificate."""
    check_in(registration, registration.event.days[day], organiser)
    certificate = db.session.scalar(db.select(AttendanceCertificate).where(
        AttendanceCertificate.registration_id == registration.id))
    db.session.commit()  # ends the transaction: on SQLite an open one would hold the write lock
    return certificate


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def grow_events(scale: int, trainee, members, organiser) -> None:
    """For the query-count test: `scale` past two-day events (two workshops to choose and a talk) and as many
    upcoming ones, the trainee and the members registered at each, choosing sessions and checked in at the past."""
    from events.models import SessionChoice, SessionChoiceState

    for number in range(scale):
        for starts_in in (timedelta(days=-60 - number), timedelta(days=30 + number)):
            event = new_event(f"Conference {number}", days=2, starts_in=starts_in, organiser=organiser)
            new_session(event, "Opening", start=time(9, 30))
            workshops = [new_session(event, f"Workshop {stream}", day=1, start=time(11), room=f"Room {stream}",
                                     kind=SessionKind.WORKSHOP, choice_capacity=100) for stream in (1, 2)]
            for index, person in enumerate([trainee, *members[:2]]):
                registration = new_registration(event, person)
                db.session.add(SessionChoice(registration_id=registration.id, session_id=workshops[index % 2].id,
                                             state=SessionChoiceState.CHOSEN))
                db.session.commit()
                if starts_in < timedelta(0):
                    attend(registration, organiser)
