"""Outgoing e-mail through a transactional outbox: a message is a row, written with the action that caused it.

`queue_mail()` adds an `OutgoingMail` row in the current transaction, so a
message exists exactly when its action committed (a rolled-back transaction or
savepoint takes its messages with it).

Delivery:
- right after the commit, by the process that committed (`MAIL_SEND_AFTER_COMMIT`,
  on by default): the message is sent from memory and its row marked sent when
  the app context ends. Such rows are not due for `MAIL_AFTER_COMMIT_GRACE`
  seconds, so a delivery worker does not send them a second time meanwhile.
  At most `MAIL_SEND_AFTER_COMMIT_LIMIT` messages of one request's transaction
  go this way; the rest (a message to an event's registrants) are due for
  workers at once;
- by `flask mail deliver` (a long-lived worker, or `--once` from cron): claims due
  rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers share the
  work), sends them, and on failure retries with growing delays until
  `MAIL_MAX_ATTEMPTS`, after which the message shows as failed to administrators.

A claim is a lease: a worker killed mid-batch leaves its rows due again once the
lease runs out, and the next worker sends them. Every message keeps one
`Message-ID` across retries, so a copy sent twice after an ambiguous failure is
recognisable. SMTP when MAIL_SERVER is set, otherwise an .eml file in MAIL_OUTBOX.
"""
import enum
import logging
import smtplib
import time
import uuid
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import click
from flask import Flask, current_app, has_request_context
from flask.cli import AppGroup
from sqlalchemy import Enum, Index, LargeBinary, String, Text, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core.db import TransactionBound, UTCDateTime, utcnow
from core.extensions import db

log = logging.getLogger(__name__)


class MailState(enum.Enum):
    PENDING = "Pending"
    SENT = "Sent"
    FAILED = "Failed"


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(120), unique=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    #: the whole message as sent (headers, body, attachments)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[MailState] = mapped_column(Enum(MailState, native_enum=False, length=16), default=MailState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    #: when a worker may next try it; while a worker holds it, the end of that worker's lease
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the worker run that holds it, so that run finds what it claimed
    claim: Mapped[str | None] = mapped_column(String(32), index=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.content, policy=policy.default)


def build_message(to: str, subject: str, body: str, attachments=(), html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4()}@casework-academy>"
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        # Parameters such as "text/calendar; method=REQUEST" (which mail clients need to offer
        # an invitation's buttons) travel in the attachment's Content-Type header.
        kind, *parameters = (part.strip() for part in content_type.split(";"))
        maintype, subtype = kind.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename,
                               params=dict(parameter.split("=", 1) for parameter in parameters))
    return message


def queue_mail(to: str, subject: str, body: str, attachments=(), html: str | None = None) -> OutgoingMail:
    """Write the message to the outbox in the current transaction; it goes out once that transaction commits.

    `html`, when given, is an alternative to the text `body` (already sanitised by the caller).
    """
    message = build_message(to, subject, body, attachments, html)
    config = current_app.config
    # A message to a whole audience must not hold its request open while SMTP takes each one: past the limit,
    # a request's messages are due for the delivery workers at once instead. Commands (reminders) send them all.
    send_now = config["MAIL_SEND_AFTER_COMMIT"] and (
        not has_request_context() or _sent_after_commit.count() < config["MAIL_SEND_AFTER_COMMIT_LIMIT"])
    row = OutgoingMail(message_id=message["Message-ID"], recipient=to, subject=subject[:300], content=bytes(message),
                       next_attempt_at=_first_due() if send_now else utcnow())
    db.session.add(row)
    db.session.flush()
    if send_now:
        _sent_after_commit.add((row.id, message, current_app._get_current_object()))
    return row


def send(message: EmailMessage, app: Flask) -> None:
    """Hand one message to SMTP, or write it to the development outbox folder."""
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


DELIVERY_ERRORS = (OSError, smtplib.SMTPException)
_OUTCOMES = "core.mail:outcomes"


def _send_committed(queued) -> None:
    """Right after the commit: send from memory, and note the outcome for `record_outcomes` to write."""
    row_id, message, app = queued
    try:
        send(message, app)
        outcome = None
    except DELIVERY_ERRORS as error:
        # The action itself has committed; a mail failure must not undo or hide it. A worker retries.
        log.warning("could not deliver mail %s to %s: %s", row_id, message["To"], error)
        outcome = f"{type(error).__name__}: {error}"
    db.session().info.setdefault(_OUTCOMES, {})[row_id] = outcome


