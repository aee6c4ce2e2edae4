"""Conferences, workshops and webinars: the event, its programme of sessions, and the speakers shared across events."""
import enum
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, Column, Date, Enum, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import UTCDateTime, utcnow
from core.extensions import db
from core.timezones import local_to_utc
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
    registrations: Mapped[list["EventRegistration"]] = relationship(back_populates="event",
                                                                    cascade="all, delete-orphan")
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

    def registration_phase(self, now: datetime | None = None) -> str:
        """"open", "not yet" (before the window) or "closed"."""
        now = now or utcnow()
        if self.is_registration_open(now):
            return "open"
        return "not yet" if now < self.registration_opens_at else "closed"

    def can_register(self, user) -> bool:
        """Anyone signed in registers themself while registration is open, if their project is approved."""
        return user.is_authenticated and (user.organisation is None or user.organisation.is_approved) \
            and self.is_registration_open()

    def can_register_members(self, user) -> bool:
        """A project's leader registers its members while registration is open."""
        return user.is_authenticated and user.organisation is not None \
            and user.organisation.can_enrol_members(user) and self.is_registration_open()

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
    #: places in a session that registered people choose (e.g. workshops in parallel streams), None when
    #: everyone registered attends it (a plenary)
    choice_capacity: Mapped[int | None] = mapped_column()

    event: Mapped[Event] = relationship(back_populates="sessions")
    speakers: Mapped[list["Speaker"]] = relationship(secondary=session_speakers, order_by="Speaker.name",
                                                     back_populates="sessions")
    modules: Mapped[list[Module]] = relationship(secondary=session_modules, order_by=Module.title)
    materials: Mapped[list["SessionMaterial"]] = relationship(
        back_populates="session", order_by="(SessionMaterial.kind, SessionMaterial.id)", cascade="all, delete-orphan")

    @property
    def counts_as_training(self) -> bool:
        return self.kind is not SessionKind.BREAK

    @property
    def needs_choice(self) -> bool:
        return self.choice_capacity is not None


class Speaker(db.Model):
    """A speaker's profile, shared by every event they speak at."""

    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    #: e.g. "Director", "Solicitor advocate"
    role: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    biography: Mapped[str] = mapped_column(Text, default="")
    #: the photo, resized and re-encoded as JPEG, stored under UPLOAD_FOLDER (see `events.media`)
    photo_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sessions: Mapped[list[EventSession]] = relationship(secondary=session_speakers, back_populates="speakers",
                                                        order_by=EventSession.starts_at.desc())

    @staticmethod
    def can_manage(user) -> bool:
        """Administrators add and edit speakers' profiles."""
        return user.is_authenticated and user.is_admin


class MaterialKind(enum.Enum):
    RECORDING = "recording"
    SLIDES = "slides"


