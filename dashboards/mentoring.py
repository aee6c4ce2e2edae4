"""The mentoring part of the dashboard, in a fixed number of queries."""
from datetime import datetime

from sqlalchemy import or_, select, union_all
from sqlalchemy.orm import joinedload

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from mentoring.models import Booking, BookingState

LIST_LIMIT = 5
#: the to-do list's sessions: more than a learner books in a week and a bit
TODO_SESSIONS_LIMIT = 10


def section(user: User) -> dict | None:
    """Next sessions (as mentor or learner) and the action points of the learner's latest sessions that have them,
    in one query: the two short lists' ids in a union, then their rows with both people."""
    if not (user.is_learner or user.is_mentor):
        return None
    now = utcnow()
    confirmed = Booking.state == BookingState.CONFIRMED
    upcoming = (select(Booking.id).where(confirmed, or_(Booking.learner_id == user.id, Booking.mentor_id == user.id),
                                         Booking.ends_at >= now).order_by(Booking.starts_at).limit(LIST_LIMIT))
    with_action_points = (select(Booking.id).where(confirmed, Booking.learner_id == user.id,
                                                   Booking.action_points != "")
                          .order_by(Booking.starts_at.desc()).limit(LIST_LIMIT))
    ids = union_all(upcoming.subquery().select(), with_action_points.subquery().select()).subquery()
    bookings = db.session.scalars(select(Booking).where(Booking.id.in_(select(ids.c.id)))
                                  .options(joinedload(Booking.mentor), joinedload(Booking.learner))).unique().all()
    return {
        "upcoming": sorted((b for b in bookings if b.ends_at >= now and user.id in (b.learner_id, b.mentor_id)),
                           key=lambda b: b.starts_at)[:LIST_LIMIT],
        "action_points": sorted((b for b in bookings if b.learner_id == user.id and b.action_points),
                                key=lambda b: b.starts_at, reverse=True)[:LIST_LIMIT],
    }


def learner_sessions_since(user: User, since: datetime) -> list[Booking]:
    """The person's confirmed sessions as the learner starting from `since` on, soonest first, with their mentors."""
    return db.session.scalars(select(Booking).where(Booking.learner_id == user.id,
                                                    Booking.state == BookingState.CONFIRMED,
                                                    Booking.starts_at >= since)
                              .order_by(Booking.starts_at).limit(TODO_SESSIONS_LIMIT)
                              .options(joinedload(Booking.mentor))).all()
