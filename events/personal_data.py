"""What events holds about a person (their registrations and feedback), for privacy's export and erasure."""
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from core.db import utcnow
from core.extensions import db
from core.timezones import iso
from events.models import (
    EventCheckIn,
    EventRegistration,
    EventSession,
    FeedbackResponse,
    SessionChoice,
    SessionChoiceState,
)
from events.registration import cancel


def _registrations(user):
    return db.session.scalars(select(EventRegistration).where(EventRegistration.user_id == user.id)
                              .order_by(EventRegistration.id)).all()


def personal_data(user) -> dict:
    registrations = _registrations(user)
    days: dict[int, list[str]] = {}
    for registration_id, day in db.session.execute(
            select(EventCheckIn.registration_id, EventCheckIn.day)
            .where(EventCheckIn.registration_id.in_([r.id for r in registrations])).order_by(EventCheckIn.day)):
        days.setdefault(registration_id, []).append(day.isoformat())
    chosen: dict[int, list[str]] = {}
    for registration_id, title in db.session.execute(
            select(SessionChoice.registration_id, EventSession.title).join(EventSession)
            .where(SessionChoice.registration_id.in_([r.id for r in registrations]),
                   SessionChoice.state == SessionChoiceState.CHOSEN).order_by(EventSession.starts_at)):
        chosen.setdefault(registration_id, []).append(title)
    return {"event_registrations": [{"event": r.event.title, "state": r.state.value, "since": iso(r.state_changed_at),
                                     "registered_at": iso(r.created_at), "check_in_code": r.code,
                                     "days_checked_in": days.get(r.id, []), "sessions_chosen": chosen.get(r.id, [])}
                                    for r in registrations],
            "event_feedback": _feedback(user)}


def _feedback(user) -> list[dict]:
    responses = db.session.scalars(
        select(FeedbackResponse).where(FeedbackResponse.user_id == user.id).order_by(FeedbackResponse.id)
        .options(selectinload(FeedbackResponse.ratings), selectinload(FeedbackResponse.event))).all()
    titles = dict(db.session.execute(select(EventSession.id, EventSession.title).where(
        EventSession.id.in_([rating.session_id for response in responses for rating in response.ratings]))).all())
    return [{"event": response.event.title, "overall": response.overall, "comments": response.comments,
             "submitted_at": iso(response.submitted_at), "updated_at": iso(response.updated_at),
             "sessions": {titles[rating.session_id]: rating.rating for rating in response.ratings}}
            for response in responses]


def erase(user, by) -> None:
    """Give up the person's places and waitlist places at events not yet over (the next person waiting moves up);
    registrations for past events stay with the nameless account, so an event's numbers still add up. Feedback
    keeps its ratings (the averages still add up) and loses its comments, which are the person's own words."""
    db.session.execute(update(FeedbackResponse).where(FeedbackResponse.user_id == user.id).values(comments=""))
    now = utcnow()
    for registration in _registrations(user):
        if registration.is_active and registration.event.ends_at > now:
            cancel(registration, by)
