"""An append-only record of who did what, for administrators and for disputes."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, utcnow
from core.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: e.g. "organisation.approve", "enrolment.withdraw"
    action: Mapped[str] = mapped_column(String(64), index=True)
    #: "<table>:<id>" of the object acted on
    subject: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[str] = mapped_column(String(500), default="")


def record(actor, action: str, subject, detail: str = "") -> None:
    """Add an audit event to the current transaction (it commits with the action)."""
    db.session.add(
        AuditEvent(
            actor_id=actor.id if actor is not None else None,
            action=action,
            subject=f"{subject.__tablename__}:{subject.id}",
            detail=detail[:500],
        )
    )
