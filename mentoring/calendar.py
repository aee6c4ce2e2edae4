"""iCalendar (RFC 5545) invitations and feeds, built with the `icalendar` library.

Invitations come from the platform as ORGANIZER, with the mentor (chair) and
the learner as attendees, so both calendars accept the later updates and
cancellations. Times are written in UTC. A booking keeps one UID for its
whole life; its SEQUENCE goes up on every change (see bookings.py).
"""
from email.utils import parseaddr

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from core.db import utcnow

PRODID = "-//Casework Academy//Mentoring//EN"


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = vText(value)
    return address


def booking_event(booking) -> Event:
    event = Event()
    event.add("uid", booking.uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("summary", f"Mentoring: {booking.topic}")
    event.add("description", booking.agenda or "")
    event.add("status", "CONFIRMED" if booking.is_confirmed else "CANCELLED")
    name, email = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    event.add("organizer", _address(email, name or "Casework Academy"))
    event.add("attendee", _address(booking.mentor.email, booking.mentor.display_name, role="CHAIR",
                                   partstat="ACCEPTED"))
    event.add("attendee", _address(booking.learner.email, booking.learner.display_name, role="REQ-PARTICIPANT",
                                   partstat="NEEDS-ACTION", rsvp="TRUE"))
    return event


def invitation(booking) -> bytes:
    """REQUEST for a new or changed session, CANCEL (with STATUS:CANCELLED) for a cancelled one."""
    calendar = _calendar("REQUEST" if booking.is_confirmed else "CANCEL")
    calendar.add_component(booking_event(booking))
    return calendar.to_ical()


def feed(bookings, runs) -> bytes:
    """A subscription feed: the person's sessions and the live workshop dates of their runs."""
    calendar = _calendar()
    calendar.add("x-wr-calname", "Casework Academy")
    for booking in bookings:
        calendar.add_component(booking_event(booking))
    for run in runs:
        event = Event()
        event.add("uid", f"run-{run.id}@casework-academy")
        event.add("dtstamp", utcnow())
        event.add("dtstart", run.starts_at)
        event.add("dtend", run.ends_at)
        event.add("summary", f"Workshop: {run.course.title}")
        event.add("location", run.venue or run.video_link)
        calendar.add_component(event)
    return calendar.to_ical()
