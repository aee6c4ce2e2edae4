from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import UTCDateTime, utcnow
from core.extensions import db
from courses.models import Run


class Certificate(db.Model):
    """Proof that a trainee completed a course run; verified in public by its code.

    Reissuing (after a name change) keeps the code and raises the version;
    revoking keeps the row, so the code then verifies as revoked.
    """

    __tablename__ = "certificates"
    __table_args__ = (
        # One valid certificate per person and run; a revoked one stays, and completing again issues a new code.
        Index("uq_certificates_one_unrevoked", "learner_id", "run_id", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="RESTRICT"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    #: the name as printed on the current version
    name: Mapped[str] = mapped_column(String(120))
    #: when the last module of the run was completed
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when the current version was issued (None for version 1)
    reissued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    revoke_reason: Mapped[str] = mapped_column(Text, default="")
    #: the holder's data was erased: the public check then says "withdrawn" and shows nothing else
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    learner: Mapped["User"] = relationship(foreign_keys=[learner_id])  # noqa: F821
    run: Mapped[Run] = relationship()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def needs_reissue(self) -> bool:
        """The trainee's name has changed since this version was printed (and it still stands)."""
        return not self.is_revoked and self.name != self.learner.display_name

    def can_download(self, user) -> bool:
        """The trainee, their organisation's leader and administrators."""
        return user.is_authenticated and (
            user.id == self.learner_id or user.is_admin
            or (user.is_leader and user.organisation_id is not None
                and user.organisation_id == self.learner.organisation_id))

    def can_reissue(self, user) -> bool:
        """The trainee or an administrator asks for a new version; `reissue()` refuses when nothing changed."""
        return user.is_authenticated and (user.id == self.learner_id or user.is_admin)

    @staticmethod
    def can_manage(user) -> bool:
        """Administrators list, search and revoke certificates."""
        return user.is_authenticated and user.is_admin
