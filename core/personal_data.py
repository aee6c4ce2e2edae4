"""What core holds about a person (notices, audit entries), for privacy's export and erasure."""
from sqlalchemy import or_, select

from core.audit import AuditEvent
from core.extensions import db
from core.notices import Notice
from core.timezones import iso


def personal_data(user) -> dict:
    notices = db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)).all()
    audit = db.session.scalars(select(AuditEvent).where(or_(
        AuditEvent.actor_id == user.id, AuditEvent.subject == f"users:{user.id}")).order_by(AuditEvent.id)).all()
    return {
        "notices": [{"text": n.text, "link": n.link, "created_at": iso(n.created_at), "read_at": iso(n.read_at)}
                    for n in notices],
        "audit_entries": [{"at": iso(e.at), "action": e.action, "subject": e.subject, "detail": e.detail,
                           "by_them": e.actor_id == user.id} for e in audit],
    }
