"""Bookable slots as plain functions on plain values (no database, no Flask).

Availability is kept as wall-clock windows in the mentor's own zone and
turned into UTC date by date, so a weekly 09:00 London window stays at 09:00
London on both sides of a daylight-saving change. A booking blocks the
mentor from its start until its end plus the buffer; the same rule is
enforced by the database (see `Booking.blocked_from`), so what these
functions call free is exactly what the database will accept.
"""
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.timezones import local_to_utc

#: candidate start times are this far apart within a window
SLOT_STEP = timedelta(minutes=30)
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class Window:
    """Weekly availability: weekday 0 = Monday, wall-clock times in the mentor's zone."""

    weekday: int
    start: time
    end: time


def override_order(override: "Override") -> tuple:
    """Date by date, a day off before that day's hours, then the hours in order."""
    return (override.day, override.start is not None, override.start or time(0))


#: where the weekly editor starts for a mentor with no hours yet: 09:00-17:00, Monday to Friday
OFFICE_HOURS = tuple(Window(weekday, time(9), time(17)) for weekday in range(5))


@dataclass(frozen=True)
class Override:
    """One date in the mentor's zone: a day off (no times) or an extra window."""

    day: date
    start: time | None = None
    end: time | None = None

    @property
    def is_day_off(self) -> bool:
        return self.start is None


@dataclass(frozen=True)
class Rules:
    zone: str
    buffer: timedelta = timedelta(minutes=15)
    notice: timedelta = timedelta(hours=24)
    horizon: timedelta = timedelta(weeks=8)
    windows: tuple[Window, ...] = ()
    overrides: tuple[Override, ...] = ()


@dataclass(frozen=True)
class Busy:
    """What is already taken: the mentor's blocked ranges (buffer included) and the learner's sessions."""

    mentor: tuple[Interval, ...] = ()
    learner: tuple[Interval, ...] = ()


def open_intervals(rules: Rules, first_day: date, last_day: date) -> list[Interval]:
    """The mentor's open hours in UTC for each local date from first_day to last_day inclusive."""
    overrides: dict[date, list[Override]] = {}
    for override in rules.overrides:
        overrides.setdefault(override.day, []).append(override)
    intervals = []
    day = first_day
    while day <= last_day:
        todays = overrides.get(day, [])
        clocks = [] if any(o.is_day_off for o in todays) else [
            (w.start, w.end) for w in rules.windows if w.weekday == day.weekday()]
        clocks += [(o.start, o.end) for o in todays if not o.is_day_off]
        for start, end in sorted(clocks):
            intervals.append((local_to_utc(day, start, rules.zone), local_to_utc(day, end, rules.zone)))
        day += timedelta(days=1)
    return intervals


class _Taken:
    """Busy intervals joined where they overlap or touch, in order, so one bisection tells whether a time is free."""

    def __init__(self, intervals):
        self.starts: list[datetime] = []
        self.ends: list[datetime] = []
        for start, end in sorted(intervals):
            if self.ends and start <= self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def overlaps(self, start: datetime, end: datetime) -> bool:
        # The first interval ending after `start` is the only one that can: those after it begin later still.
        index = bisect_right(self.ends, start)
        return index < len(self.ends) and self.starts[index] < end


def free_slots(rules: Rules, length: timedelta, busy: Busy, now: datetime) -> list[datetime]:
    """Every start time (UTC) a session of `length` can be booked at, in order.

    A start is bookable when the whole session fits inside one open
    interval, it is at least `notice` from now and at most `horizon` from now
    (both edges included), and it is free for mentor and learner.
    """
    earliest, latest = now + rules.notice, now + rules.horizon
    zone = ZoneInfo(rules.zone)
    first_day = earliest.astimezone(zone).date() - timedelta(days=1)
    last_day = latest.astimezone(zone).date() + timedelta(days=1)
    mentor, learner = _Taken(busy.mentor), _Taken(busy.learner)
    slots = []
    for window_start, window_end in open_intervals(rules, first_day, last_day):
        start = window_start
        while start + length <= window_end:
            # The mentor is blocked for the session plus the buffer after it, the learner for the session.
            if (earliest <= start <= latest and not mentor.overlaps(start, start + length + rules.buffer)
                    and not learner.overlaps(start, start + length)):
                slots.append(start)
            start += SLOT_STEP
    return sorted(set(slots))


