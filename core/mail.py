"""Outgoing e-mail through a transactional outbox: every message is a row, written with the action that caused it.

`queue_mail()` adds an `OutgoingMail` row to the current transaction, so a
message exists exactly when the action that caused it commits: a rollback, or
the rollback of the savepoint it was queued in, leaves nothing to send, and a
commit leaves a row to send from, whatever happens to the process next.

Delivery (`deliver_outbox`):

- With MAIL_SERVER set, web workers only write rows. `flask mail deliver`
  (core/outbox.py) sends them over SMTP, retries a failure with exponential
  backoff (MAIL_RETRY_SECONDS, doubling) and marks a message FAILED after
  MAIL_MAX_ATTEMPTS tries; administrators see it at /admin/mail and can put
  it back. A slow or absent SMTP server never slows or fails a request.
- Without MAIL_SERVER (development, tests), the rows a session wrote are
  delivered as .eml files to MAIL_OUTBOX right after its outermost commit
  (`core.db.TransactionBound`), each claimed and marked SENT in short
  transactions of its own, so nothing extra needs to run.

A claim moves one row to SENDING with a lease (MAIL_LEASE_SECONDS) in a short
transaction of its own (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's write
lock serialises), and the send itself happens outside any transaction. A
worker killed mid-batch therefore leaves at most the row it was sending in
SENDING; once its lease expires any worker claims it again. Each row keeps the
Message-ID it was built with, so a message sent twice after such an ambiguous
failure (sent, but the worker died before recording it) is recognisably the
same message.
"""
import email
import email.policy
import enum
import logging
import smtplib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from sqlalchemy import Enum, Index, LargeBinary, String, and_, delete, or_, select
from sqlalchemy.orm import Mapped, Session, defer, mapped_column

from core.db import TransactionBound, UTCDateTime, utcnow
from core.errors import Refusal
from core.extensions import db

log = logging.getLogger(__name__)


class MailState(enum.Enum):
    PENDING = "Pending"
    SENDING = "Sending"
    SENT = "Sent"
    FAILED = "Failed"


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_state_next_attempt_at", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the Message-ID header inside `raw`, e.g. <uuid@casework-academy>: the same on every attempt
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    #: the whole message (RFC 5322 bytes, attachments included) exactly as it is sent
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[MailState] = mapped_column(Enum(MailState, native_enum=False, length=16),
                                             default=MailState.PENDING)
    #: tries so far, counted when a worker claims the message (so a message that kills its worker still runs out)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: a PENDING message is due from then on (backoff after a failure)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: while SENDING: the worker's claim runs out then, and another worker may claim the message again
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(1000), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @staticmethod
    def can_list(user) -> bool:
        """Administrators see the outbox (recipients and subjects, never bodies) and retry failed messages."""
        return user.is_authenticated and user.is_admin

    def can_retry(self, user) -> bool:
        """Administrators may put a FAILED message back in the queue."""
        return OutgoingMail.can_list(user) and self.state is MailState.FAILED

    def retry(self, now: datetime) -> None:
        """FAILED → PENDING, due at once with a fresh count of attempts; raises Refusal from any other state."""
        if self.state is not MailState.FAILED:
            raise Refusal("This message is not failed (any more): it is already queued or sent.")
        self.state, self.attempts, self.next_attempt_at, self.lease_expires_at = MailState.PENDING, 0, now, None

    @staticmethod
    def failed_and_recent():
        """Failed messages first (newest first), then every other message, newest first: a query to paginate.

        The bodies are not loaded: the list shows recipients and subjects only.
        """
        return select(OutgoingMail).options(defer(OutgoingMail.raw)).order_by((OutgoingMail.state == MailState.FAILED).desc(),
                                             OutgoingMail.created_at.desc(), OutgoingMail.id.desc())


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
    """Add the message to the outbox in the current transaction: it is sent once that commits, never if it rolls back."""
    message = build_message(to, subject, body, attachments)
    db.session.add(OutgoingMail(message_id=message["Message-ID"], recipient=to[:320], subject=subject[:300],
                                raw=bytes(message), next_attempt_at=utcnow()))
    if not current_app.config["MAIL_SERVER"]:
        _deliver_after_commit.add((message["Message-ID"], current_app._get_current_object()))


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.failed


@dataclass(frozen=True)
class _Claim:
    id: int
    raw: bytes
    attempts: int


