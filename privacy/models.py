"""Requests people make about their own data: to release mentors' private notes in their export, to be erased."""
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
class ErasureState(enum.Enum):
    PENDING = "Waiting"
    WITHDRAWN = "Withdrawn"
    ERASED = "Erased"


class ErasureRequest(db.Model):
    """A person's request to have their account erased; an administrator carries it out after the grace period."""

    __tablename__ = "erasure_requests"
    __table_args__ = (
        Index("uq_erasure_requests_one_pending", "user_id", unique=True,
              sqlite_where=text("state = 'PENDING'"), postgresql_where=text("state = 'PENDING'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: after erasure this names the nameless account that is left
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[ErasureState] = mapped_column(
        Enum(ErasureState, native_enum=False, length=16), default=ErasureState.PENDING, index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the end of the grace period: the person may withdraw until then; the erasure is confirmed after it
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821

    @property
    def is_pending(self) -> bool:
        return self.state is ErasureState.PENDING

    def can_withdraw(self, user) -> bool:
        """The person withdraws their own waiting request."""
        return self.is_pending and user.is_authenticated and user.id == self.user_id

    def can_confirm(self, user, now: datetime | None = None) -> bool:
        """Administrators confirm a waiting request once its grace period is over (never their own)."""
        return (self.is_pending and user.is_authenticated and user.is_admin and user.id != self.user_id
                and (now or utcnow()) >= self.due_at)

    @staticmethod
    def can_use_queue(user) -> bool:
        return user.is_authenticated and user.is_admin
