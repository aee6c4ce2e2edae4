"""Choosing sessions in parallel streams: at most one of the sessions that overlap in time, places held per session.

A session that needs a choice (`EventSession.choice_capacity`) holds its places
like an event does (`core.seats`), without a waitlist: a full session is refused
with a message, and the person chooses another. Choosing locks the person's
registration, then each newly chosen session in id order, so concurrent choices
neither overfill a session nor deadlock. Cancelling a registration drops its
choices (`events.registration.cancel`). Flush only; views commit.
"""
from flask import render_template
from sqlalchemy import select

from accounts.models import User
from core import audit
from core.db import lock_for_update, utcnow
from core.errors import Refusal
from core.extensions import db
from core.mail import queue_mail
from core.seats import Seating
from core.urls import absolute_url
from events import calendar
from events.models import EventRegistration, EventSession, RegistrationState, SessionChoice, SessionChoiceState

CHOICES = Seating(SessionChoice, SessionChoice.session_id, seated=SessionChoiceState.CHOSEN)


class ChoiceRefusal(Refusal):
    """The chosen sessions cannot be held (a session is full, two overlap); the message says what to do."""


def choice_groups(sessions) -> list[list[EventSession]]:
    """Sessions needing a choice, grouped where they overlap in time (directly or through another), earliest first.

    A person attends at most one session of each group.
    """
    groups: list[list[EventSession]] = []
    group_ends_at = None
    for session in sorted((s for s in sessions if s.needs_choice), key=lambda s: (s.starts_at, s.room, s.id or 0)):
        if groups and session.starts_at < group_ends_at:
            groups[-1].append(session)
            group_ends_at = max(group_ends_at, session.ends_at)
        else:
            groups.append([session])
            group_ends_at = session.ends_at
    return groups


def choice_problem(groups: list[list[EventSession]], chosen_ids: set[int]) -> str | None:
    """Why these chosen session ids cannot stand together, or None when they can."""
    known = {session.id for group in groups for session in group}
    if chosen_ids - known:
        return "One of the sessions chosen is not a session to choose at this event. Reload the page and choose again."
    for group in groups:
        picked = [session.title for session in group if session.id in chosen_ids]
        if len(picked) > 1:
            return f"These sessions run at the same time, so choose one of them: {', '.join(picked)}."
    return None


def own_programme(sessions, chosen_ids: set[int], with_breaks: bool = True) -> list[EventSession]:
    """What the person attends, in time order: every session that needs no choice, and the ones they chose."""
    return sorted((s for s in sessions if (not s.needs_choice or s.id in chosen_ids)
                   and (with_breaks or s.counts_as_training)), key=lambda s: (s.starts_at, s.room, s.id or 0))


def chosen_by(registration_ids) -> dict[int, set[int]]:
    """The sessions each registration has chosen, by registration id (one query)."""
    chosen: dict[int, set[int]] = {}
    for registration_id, session_id in db.session.execute(
            select(SessionChoice.registration_id, SessionChoice.session_id).where(
                SessionChoice.registration_id.in_(list(registration_ids)),
                SessionChoice.state == SessionChoiceState.CHOSEN)):
        chosen.setdefault(registration_id, set()).add(session_id)
    return chosen


def places_taken(session_ids) -> dict[int, int]:
    return CHOICES.taken(session_ids)


def _programme_of(registration: EventRegistration) -> list[EventSession]:
    return db.session.scalars(select(EventSession).where(EventSession.event_id == registration.event_id)).all()


def choose(registration: EventRegistration, chosen_ids: set[int], by: User) -> bool:
    """Make the person's chosen sessions exactly `chosen_ids`, and e-mail them their programme with a calendar file.

    Returns False when nothing changed (the same choice sent twice). Raises ChoiceRefusal when the person holds
    no place, the choice breaks the rules or a newly chosen session is full; nothing is changed then.
    """
    lock_for_update(EventRegistration, registration.id)
    if registration.state is not RegistrationState.REGISTERED:
        raise ChoiceRefusal("Sessions are chosen by people holding a place at the event.")
    sessions = _programme_of(registration)
    problem = choice_problem(choice_groups(sessions), chosen_ids)
    if problem:
        raise ChoiceRefusal(problem, status=400)
    rows = {row.session_id: row for row in db.session.scalars(
        select(SessionChoice).where(SessionChoice.registration_id == registration.id))}
    current = {session_id for session_id, row in rows.items() if row.state is SessionChoiceState.CHOSEN}
    if chosen_ids == current:
        return False
    by_id = {session.id: session for session in sessions}
    now = utcnow()
    for session_id in current - chosen_ids:
        rows[session_id].state, rows[session_id].state_changed_at = SessionChoiceState.DROPPED, now
    for session_id in sorted(chosen_ids - current):
        session = lock_for_update(EventSession, session_id)
        if CHOICES.is_full(session.id, session.choice_capacity):
            raise ChoiceRefusal(f"{session.title} has just filled up. Choose another session at that time.")
        row = rows.get(session_id) or SessionChoice(registration_id=registration.id, session_id=session_id)
        row.state, row.state_changed_at = SessionChoiceState.CHOSEN, now
        db.session.add(row)
    db.session.flush()
    audit.record("event.choose_sessions", actor=by, subject=registration.user_id,
                 detail={"event_id": registration.event_id, "registration_id": registration.id,
                         "chosen": sorted(chosen_ids)})
    mail_programme(registration, own_programme(sessions, chosen_ids),
                   [by_id[session_id] for session_id in sorted(current - chosen_ids) if session_id in by_id])
    return True


def mail_programme(registration: EventRegistration, attending: list[EventSession], dropped: list[EventSession]):
    """E-mail the person their programme, with it as a calendar file (dropped sessions cancelled in it)."""
    event = registration.event
    attachment = ("programme.ics", "text/calendar; method=PUBLISH",
                  calendar.programme(registration, [s for s in attending if s.counts_as_training], dropped))
    queue_mail(registration.user.email, f"Your programme: {event.title}", render_template(
        "events/email/programme.txt", registration=registration, event=event, attending=attending, dropped=dropped,
        link=absolute_url("events.choose_sessions", registration_id=registration.id)), [attachment])


def drop_choices(registration: EventRegistration) -> list[EventSession]:
    """Give up the person's chosen sessions (their registration is being cancelled).

    Returns their programme as it stood when they had chosen any (so a calendar file can cancel it), else [].
    """
    rows = db.session.scalars(select(SessionChoice).where(SessionChoice.registration_id == registration.id,
                                                          SessionChoice.state == SessionChoiceState.CHOSEN)).all()
    now = utcnow()
    for row in rows:
        row.state, row.state_changed_at = SessionChoiceState.DROPPED, now
    db.session.flush()
    if not rows:
        return []
    return own_programme(_programme_of(registration), {row.session_id for row in rows}, with_breaks=False)
