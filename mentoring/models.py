import enum
import secrets
import uuid
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    JSON,
    ColumnElement,
    Date,
    Enum,
    ForeignKey,
    String,
    Text,
    Time,
    UniqueConstraint,
    func,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db
from courses.access import mentor_ids_of
from curriculum.models import Module
from mentoring import slots
from mentoring.places import Place, PlaceKind, place_of


class MentorProfile(db.Model):
    """A mentor's booking settings; availability windows and overrides hang off it."""

    __tablename__ = "mentor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    #: the zone the weekly windows and overrides are written in
    timezone: Mapped[str] = mapped_column(String(64))
    #: minutes, e.g. [30, 60, 90]
    session_lengths: Mapped[list] = mapped_column(JSON)
    buffer_minutes: Mapped[int] = mapped_column()
    notice_hours: Mapped[int] = mapped_column()
    horizon_weeks: Mapped[int] = mapped_column()
    #: trainees may cancel until this many hours before the start
    cancel_cutoff_hours: Mapped[int] = mapped_column()
    #: where sessions happen unless a booking says otherwise; copied onto each booking when it is made
    place_kind: Mapped[PlaceKind | None] = mapped_column(Enum(PlaceKind, native_enum=False, length=16))
    place_value: Mapped[str] = mapped_column(String(500), default="")

    mentor: Mapped[User] = relationship()
    windows: Mapped[list["AvailabilityWindow"]] = relationship(
        order_by="(AvailabilityWindow.weekday, AvailabilityWindow.start_time)", cascade="all, delete-orphan")
    overrides: Mapped[list["AvailabilityOverride"]] = relationship(
        order_by="(AvailabilityOverride.on_date, AvailabilityOverride.start_time)", cascade="all, delete-orphan")

    @classmethod
    def with_defaults(cls, mentor: User) -> "MentorProfile":
        """A new (unsaved) profile: 30 and 60 minutes, 15-minute buffer, 24 hours' notice, 8 weeks ahead."""
        return cls(mentor_id=mentor.id, mentor=mentor, timezone=mentor.timezone, session_lengths=[30, 60],
                   buffer_minutes=15, notice_hours=24, horizon_weeks=8, cancel_cutoff_hours=12)

    @property
    def place(self) -> Place | None:
        return place_of(self.place_kind, self.place_value)

    def rules(self, horizon: timedelta | None = None) -> slots.Rules:
        return slots.Rules(
            zone=self.timezone, buffer=timedelta(minutes=self.buffer_minutes),
            notice=timedelta(hours=self.notice_hours), horizon=horizon or timedelta(weeks=self.horizon_weeks),
            windows=tuple(slots.Window(w.weekday, w.start_time, w.end_time) for w in self.windows),
            # Sorted here: PostgreSQL sorts a day off (NULL times) after that day's hours, SQLite before them.
            overrides=tuple(sorted((slots.Override(o.on_date, o.start_time, o.end_time) for o in self.overrides),
                                   key=slots.override_order)))

    @staticmethod
    def can_publish_availability(user) -> bool:
        """Mentors publish their own hours and see their own week."""
        return user.is_authenticated and user.is_mentor

    @staticmethod
    def can_browse(user) -> bool:
        """Learners (trainees and leaders) look for a mentor to book."""
        return user.is_authenticated and user.is_learner

    @staticmethod
    def bookable_by(user) -> ColumnElement[bool]:
        """The profiles `user` may book (see `can_book`): any mentor for leaders, their runs' mentors for trainees."""
        return true() if user.is_leader else MentorProfile.mentor_id.in_(mentor_ids_of(user.id))

    def can_book(self, user) -> bool:
        """Leaders book any active mentor; trainees only the mentors of runs they hold a seat in."""
        if not user.is_authenticated or user.id == self.mentor_id or not self.mentor.is_active:
            return False
        if user.is_leader:
            return True
        return user.is_trainee and self.mentor_id in mentor_ids_of(user.id)


class AvailabilityWindow(db.Model):
    __tablename__ = "availability_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True)
    #: 0 = Monday
    weekday: Mapped[int] = mapped_column()
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)


class AvailabilityOverride(db.Model):
    """A date in the mentor's zone: a day off (no times) or an extra window."""

    __tablename__ = "availability_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("mentor_profiles.id", ondelete="CASCADE"), index=True)
    on_date: Mapped[date] = mapped_column(Date)
    start_time: Mapped[time | None] = mapped_column(Time)
    end_time: Mapped[time | None] = mapped_column(Time)


class BookingSeries(db.Model):
    """N sessions every K weeks, booked together all or nothing."""

    __tablename__ = "booking_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column()
    every_weeks: Mapped[int] = mapped_column()
    #: the booking form's one-off token: a resubmitted form finds this series instead of booking again
    request_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BookingState(enum.Enum):
    CONFIRMED = "Confirmed"
    CANCELLED = "Cancelled"


class Attendance(enum.Enum):
    ATTENDED = "Attended"
    NO_SHOW = "Did not attend"


def _new_uid() -> str:
    return f"{uuid.uuid4()}@casework-academy"