class SessionMaterial(db.Model):
    """A session's recording (a link to a video platform) or slides (a file uploaded by the organiser)."""

    __tablename__ = "session_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MaterialKind] = mapped_column(_stored_as_value(MaterialKind))
    #: e.g. "Part 2" or "Handout"; empty: called "Recording" or "Slides"
    label: Mapped[str] = mapped_column(String(120), default="")
    #: a recording's https link
    url: Mapped[str] = mapped_column(String(500), default="")
    #: slides: the name as uploaded, the checked content type, and the random key they are stored under
    file_name: Mapped[str] = mapped_column(String(255), default="")
    file_type: Mapped[str] = mapped_column(String(100), default="")
    file_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_size: Mapped[int] = mapped_column(default=0)
    #: one per rendered form: a resubmission (double click, retry) finds the material it already added
    request_key: Mapped[str] = mapped_column(String(64), unique=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[EventSession] = relationship(back_populates="materials")

    @property
    def title(self) -> str:
        return self.label or ("Recording" if self.kind is MaterialKind.RECORDING else "Slides")


class RegistrationState(enum.Enum):
    REGISTERED = "Registered"
    WAITLISTED = "On the waitlist"
    CANCELLED = "Cancelled"


class EventRegistration(db.Model):
    """A person's place at an event (or on its waitlist); cancelled ones stay, so registering again reuses the row."""

    __tablename__ = "event_registrations"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[RegistrationState] = mapped_column(Enum(RegistrationState, native_enum=False, length=16),
                                                     index=True)
    #: orders the waitlist; reset whenever the person (re)joins it
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the person themself, or their project leader
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: shown as a QR code and typed at the door to check in; random, so nobody can guess another's
    code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship(back_populates="registrations")
    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    registered_by: Mapped["User | None"] = relationship(foreign_keys=[registered_by_id])  # noqa: F821

    @property
    def is_active(self) -> bool:
        return self.state is not RegistrationState.CANCELLED

    def can_view(self, user) -> bool:
        """The person, their project's leader, the event's organiser and administrators."""
        return user.is_authenticated and (
            user.id == self.user_id or self.event.can_edit(user)
            or (user.is_leader and user.organisation_id is not None
                and user.organisation_id == self.user.organisation_id))

    def can_cancel(self, user) -> bool:
        """Those who may see it cancel it, until the event begins."""
        return self.is_active and utcnow() < self.event.starts_at and self.can_view(user)

    def can_choose_sessions(self, user) -> bool:
        """Those who may see it choose the person's sessions while they hold a place, until the event begins."""
        return self.state is RegistrationState.REGISTERED and utcnow() < self.event.starts_at and self.can_view(user)


class SessionChoiceState(enum.Enum):
    CHOSEN = "Chosen"
    DROPPED = "Dropped"


class SessionChoice(db.Model):
    """A registered person's place in a session they chose; dropped ones stay, so choosing again reuses the row."""

    __tablename__ = "event_session_choices"
    __table_args__ = (UniqueConstraint("registration_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("event_registrations.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True)
    state: Mapped[SessionChoiceState] = mapped_column(Enum(SessionChoiceState, native_enum=False, length=16))
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[EventSession] = relationship()


class EventCheckIn(db.Model):
    """A registered person at the door on one of the event's days (one row per person and day)."""

    __tablename__ = "event_check_ins"
    __table_args__ = (UniqueConstraint("registration_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("event_registrations.id", ondelete="CASCADE"))
    #: the event's day, in its own zone
    day: Mapped[date] = mapped_column(Date)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    checked_in_by: Mapped["User | None"] = relationship()  # noqa: F821


class AttendanceCertificate(db.Model):
    """Proof of attendance, for CPD records: issued at a person's first check-in, verified in public by its code.

    The hours it states follow from the days checked in and the programme (see `events.checkin.hours_attended`).
    """

    __tablename__ = "attendance_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("event_registrations.id", ondelete="CASCADE"),
                                                 unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration: Mapped[EventRegistration] = relationship()

    def can_download(self, user) -> bool:
        """Once the event is over: those who may see the registration (the person, their leader, the organiser)."""
        return self.registration.event.is_past() and self.registration.can_view(user)


class FeedbackSurvey(db.Model):
    """An event's feedback survey: until when it takes answers, who sees names, and when attendees were asked.

    One row per event, written when first needed (the organiser's settings, or the e-mail asking for feedback);
    until then `FeedbackSurvey.of` gives the defaults.
    """

    __tablename__ = "feedback_surveys"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    #: answers are taken, and may be changed, until then: midnight at the end of a day, in the event's zone
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: administrators see who said what; organisers who are not administrators never do
    names_to_admins: Mapped[bool] = mapped_column(default=True)
    #: when attendees were e-mailed the link (`flask events ask-for-feedback`, once per event)
    requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()

    #: how long the survey stays open after the event ends, unless the organiser says otherwise
    OPEN_DAYS = 30

    @classmethod
    def of(cls, event: Event) -> "FeedbackSurvey":
        """The event's survey, or (not saved) its defaults."""
        return db.session.get(cls, event.id) or cls(event_id=event.id, event=event, names_to_admins=True,
                                                     closes_at=cls.default_closes_at(event))

    @classmethod
    def default_closes_at(cls, event: Event) -> datetime:
        return cls.closing_after(event, event.days[-1] + timedelta(days=cls.OPEN_DAYS))

    @staticmethod
    def closing_after(event: Event, last_day: date) -> datetime:
        """The end of `last_day` in the event's zone."""
        return local_to_utc(last_day + timedelta(days=1), time(0), event.timezone)

    @property
    def last_day(self) -> date:
        """The last day answers are taken, in the event's zone."""
        return (self.closes_at - timedelta(microseconds=1)).astimezone(self.event.zone).date()

    def is_open(self, now: datetime | None = None) -> bool:
        """Answers are taken from the end of the event until the closing time."""
        now = now or utcnow()
        return self.event.ends_at <= now < self.closes_at

    def can_respond(self, user, attended: bool) -> bool:
        """Attendees (see `events.feedback.attendees`) open the survey; it takes answers only while `is_open`."""
        return user.is_authenticated and attended

    def can_see_results(self, user) -> bool:
        """The event's organiser and administrators; speakers have no accounts, so they see nothing here."""
        return self.event.can_edit(user)

    def shows_names_to(self, user) -> bool:
        """Only administrators, and only where the event's setting allows: organisers read answers without names."""
        return user.is_authenticated and user.is_admin and self.names_to_admins


class FeedbackResponse(db.Model):
    """One attendee's answers about one event: an overall rating, a rating per session attended, comments."""

    __tablename__ = "feedback_responses"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),
                      CheckConstraint("overall BETWEEN 1 AND 5", name="overall_from_1_to_5"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: no index of its own: the unique constraint's index leads with it
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: 1 (poor) to 5 (excellent)
    overall: Mapped[int] = mapped_column()
    comments: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    user: Mapped["User"] = relationship()  # noqa: F821
    ratings: Mapped[list["SessionRating"]] = relationship(back_populates="response", cascade="all, delete-orphan")


class SessionRating(db.Model):
    """A response's rating of one session of the programme (sessions the person did not attend have none)."""

    __tablename__ = "feedback_session_ratings"
    __table_args__ = (CheckConstraint("rating BETWEEN 1 AND 5", name="rating_from_1_to_5"),)

    response_id: Mapped[int] = mapped_column(ForeignKey("feedback_responses.id", ondelete="CASCADE"),
                                             primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    rating: Mapped[int] = mapped_column()

    response: Mapped[FeedbackResponse] = relationship(back_populates="ratings")


class MessageAudience(enum.Enum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CHECKED_IN = "checked_in"

    @property
    def label(self) -> str:
        return {"registered": "Everyone holding a place", "waitlisted": "Everyone on the waitlist",
                "checked_in": "Everyone checked in on any day"}[self.value]


class EventMessage(db.Model):
    """An e-mail the organisers sent to an event's registrants, kept so they can see what was said to whom."""

    __tablename__ = "event_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    audience: Mapped[MessageAudience] = mapped_column(_stored_as_value(MessageAudience))
    subject: Mapped[str] = mapped_column(String(200))
    #: Markdown, sent as the e-mail's text
    body: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column()
    #: one per rendered form: a resubmission (double click, retry) finds the message it already sent
    request_key: Mapped[str] = mapped_column(String(64), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sent_by: Mapped["User | None"] = relationship()  # noqa: F821
