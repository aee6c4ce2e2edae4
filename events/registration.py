"""Registration rules: places, the waitlist, cancellation, and telling registrants of changes.

Places are held like course seats (`core.seats`): every change happens with the
event's row locked, so concurrent registrations cannot overfill it and two
cancellations cannot promote the same person. Flush only; views commit.
"""
from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.models import User
from certificates.operations import new_code
from core import audit
from core.db import lock_for_update, utcnow
from core.extensions import db
from core.mail import queue_mail
from core.seats import Seating
from core.urls import absolute_url
from events import calendar
from events.choices import drop_choices
from events.models import Event, EventRegistration, RegistrationState

SEATS = Seating(EventRegistration, EventRegistration.event_id, seated=RegistrationState.REGISTERED,
                waiting=RegistrationState.WAITLISTED)


def places_taken(event_ids) -> dict[int, int]:
    return SEATS.taken(event_ids)


def _mail(registration: EventRegistration, template: str, subject: str, attachments=()) -> None:
    """E-mail the person, with the event as a calendar invitation (or its cancellation) where it changes theirs."""
    attachments = list(attachments)
    if template in ("registered", "promoted", "changed", "cancelled"):
        method = "CANCEL" if registration.state is RegistrationState.CANCELLED else "REQUEST"
        attachments.insert(0, ("event.ics", f"text/calendar; method={method}", calendar.invitation(registration)))
    event = registration.event
    choose_link = absolute_url("events.choose_sessions", registration_id=registration.id) \
        if registration.state is RegistrationState.REGISTERED and any(s.needs_choice for s in event.sessions) else None
    queue_mail(registration.user.email, f"{subject}: {event.title}", render_template(
        f"events/email/{template}.txt", registration=registration, event=event,
        link=absolute_url("events.show_event", event_id=event.id), choose_link=choose_link), attachments)


def register(event_id: int, user: User, by: User) -> EventRegistration:
    """Give `user` a place, or a waitlist place when the event is full.

    Idempotent: registering someone already registered or waiting returns their
    registration unchanged (a double submit creates nothing).
    """
    event = lock_for_update(Event, event_id)
    registration = db.session.scalar(select(EventRegistration).where(EventRegistration.event_id == event.id,
                                                                     EventRegistration.user_id == user.id))
    if registration is not None and registration.is_active:
        return registration
    state = SEATS.state_for_newcomer(event.id, event.capacity)
    if registration is None:
        registration = EventRegistration(event=event, user=user, code=new_code())
        db.session.add(registration)
    registration.state, registration.state_changed_at, registration.registered_by_id = state, utcnow(), by.id
    db.session.flush()
    waiting = state is RegistrationState.WAITLISTED
    audit.record("event.waitlist" if waiting else "event.register", actor=by, subject=user,
                 detail={"event_id": event.id, "registration_id": registration.id})
    if waiting:
        _mail(registration, "waitlisted", "You are on the waitlist")
    else:
        _mail(registration, "registered", "You are registered")
    return registration


def cancel(registration: EventRegistration, by: User) -> EventRegistration | None:
    """Cancel; a freed place goes to the first person waiting, and the person's chosen sessions are freed too.

    Returns whoever was promoted.
    """
    lock_for_update(Event, registration.event_id)
    db.session.refresh(registration)
    if not registration.is_active:
        return None
    freed_place = registration.state is RegistrationState.REGISTERED
    registration.state, registration.state_changed_at = RegistrationState.CANCELLED, utcnow()
    db.session.flush()
    audit.record("event.cancel", actor=by, subject=registration.user_id,
                 detail={"event_id": registration.event_id, "registration_id": registration.id})
    programme = drop_choices(registration)
    _mail(registration, "cancelled", "Registration cancelled",
          [("programme.ics", "text/calendar; method=PUBLISH", calendar.programme(registration, [], programme))]
          if programme else [])
    promoted = fill_from_waitlist(registration.event) if freed_place else []
    return promoted[0] if promoted else None


def fill_from_waitlist(event: Event) -> list[EventRegistration]:
    """Promote waiting people, first come first served, into any free places (the event's row must be locked)."""
    waiting = SEATS.next_in_line(event.id, event.capacity)
    for registration in waiting:
        registration.state, registration.state_changed_at = RegistrationState.REGISTERED, utcnow()
        audit.record("event.promote", subject=registration.user_id,
                     detail={"event_id": event.id, "registration_id": registration.id})
        _mail(registration, "promoted", "A place is yours")
    db.session.flush()
    return list(waiting)


def tell_of_change(event: Event) -> int:
    """E-mail everyone holding a place the event's new times or place, with an updated invitation."""
    registered = db.session.scalars(
        select(EventRegistration).where(EventRegistration.event_id == event.id,
                                        EventRegistration.state == RegistrationState.REGISTERED)
        .options(selectinload(EventRegistration.user))).all()
    for registration in registered:
        _mail(registration, "changed", "Changed")
    return len(registered)


def registrations_of(event: Event):
    """The event's active registrations, those holding a place first, then the waitlist in order (a query)."""
    return (select(EventRegistration).where(EventRegistration.event_id == event.id,
                                            EventRegistration.state != RegistrationState.CANCELLED)
            .order_by(EventRegistration.state, EventRegistration.state_changed_at, EventRegistration.id)
            .options(selectinload(EventRegistration.user).selectinload(User.organisation)))
