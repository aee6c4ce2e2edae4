"""Demo mentoring data: the mentor's weekly hours, a few sessions, and notes on a module. Idempotent."""
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.timezones import local_to_utc
from curriculum.models import Module
from mentoring.bookings import set_times
from mentoring.models import Attendance, AvailabilityWindow, Booking, MentorProfile
from mentoring.places import PlaceKind

WEEKLY_HOURS = [(0, time(9), time(12)), (1, time(14), time(17)), (2, time(9), time(12)), (3, time(10), time(16)),
                (4, time(13), time(16))]


def _today(zone: str) -> date:
    return utcnow().astimezone(ZoneInfo(zone)).date()


def _on(weekday: int, weeks_from_now: int, zone: str) -> date:
    """The next such weekday (today included), `weeks_from_now` weeks on."""
    today = _today(zone)
    return today + timedelta(days=(weekday - today.weekday()) % 7, weeks=weeks_from_now)


def load_mentoring_demo(people: dict[str, User], module: Module) -> None:
    """Gives mentor@example.org weekly hours and sessions with two trainees, once."""
    mentor = people["mentor@example.org"]
    if db.session.scalar(select(MentorProfile.id).where(MentorProfile.mentor_id == mentor.id)) is not None:
        return
    profile = MentorProfile.with_defaults(mentor)
    profile.session_lengths = [30, 60, 90]
    profile.place_kind, profile.place_value = PlaceKind.VIDEO, "https://meet.jit.si/casework-academy-mentoring"
    profile.windows = [AvailabilityWindow(weekday=d, start_time=a, end_time=b) for d, a, b in WEEKLY_HOURS]
    db.session.add(profile)
    zone = profile.timezone
    sessions = [
        # learner, local date, start, minutes, topic, shared note, action points
        ("trainee@example.org", _on(3, -1, zone), time(10), 60, "Reading the case papers",
         "We went through the summing-up and the grounds of appeal line by line. Good instincts on the "
         "identification evidence.", "Read the Turnbull guidance again\nList every witness and what each saw"),
        ("trainee@example.org", _on(1, 1, zone), time(14), 60, "Drafting the summary of grounds", "", ""),
        ("trainee2@example.org", _on(3, 1, zone), time(11), 30, "Intake questions", "", ""),
        # Monday of this week, so the mentor's week view always shows a session.
        ("trainee3@example.org", _today(zone) - timedelta(days=_today(zone).weekday()), time(9), 30,
         "Triage of the first applications", "", ""),
    ]
    for email, day, clock, minutes, topic, shared, actions in sessions:
        booking = Booking(mentor_id=mentor.id, learner_id=people[email].id, booked_by_id=people[email].id,
                          topic=topic, agenda="", module_id=module.id, shared_note=shared, action_points=actions,
                          attendance=Attendance.ATTENDED if shared else None,
                          place_kind=profile.place_kind, place_value=profile.place_value)
        set_times(booking, local_to_utc(day, clock, zone), timedelta(minutes=minutes), profile.buffer_minutes)
        db.session.add(booking)
    db.session.flush()
