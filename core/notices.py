"""In-app notices: the list a person sees under "Notices", beside the e-mail they were also sent."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core.db import UTCDateTime, utcnow
from core.extensions import db


class Notice(db.Model):
    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    #: a path inside the site, e.g. /sign-offs/12
    link: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def notify(user_ids, text: str, link: str = "") -> None:
    """Add a notice for each person (once each) to the current transaction."""
    now = utcnow()
    for user_id in dict.fromkeys(user_id for user_id in user_ids if user_id is not None):
        db.session.add(Notice(user_id=user_id, text=text[:300], link=link, created_at=now))


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count(Notice.id)).where(Notice.user_id == user_id,
                                                                 Notice.read_at.is_(None)))


def notices_of(user_id: int):
    """The person's notices, newest first (a query to paginate)."""
    return select(Notice).where(Notice.user_id == user_id).order_by(Notice.created_at.desc(), Notice.id.desc())


def mark_all_read(user_id: int) -> None:
    db.session.execute(update(Notice).where(Notice.user_id == user_id, Notice.read_at.is_(None))
                       .values(read_at=utcnow()))
