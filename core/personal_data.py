"""What core holds about a person (notices, audit entries), for privacy's export and erasure."""
from sqlalchemy import or_, select

from core.audit import AuditEntry
from core.extensions import db
from core.notices import Notice
from core.timezones import iso


def personal_data(user) -> dict:
    notices = db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)).all()
    audit = db.session.scalars(select(AuditEntry).where(or_(
        AuditEntry.actor_id == user.id, AuditEntry.subject_id == user.id)).order_by(AuditEntry.id)).all()
    return {
        "notices": [{"text": n.text, "link": n.link, "created_at": iso(n.created_at), "read_at": iso(n.read_at)}
                    for n in notices],
        "audit_entries": [{"at": iso(e.at), "action": e.action, "detail": e.detail, "ip_address": e.ip_address,
                           "by_them": e.actor_id == user.id, "about_them": e.subject_id == user.id} for e in audit],
    }
