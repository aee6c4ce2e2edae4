"""What events holds about a person (their registrations), for privacy's export and erasure."""
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.timezones import iso
from events.models import EventCheckIn, EventRegistration, EventSession, SessionChoice, SessionChoiceState
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
                                    for r in registrations]}


def erase(user, by) -> None:
    """Give up the person's places and waitlist places at events not yet over (the next person waiting moves up);
    registrations for past events stay with the nameless account, so an event's numbers still add up."""
    now = utcnow()
    for registration in _registrations(user):
        if registration.is_active and registration.event.ends_at > now:
            cancel(registration, by)
