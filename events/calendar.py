"""An event as an iCalendar invitation for each registered person (core.calendars builds the envelope).

Each registration keeps one UID; SEQUENCE is the time of the change in
seconds, so every later message (a new time, a cancellation) outranks the
earlier ones without a counter to keep.
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


def invitation(registration) -> bytes:
    """REQUEST while the person holds a place; CANCEL (STATUS:CANCELLED) once they do not."""
    event = registration.event
    holds_place = registration.state is RegistrationState.REGISTERED
    link = absolute_url("events.show_event", event_id=event.id)
    item = CalendarEvent()
    item.add("uid", registration_uid(registration))
    item.add("sequence", int(utcnow().timestamp()) - _EPOCH)
    item.add("dtstamp", utcnow())
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    item.add("location", event.venue or event.online_link)
    item.add("url", link)
    item.add("description", "\n\n".join(part for part in (event.summary, event.online_link, f"Programme: {link}")
                                         if part))
    item.add("status", "CONFIRMED" if holds_place else "CANCELLED")
    item.add("organizer", platform_organizer())
    item.add("attendee", address(registration.user.email, registration.user.display_name, role="REQ-PARTICIPANT",
                                 partstat="ACCEPTED"))
    calendar = new_calendar(PRODID, "REQUEST" if holds_place else "CANCEL")
    calendar.add_component(item)
    return calendar.to_ical()
