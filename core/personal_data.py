"""What core holds about a person (notices, e-mail sent to them, audit entries), for privacy's export,
erasure and retention schedule."""
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from core.audit import AuditEntry
from core.extensions import db
from core.mail import MailState, OutgoingMail
from core.notices import Notice
from core.timezones import iso


def personal_data(user) -> dict:
    notices = db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)).all()
    mail = db.session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == user.email)
                              .order_by(OutgoingMail.id)).all()
    audit = db.session.scalars(select(AuditEntry).where(or_(
        AuditEntry.actor_id == user.id, AuditEntry.subject_id == user.id)).order_by(AuditEntry.id)).all()
    return {
        "notices": [{"text": n.text, "link": n.link, "created_at": iso(n.created_at), "read_at": iso(n.read_at)}
                    for n in notices],
        "emails": [{"subject": m.subject, "state": m.state.value, "created_at": iso(m.created_at),
                    "sent_at": iso(m.sent_at)} for m in mail],
        "audit_entries": [{"at": iso(e.at), "action": e.action, "detail": e.detail, "ip_address": e.ip_address,
                           "by_them": e.actor_id == user.id, "about_them": e.subject_id == user.id} for e in audit],
    }


#: shorter names are not searched for in others' text: "Al" would match "also" and "Alibi"
MIN_NAME_LENGTH = 4


def identifying_strings(user) -> list[str]:
    """The strings that identify the person in free text: their address, and their name unless it is very short."""
    name = user.display_name.strip()
    return [user.email] + ([name] if len(name) >= MIN_NAME_LENGTH else [])


def _mentions(row: OutgoingMail, needles: list[str]) -> bool:
    """Whether the message, decoded (names may travel quoted-printable or base64), mentions any needle."""
    message = row.message
    text = " ".join([str(message["Subject"] or ""), str(message["To"] or "")] + [
        part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]).lower()
    return any(needle.lower() in text for needle in needles)


def erase(user, by) -> None:
    """Delete the person's notices and every e-mail to them or mentioning them (by name or address).

    Audit entries stay, linked to the nameless account, without the network address the person acted from
    (a Core statement: the ORM refuses to change entries).
    """
    needles = identifying_strings(user)
    db.session.execute(delete(Notice).where(Notice.user_id == user.id))
    db.session.execute(update(AuditEntry).where(AuditEntry.actor_id == user.id).values(ip_address=""))
    db.session.execute(delete(OutgoingMail).where(OutgoingMail.recipient == user.email))
    mentioning = [row.id for row in db.session.scalars(
        select(OutgoingMail).execution_options(yield_per=200)) if _mentions(row, needles)]
    if mentioning:
        db.session.execute(delete(OutgoingMail).where(OutgoingMail.id.in_(mentioning)))


def purge_audit_entries(before: datetime, dry_run: bool) -> int:
    """Retention: delete audit entries older than `before` (one Core DELETE: the ORM refuses to delete entries)."""
    if dry_run:
        return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.at < before))
    return db.session.execute(delete(AuditEntry).where(AuditEntry.at < before)).rowcount


def purge_sent_mail(before: datetime, dry_run: bool) -> int:
    """Retention: delete e-mail sent (or given up on) before `before` from the outbox; waiting mail stays."""
    wanted = (OutgoingMail.state != MailState.PENDING, OutgoingMail.created_at < before)
    if dry_run:
        return db.session.scalar(select(func.count(OutgoingMail.id)).where(*wanted))
    return db.session.execute(delete(OutgoingMail).where(*wanted)).rowcount
