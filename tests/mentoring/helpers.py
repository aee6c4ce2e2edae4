"""Helpers for mentoring tests (and the world of the access matrix)."""
from datetime import time, timedelta

from core.db import utcnow
from core.extensions import db
from mentoring import bookings as ops
from mentoring.models import AvailabilityWindow, Booking, BookingState, CalendarFeed, MentorProfile

EVERY_DAY = [(weekday, time(8), time(20)) for weekday in range(7)]


def open_every_day(mentor, windows=EVERY_DAY, **settings) -> MentorProfile:
    profile = MentorProfile.with_defaults(mentor)
    for name, value in settings.items():
        setattr(profile, name, value)
    profile.windows = [AvailabilityWindow(weekday=d, start_time=a, end_time=b) for d, a, b in windows]
    db.session.add(profile)
    db.session.commit()
    return profile


def add_world(people) -> dict:
    """For the access matrix: the mentor's hours, a session between trainee and mentor, the trainee's feed."""
    profile = open_every_day(people["mentor"])
    booking = Booking(mentor_id=profile.mentor_id, learner_id=people["trainee"].id, topic="World session",
                      private_note="Only the mentor", shared_note="For both")
    ops.set_times(booking, first_free(profile, people["trainee"]), timedelta(hours=1), profile.buffer_minutes)
    feed = CalendarFeed(user_id=people["trainee"].id)
    db.session.add_all([booking, feed])
    db.session.commit()
    return {"mentor": profile.mentor_id, "booking": booking.id, "feed_token": feed.token}


def first_free(profile, learner, minutes=60, index=0):
    return ops.free_slots(profile, learner.id, timedelta(minutes=minutes))[index]


def post_booking(client, mentor, start, minutes=60, **fields):
    data = {"topic": "Reading the case papers", "agenda": "", "module_id": 0, "count": 1, "every_weeks": 1,
            "request_key": fields.pop("request_key", None) or f"key-{start.isoformat()}-{minutes}"} | fields
    return client.post(f"/mentoring/mentors/{mentor.id}/book", data=data,
                       query_string={"length": minutes, "start": start.isoformat()})


def confirmed(mentor_id=None):
    query = db.select(Booking).where(Booking.state == BookingState.CONFIRMED)
    if mentor_id is not None:
        query = query.where(Booking.mentor_id == mentor_id)
    return db.session.scalars(query.order_by(Booking.starts_at)).all()


def grow_sessions(scale: int, learner, mentor) -> None:
    """For the query-count test: `scale` upcoming and `scale` past sessions (with notes) between the two."""
    from curriculum.models import Module

    profile = ops.profile_of(mentor.id) or open_every_day(mentor)
    module = db.session.scalar(db.select(Module).order_by(Module.id))
    upcoming = ops.free_slots(profile, learner.id, timedelta(minutes=30))[::4][:scale]
    already = db.session.scalar(db.select(db.func.count(Booking.id)).where(Booking.mentor_id == mentor.id))
    past = [utcnow().replace(microsecond=0) - timedelta(days=already + n + 1) for n in range(scale)]
    for start in upcoming + past:
        booking = Booking(mentor_id=mentor.id, learner_id=learner.id, topic="Growth", module_id=module.id,
                          shared_note="Shared", action_points="Do this")
        ops.set_times(booking, start, timedelta(minutes=30), profile.buffer_minutes)
        db.session.add(booking)
    db.session.commit()
