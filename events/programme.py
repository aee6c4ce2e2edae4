"""The programme's rules as plain functions: days, parallel sessions, and the hours of training they add up to."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from core.timezones import local_to_utc


@dataclass(frozen=True)
class Slot:
    """Sessions that begin at the same moment: more than one runs in parallel (different rooms or streams)."""

    starts_at: datetime
    sessions: list


@dataclass(frozen=True)
class Day:
    day: date
    slots: list[Slot]


def event_bounds(first_day: date, starts: time, last_day: date, ends: time, zone: str) -> tuple[datetime, datetime]:
    """The UTC instants an event's programme begins and ends, from its local days and times."""
    return local_to_utc(first_day, starts, zone), local_to_utc(last_day, ends, zone)


def by_day(sessions, zone: ZoneInfo) -> list[Day]:
    """Sessions grouped by local day, then by start time (parallel sessions share a slot), earliest first."""
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.room, s.id or 0))
    days = []
    for day, of_day in groupby(ordered, key=lambda s: s.starts_at.astimezone(zone).date()):
        slots = [Slot(start, list(together)) for start, together in groupby(of_day, key=lambda s: s.starts_at)]
        days.append(Day(day, slots))
    return days


def training_hours(intervals) -> float:
    """Hours covered by (start, end) intervals, counting overlapping time once (parallel streams are one hour each)."""
    total = timedelta(0)
    current_start = current_end = None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start
    return round(total.total_seconds() / 3600, 2)


def session_problem(starts_at: datetime, ends_at: datetime, event_starts_at: datetime,
                    event_ends_at: datetime) -> str | None:
    """Why a session's times cannot stand in the event's programme, or None when they can."""
    if ends_at <= starts_at:
        return "The session must end after it starts."
    if starts_at < event_starts_at or ends_at > event_ends_at:
        return "The session must fall within the event's times."
    return None
