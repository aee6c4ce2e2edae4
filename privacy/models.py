"""Requests people make about their own data: to release mentors' private notes in their export."""
import enum
from datetime import datetime, timedelta

from sqlalchemy import Enum, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import UTCDateTime, utcnow
from core.extensions import db


class NotesRequestState(enum.Enum):
    PENDING = "Waiting for an administrator"
    APPROVED = "Approved"
    DECLINED = "Declined"


class NotesRequest(db.Model):
    """A person's request that their export include mentors' private notes about them.

    Those notes may name other people (third-party data), so an administrator reads them and approves or
    declines first; an approval lets the person's downloads include them for `APPROVAL_DAYS`.
    """

    __tablename__ = "private_notes_requests"
    __table_args__ = (
        Index("uq_private_notes_requests_one_pending", "user_id", unique=True,
              sqlite_where=text("state = 'PENDING'"), postgresql_where=text("state = 'PENDING'")),
    )
    APPROVAL_DAYS = 14

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[NotesRequestState] = mapped_column(
        Enum(NotesRequestState, native_enum=False, length=16), default=NotesRequestState.PENDING, index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: the administrator's reason, shown to the person on a decline
    reason: Mapped[str] = mapped_column(String(500), default="")

    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821

    @property
    def is_pending(self) -> bool:
        return self.state is NotesRequestState.PENDING

    @property
    def approved_until(self) -> datetime | None:
        if self.state is not NotesRequestState.APPROVED:
            return None
        return self.decided_at + timedelta(days=self.APPROVAL_DAYS)

    def is_approved_at(self, now: datetime) -> bool:
        return self.approved_until is not None and now < self.approved_until

    def can_decide(self, user) -> bool:
        """Administrators approve or decline a waiting request."""
        return self.is_pending and user.is_authenticated and user.is_admin