_sent_after_commit = TransactionBound("outgoing_mail", on_commit=_send_committed, on_discard=lambda queued: None)


def record_outcomes(exception=None) -> None:
    """At the end of an app context (a request, a command): write down what was sent right after its commits."""
    outcomes = db.session().info.pop(_OUTCOMES, None)
    if not outcomes:
        return
    try:
        now = utcnow()
        for row_id, error in outcomes.items():
            row = db.session.get(OutgoingMail, row_id)
            if row is None or row.state != MailState.PENDING or row.claim is not None:
                continue  # gone with its test transaction, or a worker holds it
            row.attempts += 1
            if error is None:
                row.state, row.sent_at, row.last_error = MailState.SENT, now, ""
            else:
                _note_failure(row, error, now)
        db.session.commit()
    except Exception:  # noqa: BLE001 - the response has been produced; the rows stay due for a worker
        db.session.rollback()
        log.exception("could not record the delivery of %d messages", len(outcomes))


def _note_failure(row: OutgoingMail, error: str, now: datetime) -> None:
    row.last_error = error[:2000]
    if row.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        row.state = MailState.FAILED
    else:
        row.next_attempt_at = now + retry_delay(row.attempts)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the n-th failed try: 1, 2, 4 … minutes, at most six hours."""
    return timedelta(minutes=min(2 ** (attempts - 1), 360))


def claim_due(limit: int) -> tuple[str, list[OutgoingMail]]:
    """Take up to `limit` due messages for this worker run, leased for MAIL_LEASE_SECONDS; commits the claim."""
    token, now = uuid.uuid4().hex, utcnow()
    due = (select(OutgoingMail.id).where(OutgoingMail.state == MailState.PENDING, OutgoingMail.next_attempt_at <= now)
           .order_by(OutgoingMail.id).limit(limit).with_for_update(skip_locked=True))
    lease = now + timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    # The conditions are checked again by the UPDATE itself, so two workers never hold the same row.
    db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id.in_(due.scalar_subquery()), OutgoingMail.state == MailState.PENDING,
               OutgoingMail.next_attempt_at <= now)
        .values(claim=token, next_attempt_at=lease, attempts=OutgoingMail.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    rows = db.session.scalars(select(OutgoingMail).where(OutgoingMail.claim == token).order_by(OutgoingMail.id)
                              .execution_options(populate_existing=True)).all()
    return token, list(rows)


def deliver_due(limit: int = 50) -> tuple[int, int]:
    """One batch: send what is due; returns (sent, failed tries). Each outcome is committed as soon as it is known."""
    _, rows = claim_due(limit)
    app = current_app._get_current_object()
    sent = failed = 0
    for row in rows:
        try:
            send(row.message, app)
        except DELIVERY_ERRORS as error:
            failed += 1
            _note_failure(row, f"{type(error).__name__}: {error}", utcnow())
        else:
            sent += 1
            row.state, row.sent_at, row.last_error = MailState.SENT, utcnow(), ""
        row.claim = None
        db.session.commit()
    return sent, failed


def retry(row: OutgoingMail) -> None:
    """An administrator's retry of a failed message: sent again as if just queued, with a fresh count of tries."""
    row.state, row.attempts, row.claim = MailState.PENDING, 0, None
    row.next_attempt_at = _first_due()
    if current_app.config["MAIL_SEND_AFTER_COMMIT"]:
        _sent_after_commit.add((row.id, row.message, current_app._get_current_object()))


def _first_due() -> datetime:
    config = current_app.config
    return utcnow() + timedelta(seconds=config["MAIL_AFTER_COMMIT_GRACE"] if config["MAIL_SEND_AFTER_COMMIT"] else 0)


mail_cli = AppGroup("mail", help="The outgoing mail queue.")


@mail_cli.command("deliver")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit (for cron).")
@click.option("--batch", default=50, show_default=True, help="Messages claimed at a time.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls when the queue is empty.")
def deliver_command(once: bool, batch: int, interval: float) -> None:
    """Send queued mail; several workers may run at once."""
    total_sent = total_failed = 0
    while True:
        sent, failed = deliver_due(batch)
        total_sent, total_failed = total_sent + sent, total_failed + failed
        if once and not (sent or failed):
            break
        if not (sent or failed):
            time.sleep(interval)
    click.echo(f"{total_sent} sent, {total_failed} failed tries")


def register(app: Flask) -> None:
    app.cli.add_command(mail_cli)
    app.teardown_appcontext(record_outcomes)
