"""iCalendar (RFC 5545) invitations and feeds, built with the `icalendar` library.

Invitations come from the platform as ORGANIZER, with the mentor (chair) and
the learner as attendees, so both calendars accept the later updates and
cancellations. Times are written in UTC. A booking keeps one UID for its
whole life; its SEQUENCE goes up on every change (see bookings.py).

The meeting place is the LOCATION; a video link is also the event's URL and
an RFC 7986 CONFERENCE (a phone number too, as a tel: URI), which calendars
turn into a "Join" button. "Add to calendar" offers the same event as a
single-event file and as Google Calendar and Outlook links.
"""
from urllib.parse import urlencode

from icalendar import Calendar, Event, vUri

from core.calendars import address as _address
from core.calendars import new_calendar, platform_organizer
from core.db import utcnow
from core.urls import absolute_url

PRODID = "-//Casework Academy//Mentoring//EN"


def _calendar(method: str | None = None) -> Calendar:
    return new_calendar(PRODID, method)


def booking_event(booking) -> Event:
    event = Event()
    event.add("uid", booking.uid)
    event.add("sequence", booking.sequence)
    event.add("dtstamp", utcnow())
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("summary", summary(booking))
    event.add("description", description(booking))
    if place := booking.place:
        event.add("location", place.location)
        if place.is_video:
            event.add("url", vUri(place.value))
        if place.link:
            feature = "VIDEO" if place.is_video else "PHONE"
            event.add("conference", vUri(place.link),
                      parameters={"value": "URI", "feature": feature, "label": place.kind.value})
    event.add("status", "CONFIRMED" if booking.is_confirmed else "CANCELLED")
    event.add("organizer", platform_organizer())
    event.add("attendee", _address(booking.mentor.email, booking.mentor.display_name, role="CHAIR",
                                   partstat="ACCEPTED"))
    event.add("attendee", _address(booking.learner.email, booking.learner.display_name, role="REQ-PARTICIPANT",
                                   partstat="NEEDS-ACTION", rsvp="TRUE"))
    return event


def summary(booking) -> str:
    return f"Mentoring: {booking.topic}"


def description(booking) -> str:
    """The agenda, where to join, and the session's page (its notes, moving or cancelling it)."""
    parts = [booking.agenda.strip()] if booking.agenda and booking.agenda.strip() else []
    if place := booking.place:
        parts.append(str(place))
    parts.append("Session page: " + absolute_url("mentoring.show_booking", booking_id=booking.id))
    return "\n\n".join(parts)


def invitation(booking) -> bytes:
    """REQUEST for a new or changed session, CANCEL (with STATUS:CANCELLED) for a cancelled one."""
    calendar = _calendar("REQUEST" if booking.is_confirmed else "CANCEL")
    calendar.add_component(booking_event(booking))
    return calendar.to_ical()


def single_event(booking) -> bytes:
    """The session alone as a file to open in any calendar (PUBLISH: an entry, not an invitation to answer)."""
    calendar = _calendar("PUBLISH")
    calendar.add_component(booking_event(booking))
    return calendar.to_ical()


def _utc_stamp(moment) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def google_link(booking) -> str:
    """Google Calendar's "create event" page, filled in (times in UTC; Google shows them in the user's zone)."""
    query = {"action": "TEMPLATE", "text": summary(booking),
             "dates": f"{_utc_stamp(booking.starts_at)}/{_utc_stamp(booking.ends_at)}",
             "details": description(booking)}
    if booking.place:
        query["location"] = booking.place.location
    return "https://calendar.google.com/calendar/render?" + urlencode(query)


def outlook_link(booking, host: str = "outlook.live.com") -> str:
    """Outlook on the web's "new event" page, filled in: outlook.live.com for personal accounts,
    outlook.office.com for work and school (Microsoft 365) accounts."""
    query = {"path": "/calendar/action/compose", "rru": "addevent", "subject": summary(booking),
             "startdt": booking.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
             "enddt": booking.ends_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "body": description(booking)}
    if booking.place:
        query["location"] = booking.place.location
    return f"https://{host}/calendar/0/action/compose?" + urlencode(query)


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
