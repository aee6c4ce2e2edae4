"""The mentoring part of the dashboard, in a fixed number of queries."""
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from mentoring.models import Booking, BookingState

LIST_LIMIT = 5


def section(user: User) -> dict | None:
    """Next sessions (as mentor or learner) and the action points of the learner's latest sessions that have them."""
    if not (user.is_learner or user.is_mentor):
        return None
    now = utcnow()
    confirmed = select(Booking).where(Booking.state == BookingState.CONFIRMED).options(
        selectinload(Booking.mentor), selectinload(Booking.learner))
    upcoming = db.session.scalars(
        confirmed.where(or_(Booking.learner_id == user.id, Booking.mentor_id == user.id), Booking.ends_at >= now)
        .order_by(Booking.starts_at).limit(LIST_LIMIT)).all()
    action_points = db.session.scalars(
        confirmed.where(Booking.learner_id == user.id, Booking.action_points != "")
        .order_by(Booking.starts_at.desc()).limit(LIST_LIMIT)).all()
    return {"upcoming": upcoming, "action_points": action_points}