class Booking(db.Model):
    """A one-to-one session between a mentor and a learner, stored in UTC."""

    __tablename__ = "bookings"
    __table_args__ = (
        # No two confirmed bookings overlap for one mentor (buffer included) or one learner, whatever the
        # timing of the requests: PostgreSQL enforces it. SQLite has no exclusion constraints; there the
        # write lock taken at BEGIN (core/db.py) serialises the check-then-insert in mentoring/bookings.py.
        ExcludeConstraint(
            ("mentor_id", "="), (func.tsrange(text("blocked_from"), text("blocked_until")), "&&"),
            name="ex_bookings_mentor_overlap", using="gist", where=text("state = 'CONFIRMED'"),
        ).ddl_if(dialect="postgresql"),
        ExcludeConstraint(
            ("learner_id", "="), (func.tsrange(text("starts_at"), text("ends_at")), "&&"),
            name="ex_bookings_learner_overlap", using="gist", where=text("state = 'CONFIRMED'"),
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("booking_series.id", ondelete="SET NULL"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="SET NULL"), index=True)
    state: Mapped[BookingState] = mapped_column(
        Enum(BookingState, native_enum=False, length=16), default=BookingState.CONFIRMED, index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the mentor is unavailable over [blocked_from, blocked_until): the session plus the buffer after it
    blocked_from: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime] = mapped_column(UTCDateTime)
    topic: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[str] = mapped_column(Text, default="")
    #: where this session happens: the mentor's default when booked, changed per session by the mentor
    place_kind: Mapped[PlaceKind | None] = mapped_column(Enum(PlaceKind, native_enum=False, length=16))
    place_value: Mapped[str] = mapped_column(String(500), default="")
    #: iCalendar UID, the same for the booking's whole life; SEQUENCE goes up on every change
    uid: Mapped[str] = mapped_column(String(100), unique=True, default=_new_uid)
    sequence: Mapped[int] = mapped_column(default=0)
    #: the booking form's one-off token: a resubmitted form finds this booking instead of booking again
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    attendance: Mapped[Attendance | None] = mapped_column(Enum(Attendance, native_enum=False, length=16))
    #: the mentor's alone; never shown to the learner
    private_note: Mapped[str] = mapped_column(Text, default="")
    shared_note: Mapped[str] = mapped_column(Text, default="")
    action_points: Mapped[str] = mapped_column(Text, default="")

    mentor: Mapped[User] = relationship(foreign_keys=[mentor_id])
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    module: Mapped[Module | None] = relationship()
    series: Mapped[BookingSeries | None] = relationship()
    profile: Mapped[MentorProfile | None] = relationship(
        primaryjoin="foreign(Booking.mentor_id) == MentorProfile.mentor_id", viewonly=True)

    @property
    def is_confirmed(self) -> bool:
        return self.state is BookingState.CONFIRMED

    @property
    def place(self) -> Place | None:
        return place_of(self.place_kind, self.place_value)

    @property
    def has_notes(self) -> bool:
        return bool(self.shared_note or self.action_points)

    def has_started(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.starts_at

    def is_participant(self, user) -> bool:
        return user.is_authenticated and user.id in (self.mentor_id, self.learner_id)

    def can_view(self, user) -> bool:
        """Only the two people in the session see it (and its shared notes)."""
        return self.is_participant(user)

    def can_view_private_note(self, user) -> bool:
        """The private note is the mentor's alone."""
        return user.is_authenticated and user.id == self.mentor_id

    def can_write_notes(self, user) -> bool:
        """The mentor writes notes and attendance on a confirmed session."""
        return self.is_confirmed and self.can_view_private_note(user)

    def can_cancel(self, user, now: datetime | None = None) -> bool:
        """Either side cancels a confirmed session before it starts; the learner only up to the cut-off."""
        now = now or utcnow()
        if not self.is_confirmed or not self.is_participant(user) or self.has_started(now):
            return False
        if user.id == self.mentor_id:
            return True
        return now <= self.starts_at - timedelta(hours=self.profile.cancel_cutoff_hours)

    def can_reschedule(self, user, now: datetime | None = None) -> bool:
        """Moving a session is cancelling its old time: the same people, the same cut-off."""
        return self.can_cancel(user, now)

    @staticmethod
    def can_see_overview(user) -> bool:
        """Administrators see every mentor's bookings counted (never anyone's notes)."""
        return user.is_authenticated and user.is_admin

    def can_change_place(self, user, now: datetime | None = None) -> bool:
        """The mentor decides where a confirmed session happens, until it ends."""
        return (self.is_confirmed and user.is_authenticated and user.id == self.mentor_id
                and (now or utcnow()) < self.ends_at)

    def can_add_to_calendar(self, user) -> bool:
        """Either person downloads the session as a calendar file, or opens it in Google or Outlook."""
        return self.is_participant(user)



class CalendarFeed(db.Model):
    """A person's private calendar feed; the token in the URL is the only credential."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    #: 256 random bits; regenerating replaces it, so the old address stops working at once
    token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: CalendarFeed.new_token())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class SentReminder(db.Model):
    """One reminder e-mailed to one of a session's people: the unique key makes each go once, however many
    runners try at the same moment (the loser's INSERT finds the winner's row and sends nothing)."""

    __tablename__ = "sent_reminders"
    __table_args__ = (UniqueConstraint("booking_id", "user_id", "minutes_before", "starts_at",
                                       name="uq_sent_reminders_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: which reminder (accounts.models.SessionReminder's value)
    minutes_before: Mapped[int] = mapped_column()
    #: the start it reminded of: a session moved to another time is due its reminders again
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
