"""Organisers' messages to an event's registrants: who is in each audience, and one e-mail to each of them.

Sending writes the message and one outbox row per person in the view's
transaction, so either everyone's e-mail is queued or nobody's is. The form's
request key is unique: a second submit of the same form (a double click, a
retry, two at once) finds the message already sent and sends nothing. Flush
only; views commit.
"""
from flask import render_template
from markupsafe import Markup
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from accounts.models import User
from core import audit
from core.db import add_or_find
from core.extensions import db
from core.mail import queue_mail
from core.markdown import render_markdown
from core.urls import absolute_url
from events.models import Event, EventCheckIn, EventMessage, EventRegistration, MessageAudience, RegistrationState


def _in_audience(audience: MessageAudience):
    """The condition on EventRegistration that puts a registration in the audience."""
    if audience is MessageAudience.WAITLISTED:
        return EventRegistration.state == RegistrationState.WAITLISTED
    if audience is MessageAudience.CHECKED_IN:
        return exists().where(EventCheckIn.registration_id == EventRegistration.id)
    return EventRegistration.state == RegistrationState.REGISTERED


def audience_sizes(event: Event) -> dict[MessageAudience, int]:
    """How many people each audience holds (one query)."""
    counts = db.session.execute(select(*(
        select(func.count(EventRegistration.id)).where(EventRegistration.event_id == event.id, _in_audience(audience))
        .scalar_subquery() for audience in MessageAudience))).one()
    return dict(zip(MessageAudience, counts))


def _letter(event: Event, name: str, body: str, sender: User) -> tuple[str, Markup]:
    """The e-mail's text and HTML for one person."""
    context = {"event": event, "name": name, "body": body, "sender": sender,
               "link": absolute_url("events.show_event", event_id=event.id)}
    return (render_template("events/email/message.txt", **context),
            Markup(render_template("events/email/message.html", body_html=render_markdown(body, 1), **context)))


def preview(event: Event, body: str, sender: User) -> Markup:
    """The HTML of the e-mail as one person receives it (their name in place of "the person's name")."""
    return _letter(event, "(the person's name)", body, sender)[1]


def _by_request_key(request_key: str) -> EventMessage | None:
    return db.session.scalar(select(EventMessage).where(EventMessage.request_key == request_key))


def send_message(event: Event, audience: MessageAudience, subject: str, body: str, by: User,
                 request_key: str) -> tuple[EventMessage, bool]:
    """Queue one e-mail per person in the audience; returns the message and whether this call sent it.

    A message with the same request key is returned unsent: the form was submitted before.
    """
    existing = _by_request_key(request_key)
    if existing is not None:
        return existing, False
    people = db.session.scalars(select(User).join(EventRegistration, EventRegistration.user_id == User.id)
                                .where(EventRegistration.event_id == event.id, _in_audience(audience))
                                .order_by(User.id)).all()
    message, is_new = add_or_find(
        EventMessage(event_id=event.id, sent_by_id=by.id, audience=audience, subject=subject, body=body,
                     recipients=len(people), request_key=request_key),
        lambda: _by_request_key(request_key))
    if not is_new:
        return message, False
    for person in people:
        text, html = _letter(event, person.display_name, body, by)
        queue_mail(person.email, f"{subject} ({event.title})", text, html=str(html))
    audit.record("event.message", actor=by, detail={"event_id": event.id, "message_id": message.id,
                                                    "audience": audience.value, "recipients": len(people)})
    return message, True


def messages_of(event: Event):
    """The event's messages, latest first (a query to paginate)."""
    return (select(EventMessage).where(EventMessage.event_id == event.id)
            .order_by(EventMessage.sent_at.desc(), EventMessage.id.desc()).options(selectinload(EventMessage.sent_by)))
