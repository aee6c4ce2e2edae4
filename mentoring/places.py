"""Where a session happens: a video link, a phone number or a room. Plain values in, plain values out.

A mentor's profile holds their default place; each booking copies it when it
is made and may be changed on its own afterwards (see bookings.change_place).
"""
import enum
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_LENGTH = 500
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-.]*$")


class PlaceKind(enum.Enum):
    VIDEO = "Video call"
    PHONE = "Phone call"
    ROOM = "In person"


#: what each kind asks for, for the label beside the field and the e-mails
ASKS_FOR = {PlaceKind.VIDEO: "video link", PlaceKind.PHONE: "phone number", PlaceKind.ROOM: "room or address"}


@dataclass(frozen=True)
class Place:
    kind: PlaceKind
    value: str

    @property
    def is_video(self) -> bool:
        return self.kind is PlaceKind.VIDEO

    @property
    def link(self) -> str | None:
        """What a click opens: the video link, or a tel: URI for a phone number; None for a room."""
        if self.kind is PlaceKind.VIDEO:
            return self.value
        if self.kind is PlaceKind.PHONE:
            return "tel:" + re.sub(r"[^0-9+]", "", self.value)
        return None

    @property
    def location(self) -> str:
        """The iCalendar LOCATION and the one line in e-mails: the link itself for video, so calendars make it clickable."""
        if self.kind is PlaceKind.PHONE:
            return f"Phone: {self.value}"
        return self.value

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.value}"


def check(kind: PlaceKind, value: str) -> str:
    """The place written tidily, or ValueError with a message for the person who typed it.

    Video links must be https URLs (a calendar would otherwise open plain http,
    or a `javascript:` link); phone numbers are digits with spaces, brackets,
    dots or hyphens and an optional leading +.
    """
    value = " ".join(value.split())
    if not value:
        raise ValueError(f"Enter the {ASKS_FOR[kind]}.")
    if len(value) > MAX_LENGTH:
        raise ValueError(f"Keep it under {MAX_LENGTH} characters.")
    if kind is PlaceKind.VIDEO:
        parts = urlsplit(value)
        if parts.scheme.lower() != "https" or not parts.hostname or " " in value:
            raise ValueError("Enter the full video link, starting https:// (e.g. https://meet.example.org/abc).")
    elif kind is PlaceKind.PHONE:
        digits = re.sub(r"\D", "", value)
        if not _PHONE.match(value) or not 6 <= len(digits) <= 20:
            raise ValueError("Enter a phone number with its area code, e.g. +44 20 7946 0000.")
    return value


def place_of(kind: PlaceKind | None, value: str) -> Place | None:
    return Place(kind, value) if kind is not None and value else None
