"""An event as iCalendar files for each registered person (core.calendars builds the envelope).

Two files: the event itself, an invitation (REQUEST, or CANCEL) with one UID per
registration; and the person's own programme (the plenary sessions and those
they chose), published for import with one UID per registration and session, so
a later file moves or cancels the same entries. SEQUENCE is the time of the
change in seconds, so every later message outranks the earlier ones without a
counter to keep.
"""
from icalendar import Event as CalendarEvent

from core.calendars import address, new_calendar, platform_organizer
from core.db import utcnow
from core.urls import absolute_url
from events.models import RegistrationState

PRODID = "-//Casework Academy//Events//EN"
#: SEQUENCE counts seconds from here (it must fit a 32-bit integer for some calendar programs)
_EPOCH = 1_700_000_000


def registration_uid(registration) -> str:
    return f"event-{registration.event_id}-registration-{registration.id}@casework-academy"


def _item(uid: str, starts_at, ends_at, summary: str, location: str, description: str, is_confirmed: bool,
          link: str) -> CalendarEvent:
    item = CalendarEvent()
    item.add("uid", uid)
    item.add("sequence", int(utcnow().timestamp()) - _EPOCH)
    item.add("dtstamp", utcnow())
    item.add("dtstart", starts_at)
    item.add("dtend", ends_at)
    item.add("summary", summary)
    item.add("location", location)
    item.add("url", link)
    item.add("description", description)
    item.add("status", "CONFIRMED" if is_confirmed else "CANCELLED")
    return item


def invitation(registration) -> bytes:
    """REQUEST while the person holds a place; CANCEL (STATUS:CANCELLED) once they do not."""
    event = registration.event
    holds_place = registration.state is RegistrationState.REGISTERED
    link = absolute_url("events.show_event", event_id=event.id)
    item = _item(registration_uid(registration), event.starts_at, event.ends_at, event.title,
                 event.venue or event.online_link,
                 "\n\n".join(part for part in (event.summary, event.online_link, f"Programme: {link}") if part),
                 holds_place, link)
    item.add("organizer", platform_organizer())
    item.add("attendee", address(registration.user.email, registration.user.display_name, role="REQ-PARTICIPANT",
                                 partstat="ACCEPTED"))
    calendar = new_calendar(PRODID, "REQUEST" if holds_place else "CANCEL")
    calendar.add_component(item)
    return calendar.to_ical()


def programme(registration, attending, dropped=()) -> bytes:
    """The person's own programme to import (PUBLISH): `attending` sessions confirmed, `dropped` ones cancelled."""
    event = registration.event
    link = absolute_url("events.show_event", event_id=event.id)
    calendar = new_calendar(PRODID, "PUBLISH")
    for session, is_confirmed in [(s, True) for s in attending] + [(s, False) for s in dropped]:
        calendar.add_component(_item(
            f"event-{event.id}-registration-{registration.id}-session-{session.id}@casework-academy",
            session.starts_at, session.ends_at, f"{session.title} ({event.title})",
            ", ".join(part for part in (session.room, event.venue or event.online_link) if part),
            "\n\n".join(part for part in (session.summary, f"Programme: {link}") if part), is_confirmed, link))
    return calendar.to_ical()
