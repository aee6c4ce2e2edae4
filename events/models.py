"""Conferences, workshops and webinars: the event, its programme of sessions, and the speakers shared across events."""
import enum
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Column, Enum, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import UTCDateTime, utcnow
from core.extensions import db
from curriculum.models import Module


def _stored_as_value(enum_class) -> Enum:
    return Enum(enum_class, native_enum=False, length=16, values_callable=lambda members: [m.value for m in members])


class EventKind(enum.Enum):
    CONFERENCE = "conference"
    WORKSHOP = "workshop"
    WEBINAR = "webinar"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SessionKind(enum.Enum):
    TALK = "talk"
    PANEL = "panel"
    WORKSHOP = "workshop"
    #: breaks, lunch, registration: in the programme, but not hours of training
    BREAK = "break"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[EventKind] = mapped_column(_stored_as_value(EventKind))
    summary: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(300), default="")
    #: the zone the programme's times are set in
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    #: when the first day's programme begins and the last day's ends
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    venue: Mapped[str] = mapped_column(String(300), default="")
    online_link: Mapped[str] = mapped_column(String(500), default="")
    capacity: Mapped[int] = mapped_column()
    registration_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: unpublished events are seen only by administrators and the organiser
    is_published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organiser: Mapped["User | None"] = relationship()  # noqa: F821
    sessions: Mapped[list["EventSession"]] = relationship(
        back_populates="event", order_by="(EventSession.starts_at, EventSession.room, EventSession.id)",
        cascade="all, delete-orphan")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def days(self) -> list[date]:
        """The event's days, in its own zone."""
        first = self.starts_at.astimezone(self.zone).date()
        last = (self.ends_at - timedelta(seconds=1)).astimezone(self.zone).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]

    def local(self, moment: datetime, pattern: str) -> str:
        """A moment written in the event's own zone (the programme is read in it), without the zone's name."""
        return moment.astimezone(self.zone).strftime(pattern)

    def is_past(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.ends_at

    def is_registration_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.is_published and self.registration_opens_at <= now < self.registration_closes_at \
            and now < self.starts_at

    @staticmethod
    def can_create(user) -> bool:
        """Administrators create events and choose their organiser."""
        return user.is_authenticated and user.is_admin

    def can_edit(self, user) -> bool:
        """Administrators and the event's organiser edit it, its programme and its publication."""
        return user.is_authenticated and (user.is_admin or user.id == self.organiser_id)

    def can_view(self, user) -> bool:
        """Everyone sees a published event; only its editors see it before publication."""
        return self.is_published or self.can_edit(user)


session_speakers = Table(
    "event_session_speakers",
    db.metadata,
    Column("session_id", ForeignKey("event_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("speakers.id", ondelete="CASCADE"), primary_key=True, index=True),
)

session_modules = Table(
    "event_session_modules",
    db.metadata,
    Column("session_id", ForeignKey("event_sessions.id", ondelete="CASCADE"), primary_key=True),
    Column("module_id", ForeignKey("modules.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class EventSession(db.Model):
    """One item of an event's programme: a talk, panel, workshop or break."""

    __tablename__ = "event_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SessionKind] = mapped_column(_stored_as_value(SessionKind))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the room or stream; sessions at the same time in different rooms run in parallel
    room: Mapped[str] = mapped_column(String(120), default="")
    summary: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[Event] = relationship(back_populates="sessions")
    speakers: Mapped[list["Speaker"]] = relationship(secondary=session_speakers, order_by="Speaker.name",
                                                     back_populates="sessions")
    modules: Mapped[list[Module]] = relationship(secondary=session_modules, order_by=Module.title)

    @property
    def counts_as_training(self) -> bool:
        return self.kind is not SessionKind.BREAK


class Speaker(db.Model):
    """A speaker's profile, shared by every event they speak at."""

    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: e.g. "Director", "Solicitor advocate"
    role: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    biography: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sessions: Mapped[list[EventSession]] = relationship(secondary=session_speakers, back_populates="speakers",
                                                        order_by=EventSession.starts_at.desc())

    @staticmethod
    def can_manage(user) -> bool:
        """Administrators add and edit speakers' profiles."""
        return user.is_authenticated and user.is_admin
