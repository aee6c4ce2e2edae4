"""What the team area keeps: the weekly digests sent to project leaders."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, UniqueConstraint
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