def nearest(slots: list[datetime], target: datetime, count: int = 3) -> list[datetime]:
    """The `count` free slots closest in time to `target`, in time order."""
    return sorted(sorted(slots, key=lambda slot: (abs(slot - target), slot))[:count])


def series_starts(first: datetime, count: int, every_weeks: int, zone: str) -> list[datetime]:
    """`count` starts every `every_weeks` weeks at the same wall-clock time in `zone` as `first`."""
    local = first.astimezone(ZoneInfo(zone))
    return [local_to_utc(local.date() + timedelta(weeks=every_weeks * n), local.time().replace(tzinfo=None), zone)
            for n in range(count)]


def clock_change_shifts(starts: list[datetime], zone: str) -> list[datetime]:
    """The starts of a series whose wall-clock time differs from the first's: each fell in a spring-forward gap.

    A time such as 02:30 on the day the clocks go forward does not exist;
    `series_starts` then keeps the offset from before the change, which
    puts the session an hour later on the clock (03:30), and people must be told.
    """
    tz = ZoneInfo(zone)
    wanted = starts[0].astimezone(tz).time()
    return [start for start in starts if start.astimezone(tz).time() != wanted]


def by_local_day(slots: list[datetime], zone: ZoneInfo) -> dict[date, list[datetime]]:
    """Slots grouped by the viewer's local date (a 23:30 UTC slot is the next day in Tokyo)."""
    grouped: dict[date, list[datetime]] = {}
    for slot in slots:
        grouped.setdefault(slot.astimezone(zone).date(), []).append(slot)
    return grouped


def _clock(text: str) -> time:
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(text)
    return time(int(hours), int(minutes))


def parse_clock_range(text: str) -> tuple[time, time]:
    """'14:00-17:00' (or with an en dash) to two times; ValueError with a readable message."""
    parts = text.replace("–", "-").split("-")
    if len(parts) != 2:
        raise ValueError("write the times as 14:00-17:00")
    try:
        start, end = (_clock(part) for part in parts)
    except ValueError:
        raise ValueError("write the times as 14:00-17:00 (24-hour clock)") from None
    if end <= start:
        raise ValueError("the window must end after it starts")
    return start, end


def _parse_lines(text: str, parse_line) -> tuple[list, list[str]]:
    """Apply `parse_line` to each non-blank line; a ValueError becomes 'Line N: message.'."""
    items, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(parse_line(line.strip()))
        except ValueError as error:
            problems.append(f"Line {number}: {error}.")
    return items, problems


_WEEKDAY_NAMES = {name.lower(): index for index, name in enumerate(WEEKDAYS)} | {
    name[:3].lower(): index for index, name in enumerate(WEEKDAYS)}


def _window(line: str) -> Window:
    day, _, clocks = line.partition(" ")
    if day.lower() not in _WEEKDAY_NAMES:
        raise ValueError("start with a weekday, e.g. 'Tuesday 14:00-17:00'")
    return Window(_WEEKDAY_NAMES[day.lower()], *parse_clock_range(clocks))


def _override(line: str) -> Override:
    day_text, _, rest = line.partition(" ")
    try:
        day = date.fromisoformat(day_text)
    except ValueError:
        raise ValueError("start with a date like 2026-12-24") from None
    if rest.strip().lower() == "off":
        return Override(day)
    try:
        return Override(day, *parse_clock_range(rest))
    except ValueError as error:
        raise ValueError(f"write 'off' or times; {error}") from None


def parse_windows(text: str) -> tuple[list[Window], list[str]]:
    """Lines like 'Tuesday 14:00-17:00'; returns the windows and one message per bad line."""
    return _parse_lines(text, _window)


def parse_overrides(text: str) -> tuple[list[Override], list[str]]:
    """Lines like '2026-12-24 off' or '2026-12-28 10:00-12:00'."""
    return _parse_lines(text, _override)


def format_windows(windows) -> str:
    """The lines `parse_windows` reads back: 'Tuesday 14:00-17:00'."""
    return "\n".join(f"{WEEKDAYS[w.weekday]} {w.start:%H:%M}-{w.end:%H:%M}" for w in windows)


def format_overrides(overrides) -> str:
    """The lines `parse_overrides` reads back: '2026-12-24 off' or '2026-12-28 10:00-12:00'."""
    return "\n".join(f"{o.day.isoformat()} " + ("off" if o.is_day_off else f"{o.start:%H:%M}-{o.end:%H:%M}")
                     for o in overrides)
