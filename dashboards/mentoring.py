"""The mentoring part of the dashboard, in a fixed number of queries."""
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, select, union_all
from sqlalchemy.orm import joinedload

from accounts.models import User
from core.extensions import db
from mentoring.models import Booking, BookingState
from modules.todo import SESSIONS_SINCE

LIST_LIMIT = 5
#: the to-do list's sessions: more than a learner books in a week and a bit
TODO_SESSIONS_LIMIT = 10


def section(user: User, now: datetime) -> dict | None:
    """Next sessions (as mentor or learner), the action points of the learner's latest sessions that have them, and
    the learner's sessions the to-do list needs (from a week ago on), in one query: the short lists' ids in a
    union, then their rows with both people."""
    if not (user.is_learner or user.is_mentor):
        return None
    bookings = db.session.scalars(_bookings_query(), {"user_id": user.id, "now": now,
                                                      "since": now - SESSIONS_SINCE}).unique().all()
    return {
        "upcoming": sorted((b for b in bookings if b.ends_at >= now and user.id in (b.learner_id, b.mentor_id)),
                           key=lambda b: b.starts_at)[:LIST_LIMIT],
        "action_points": sorted((b for b in bookings if b.learner_id == user.id and b.action_points),
                                key=lambda b: b.starts_at, reverse=True)[:LIST_LIMIT],
        "todo_sessions": sorted((b for b in bookings if b.learner_id == user.id and b.starts_at >= now - SESSIONS_SINCE),
                                key=lambda b: b.starts_at)[:TODO_SESSIONS_LIMIT],
    }


@cache
def _bookings_query() -> Select:
    """Built once per process, with parameters (building it costs more than running it)."""
    user_id, confirmed = bindparam("user_id"), Booking.state == BookingState.CONFIRMED
    # The next sessions as learner and as mentor apart: with "learner or mentor" in one, PostgreSQL's plan for any
    # person (a prepared statement's) walked every booking by start time, 120 ms instead of 1.
    upcoming_as_learner, upcoming_as_mentor = (
        select(Booking.id).where(confirmed, person == user_id, Booking.ends_at >= bindparam("now"))
        .order_by(Booking.starts_at).limit(LIST_LIMIT) for person in (Booking.learner_id, Booking.mentor_id))
    with_action_points = (select(Booking.id).where(confirmed, Booking.learner_id == user_id,
                                                   Booking.action_points != "")
                          .order_by(Booking.starts_at.desc()).limit(LIST_LIMIT))
    for_todo = (select(Booking.id).where(confirmed, Booking.learner_id == user_id,
                                         Booking.starts_at >= bindparam("since"))
                .order_by(Booking.starts_at).limit(TODO_SESSIONS_LIMIT))
    ids = union_all(*(query.subquery().select() for query in (upcoming_as_learner, upcoming_as_mentor,
                                                               with_action_points, for_todo))).subquery()
    return (select(Booking).where(Booking.id.in_(select(ids.c.id)))
            .options(joinedload(Booking.mentor).load_only(User.display_name),
                     joinedload(Booking.learner).load_only(User.display_name)))
