"""Time zones: everything is stored in UTC and shown in the viewer's zone."""
from datetime import date, datetime, time, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app
from flask_login import current_user
from markupsafe import Markup, escape


@lru_cache
def timezone_choices() -> list[str]:
    return sorted(available_timezones() - {"Factory", "localtime"})


def is_valid_timezone(name: str) -> bool:
    return name in timezone_choices()


def zone_options(selected: str | None) -> Markup:
    """Every zone as an <option> (underscores shown as spaces), `selected` marked when it is a zone.

    A select of ~600 zones costs more to render than the rest of a page, so each process builds it once
    per zone chosen; any other value shows the zones with none chosen.
    """
    return _zone_options(selected if is_valid_timezone(selected) else None)


@lru_cache(maxsize=64)
def _zone_options(selected: str | None) -> Markup:
    return Markup("".join(f'<option value="{escape(name)}"{" selected" if name == selected else ""}>'
                          f'{escape(name.replace("_", " "))}</option>' for name in timezone_choices()))


def viewer_timezone() -> ZoneInfo:
    name = None
    if current_user and current_user.is_authenticated:
        name = current_user.timezone
    return ZoneInfo(name or current_app.config["TIMEZONE"])


def to_local(moment: datetime, zone: ZoneInfo | None = None) -> datetime:
    return moment.astimezone(zone or viewer_timezone())


def local_to_utc(day: date, clock: time, zone_name: str) -> datetime:
    """The UTC instant of a wall-clock time in a zone (DST-correct for that date)."""
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone_name)).astimezone(timezone.utc)


def format_datetime(moment: datetime | None, pattern: str = "%a %-d %b %Y, %H:%M", zone: str | None = None) -> str:
    """In the viewer's zone, or in `zone` (e.g. an e-mail's recipient's) when given."""
    if moment is None:
        return ""
    local = to_local(moment, ZoneInfo(zone) if zone else None)
    return f"{local.strftime(pattern)} {local.tzname()}"


def iso(moment: datetime | None) -> str | None:
    """An ISO 8601 string (UTC, as stored), for machine-readable exports."""
    return moment.isoformat() if moment is not None else None


def format_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = to_local(day).date()
    return day.strftime("%a %-d %b %Y")
