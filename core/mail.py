"""Outgoing e-mail, sent only once the transaction that caused it has committed.

`queue_mail()` parks a message on the database session; the session's
`after_commit` hook delivers it and `after_soft_rollback` drops it, so a
failed action never e-mails anybody. Delivery is SMTP when MAIL_SERVER is
set, otherwise an .eml file in MAIL_OUTBOX (the development default).
"""
import logging
import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from core.db import utcnow

log = logging.getLogger(__name__)
_QUEUE_KEY = "outgoing_mail"


def build_message(to: str, subject: str, body: str, attachments=()) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4()}@casework-academy>"
    message.set_content(body)
    for filename, content_type, data in attachments:
        # Parameters such as "text/calendar; method=REQUEST" (which mail clients need to offer
        # an invitation's buttons) travel in the attachment's Content-Type header.
        kind, *parameters = (part.strip() for part in content_type.split(";"))
        maintype, subtype = kind.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename,
                               params=dict(parameter.split("=", 1) for parameter in parameters))
    return message


def queue_mail(to: str, subject: str, body: str, attachments=()) -> None:
    from core.extensions import db

    message = build_message(to, subject, body, attachments)
    # Join (or begin) the transaction, so that its rollback, not a later commit, decides this mail's fate.
    db.session.connection()
    db.session().info.setdefault(_QUEUE_KEY, []).append(
        (message, current_app._get_current_object())
    )


def deliver(message: EmailMessage, app) -> None:
    config = app.config
    if config["MAIL_SERVER"]:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    else:
        outbox = Path(config["MAIL_OUTBOX"])
        outbox.mkdir(parents=True, exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
        (outbox / name).write_bytes(bytes(message))
    log.info("mail to %s: %s", message["To"], message["Subject"])


@event.listens_for(Session, "after_commit")
def _send_queued(session):
    for message, app in session.info.pop(_QUEUE_KEY, []):
        try:
            deliver(message, app)
        except (OSError, smtplib.SMTPException):
            # The action itself has committed; a mail failure must not undo or hide it.
            log.exception("could not deliver mail to %s", message["To"])


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued(session, previous_transaction):
    session.info.pop(_QUEUE_KEY, None)
