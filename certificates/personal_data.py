"""What certificates holds about a person, for privacy's export and erasure."""
from sqlalchemy import select

from certificates.models import Certificate
from certificates.operations import status
from core.db import utcnow
from core.extensions import db
from core.timezones import iso


def _certificates(user):
    return db.session.scalars(select(Certificate).where(Certificate.learner_id == user.id)
                              .order_by(Certificate.id)).all()


def personal_data(user) -> dict:
    return {"certificates": [{"code": c.code, "course": c.run.course.title, "name_printed": c.name,
                              "version": c.version, "completed_at": iso(c.completed_at),
                              "issued_at": iso(c.issued_at), "expires_at": iso(c.expires_at),
                              "status": status(c)} for c in _certificates(user)]}


def erase(user, by) -> None:
    """Withdraw each certificate: revoked, the printed name removed, so its public check says "withdrawn" only."""
    now = utcnow()
    for certificate in _certificates(user):
        certificate.revoked_at = certificate.revoked_at or now
        certificate.revoked_by_id = by.id if by is not None else None
        certificate.revoke_reason = ""
        certificate.name = ""
        certificate.withdrawn_at = now
    db.session.flush()
