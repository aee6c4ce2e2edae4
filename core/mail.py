"""Outgoing e-mail, sent only once the transaction that caused it has committed.

`queue_mail()` binds a message to the current database transaction
(`core.db.TransactionBound`): it is delivered once the outermost transaction
commits and dropped if the transaction (or the savepoint it was queued in)
rolls back, so a failed action never e-mails anybody. Delivery is SMTP when MAIL_SERVER is
set, otherwise an .eml file in MAIL_OUTBOX (the development default).
"""
import logging
import smtplib
import uuid
from email.message import EmailMessage
from pathlib import Path

from flask import current_app

from core.db import TransactionBound, utcnow

log = logging.getLogger(__name__)


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
    """Send the message once the current transaction commits (never, if it rolls back)."""
    _outgoing.add((build_message(to, subject, body, attachments), current_app._get_current_object()))


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


def _send_committed(queued) -> None:
    message, app = queued
    try:
        deliver(message, app)
    except (OSError, smtplib.SMTPException):
        # The action itself has committed; a mail failure must not undo or hide it.
        log.exception("could not deliver mail to %s", message["To"])


_outgoing = TransactionBound("outgoing_mail", on_commit=_send_committed, on_discard=lambda queued: None)