def deliver_outbox(now: datetime | None = None, limit: int | None = None, message_ids: Iterable[str] | None = None,
                   should_stop: Callable[[], bool] = lambda: False) -> DeliveryReport:
    """Send due messages one by one until none is left (or `limit` are done, or `should_stop()`).

    Safe to run in several processes at once: each message is claimed in a
    transaction of its own and no two workers hold the same claim. `now`
    fixes the clock (tests); otherwise each step reads the time afresh.
    `message_ids` restricts delivery to those messages (the after-commit hook).
    """
    config = current_app.config
    report = DeliveryReport()
    ids = list(message_ids) if message_ids is not None else None
    while (limit is None or report.claimed < limit) and not should_stop():
        claim = _claim_next(now or utcnow(), config, ids)
        if claim is None:
            break
        try:
            _send(claim.raw, config)
        except (OSError, smtplib.SMTPException) as error:
            log.warning("could not deliver outgoing mail %s (attempt %s): %r", claim.id, claim.attempts, error)
            state = _record_failure(claim, now or utcnow(), f"{type(error).__name__}: {error}", config)
            if state is MailState.FAILED:
                report.failed += 1
            else:
                report.retrying += 1
        else:
            _record_sent(claim, now or utcnow())
            report.sent += 1
    return report


def purge_sent(now: datetime | None = None) -> int:
    """Delete messages sent more than MAIL_KEEP_SENT_DAYS ago; returns how many.

    Their bodies hold personal data and sign-in, reset and invitation links,
    which need not outlive their delivery; failed and pending messages stay.
    """
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["MAIL_KEEP_SENT_DAYS"])
    with Session(db.engine) as session, session.begin():
        return session.execute(delete(OutgoingMail).where(OutgoingMail.state == MailState.SENT,
                                                          OutgoingMail.sent_at < cutoff)).rowcount


def retry_delay(attempts: int, config) -> timedelta:
    """How long to wait after the `attempts`-th failed try: MAIL_RETRY_SECONDS, doubling each time, at most a day."""
    return timedelta(seconds=min(config["MAIL_RETRY_SECONDS"] * 2 ** (attempts - 1), 24 * 3600))


def _claim_next(now: datetime, config, message_ids: list[str] | None) -> _Claim | None:
    due = or_(and_(OutgoingMail.state == MailState.PENDING, OutgoingMail.next_attempt_at <= now),
              and_(OutgoingMail.state == MailState.SENDING, OutgoingMail.lease_expires_at <= now))
    query = (select(OutgoingMail).where(due).order_by(OutgoingMail.next_attempt_at, OutgoingMail.id).limit(1)
             .with_for_update(skip_locked=True))
    if message_ids is not None:
        query = query.where(OutgoingMail.message_id.in_(message_ids))
    while True:
        with Session(db.engine) as session, session.begin():
            mail = session.scalar(query)
            if mail is None:
                return None
            if mail.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                # A worker died while sending its last try: whether it went out is unknown, so do not send it again.
                mail.state, mail.lease_expires_at = MailState.FAILED, None
                mail.last_error = "The delivery worker stopped while sending the last try; it may have been sent."
                continue
            mail.state, mail.attempts = MailState.SENDING, mail.attempts + 1
            mail.lease_expires_at = now + timedelta(seconds=config["MAIL_LEASE_SECONDS"])
            return _Claim(mail.id, mail.raw, mail.attempts)


def _send(raw: bytes, config) -> None:
    if config["MAIL_SERVER"]:
        message = email.message_from_bytes(raw, policy=email.policy.SMTP)
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
        (outbox / name).write_bytes(raw)


def _record_sent(claim: _Claim, now: datetime) -> None:
    with Session(db.engine) as session, session.begin():
        mail = session.get(OutgoingMail, claim.id, with_for_update=True)
        if mail is not None and mail.state is not MailState.SENT:
            mail.state, mail.sent_at, mail.lease_expires_at = MailState.SENT, now, None
            log.info("mail %s to %s: %s", mail.message_id, mail.recipient, mail.subject)


def _record_failure(claim: _Claim, now: datetime, error: str, config) -> MailState:
    with Session(db.engine) as session, session.begin():
        mail = session.get(OutgoingMail, claim.id, with_for_update=True)
        if mail is None or mail.state is not MailState.SENDING or mail.attempts != claim.attempts:
            return MailState.PENDING  # another worker took it over after our lease ran out: its outcome counts
        mail.last_error = error[:1000]
        mail.lease_expires_at = None
        if mail.attempts >= config["MAIL_MAX_ATTEMPTS"]:
            mail.state = MailState.FAILED
        else:
            mail.state, mail.next_attempt_at = MailState.PENDING, now + retry_delay(mail.attempts, config)
        return mail.state


def _deliver_committed(queued) -> None:
    message_id, app = queued
    with app.app_context():
        try:
            deliver_outbox(message_ids=[message_id])
        except Exception:
            # The action itself has committed and its message is safe in the outbox; `flask mail deliver` can send it.
            log.exception("could not deliver outgoing mail %s after commit", message_id)


_deliver_after_commit = TransactionBound("outgoing_mail", on_commit=_deliver_committed,
                                         on_discard=lambda queued: None)
