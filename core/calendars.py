"""What every iCalendar (RFC 5545) file from the platform shares: the calendar envelope and its people.

Mentoring's invitations and feeds and events' registrations build their VEVENTs
on these (with the `icalendar` library); times are written in UTC.
"""
from email.utils import parseaddr

from flask import current_app
from icalendar import Calendar, vCalAddress, vText


def new_calendar(prodid: str, method: str | None = None) -> Calendar:
    """An empty calendar; `method` (REQUEST, CANCEL, PUBLISH) for a file sent by e-mail, none for a feed."""
    calendar = Calendar()
    calendar.add("prodid", prodid)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def address(email: str, name: str, **params) -> vCalAddress:
    """A person as ORGANIZER or ATTENDEE; `partstat="ACCEPTED"` becomes the PARTSTAT parameter."""
    found = vCalAddress(f"mailto:{email}")
    found.params["cn"] = vText(name)
    for key, value in params.items():
        found.params[key.replace("_", "-")] = vText(value)
    return found


def platform_organizer() -> vCalAddress:
    """The platform itself (its sender address) as ORGANIZER, so calendars accept its later updates."""
    name, email = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return address(email, name or "Casework Academy")
