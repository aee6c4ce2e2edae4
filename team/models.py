"""What the team area keeps: the weekly digests sent to project leaders, and each organisation's matrix version."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, utcnow
from core.extensions import db


class SentDigest(db.Model):
    """A leader's weekly digest for one week, sent: the unique key lets one runner, once, send it."""

    __tablename__ = "sent_digests"
    __table_args__ = (UniqueConstraint("leader_id", "week_starting", name="uq_sent_digests_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: the Monday (in the leader's zone) of the week the digest reports
    week_starting: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MatrixVersion(db.Model):
    """A token per organisation, replaced in the same transaction as any change that alters a cell of its matrix
    (see `team.matrix_cache`): a cached matrix is kept under the token it was built at, so a changed matrix is
    never served from the cache."""

    __tablename__ = "matrix_versions"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
