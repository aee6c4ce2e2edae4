"""Creating and editing events, their programmes and speakers. Flush only; views commit."""
from sqlalchemy import select

from accounts.models import User
from core import audit
from core.db import lock_for_update
from core.extensions import db
from curriculum.models import Module
from events.media import forget_files_of
from events.models import Event, EventSession, Speaker
from events.registration import fill_from_waitlist, tell_of_change

#: what registrants are e-mailed about when it changes
_WHAT_REGISTRANTS_KEEP = ("starts_at", "ends_at", "venue", "online_link")


def save_event(event: Event | None, values: dict, by: User) -> Event:
    """Create an event (unpublished), or update one.

    More places at once seat the people waiting; a new time or place is e-mailed to everyone registered,
    with an updated calendar invitation.
    """
    if event is None:
        event = Event(**values)
        db.session.add(event)
        db.session.flush()
        audit.record("event.create", actor=by, detail={"event_id": event.id})
        return event
    lock_for_update(Event, event.id)
    changed = any(getattr(event, name) != values[name] for name in _WHAT_REGISTRANTS_KEEP if name in values)
    for name, value in values.items():
        setattr(event, name, value)
    db.session.flush()
    audit.record("event.edit", actor=by, detail={"event_id": event.id})
    fill_from_waitlist(event)
    if changed:
        tell_of_change(event)
    return event


def set_published(event: Event, published: bool, by: User) -> None:
    """Publish or unpublish; asking for the state the event is already in changes nothing."""
    if event.is_published == published:
        return
    event.is_published = published
    db.session.flush()
    audit.record("event.publish" if published else "event.unpublish", actor=by, detail={"event_id": event.id})


def save_session(event: Event, session: EventSession | None, values: dict, speaker_ids, module_ids,
                 by: User) -> EventSession:
    """Add a session to the event's programme, or update one of its sessions."""
    if session is None:
        session = EventSession(event=event)
        db.session.add(session)
    for name, value in values.items():
        setattr(session, name, value)
    session.speakers = list(db.session.scalars(select(Speaker).where(Speaker.id.in_(list(speaker_ids)))))
    session.modules = list(db.session.scalars(select(Module).where(Module.id.in_(list(module_ids)))))
    db.session.flush()
    audit.record("event.session", actor=by, detail={"event_id": event.id, "session_id": session.id})
    return session


def delete_session(session: EventSession, by: User) -> None:
    forget_files_of(session)
    audit.record("event.session_delete", actor=by, detail={"event_id": session.event_id, "session_id": session.id})
    db.session.delete(session)
    db.session.flush()


def save_speaker(speaker: Speaker | None, values: dict, by: User) -> Speaker:
    if speaker is None:
        speaker = Speaker()
        db.session.add(speaker)
    for name, value in values.items():
        setattr(speaker, name, value)
    db.session.flush()
    audit.record("speaker.save", actor=by, detail={"speaker_id": speaker.id})
    return speaker


def upcoming_events(now):
    """Published events that have not ended, soonest first (a query)."""
    return select(Event).where(Event.is_published.is_(True), Event.ends_at > now).order_by(Event.starts_at, Event.id)


def past_events(now):
    """Published events that have ended, latest first (a query to paginate)."""
    return (select(Event).where(Event.is_published.is_(True), Event.ends_at <= now)
            .order_by(Event.starts_at.desc(), Event.id.desc()))


def organised_by(user: User):
    """Every event the person may edit that the public lists do not show: unpublished ones, soonest first."""
    query = select(Event).where(Event.is_published.is_(False)).order_by(Event.starts_at, Event.id)
    return query if user.is_admin else query.where(Event.organiser_id == user.id)
