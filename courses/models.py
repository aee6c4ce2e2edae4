import enum
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    Column,
    Enum,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import UTCDateTime, utcnow
from core.extensions import db
from core.timezones import local_to_utc
from curriculum.models import Module


class CourseFormat(enum.Enum):
    HALF_DAY = "half-day"
    FULL_DAY = "full-day"
    MULTI_WEEK = "multi-week"

    @property
    def label(self) -> str:
        return {"half-day": "Half-day", "full-day": "Full-day", "multi-week": "Multi-week"}[self.value]

    @property
    def is_workshop(self) -> bool:
        return self is not CourseFormat.MULTI_WEEK


class Course(db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    format: Mapped[CourseFormat] = mapped_column(
        Enum(CourseFormat, native_enum=False, length=16), index=True
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(300), default="")
    #: length of a multi-week course; None for workshops
    weeks: Mapped[int | None] = mapped_column()
    #: multi-week courses: the weeks that end with a mentor check-in
    check_in_weeks: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    #: dropped from courses.yaml; hidden from the catalogue, kept for its runs
    is_retired: Mapped[bool] = mapped_column(default=False)
    #: refresher training: certificates expire this many years after completion; None = never
    certificate_valid_years: Mapped[int | None] = mapped_column()

    course_modules: Mapped[list["CourseModule"]] = relationship(
        back_populates="course", order_by="CourseModule.position", cascade="all, delete-orphan"
    )
    runs: Mapped[list["Run"]] = relationship(back_populates="course", order_by="Run.starts_at")

    @property
    def modules(self) -> list[Module]:
        return [cm.module for cm in self.course_modules]


class CourseModule(db.Model):
    __tablename__ = "course_modules"
    __table_args__ = (UniqueConstraint("course_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: multi-week courses: the week (1-based) the module is released; None = from the start
    week: Mapped[int | None] = mapped_column()

    course: Mapped[Course] = relationship(back_populates="course_modules")
    module: Mapped[Module] = relationship()


run_mentors = Table(
    "run_mentors",
    db.metadata,
    Column("run_id", ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Run(db.Model):
    """A dated offering (cohort) of a course."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="RESTRICT"), index=True)
    #: workshops: when the live session begins; multi-week: midnight of the first day, run time zone
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: workshops: when the live session ends; multi-week: the end of the last week
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the zone release dates and session times are set in
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    venue: Mapped[str] = mapped_column(String(300), default="")
    video_link: Mapped[str] = mapped_column(String(500), default="")
    enrol_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    enrol_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course: Mapped[Course] = relationship(back_populates="runs")
    mentors: Mapped[list["User"]] = relationship(secondary=run_mentors, order_by="User.display_name")  # noqa: F821
    enrolments: Mapped[list["Enrolment"]] = relationship(back_populates="run", viewonly=True)

    @property
    def name(self) -> str:
        return f"{self.course.title}, {self.starts_at.astimezone(self.zone):%-d %B %Y}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_enrolment_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.enrol_opens_at <= now < self.enrol_closes_at and now < self.starts_at

    def has_started(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) >= self.starts_at

    def release_at(self, week: int | None) -> datetime | None:
        """When a multi-week module opens: 00:00 run time on its week's first day.

        Counting days in the run's own zone keeps a Monday release on Monday
        across a daylight-saving change. Workshop modules open on enrolment (None).
        """
        if self.course.format.is_workshop:
            return None
        first_day = self.starts_at.astimezone(self.zone).date()
        opening_day = first_day + timedelta(weeks=max(week or 1, 1) - 1)
        return local_to_utc(opening_day, time(0), self.timezone)

    def is_released(self, week: int | None, now: datetime | None = None) -> bool:
        opens = self.release_at(week)
        return opens is None or (now or utcnow()) >= opens

    def due_on(self, week: int | None) -> date:
        """The last day, in the run's zone, by which a module is to be complete: a workshop's own day (or, for a
        module given no week, the run's last day), else the last day of the module's week."""
        zone = self.zone
        if self.course.format.is_workshop or week is None:
            return (self.ends_at - timedelta(microseconds=1)).astimezone(zone).date()
        return self.starts_at.astimezone(zone).date() + timedelta(weeks=max(week, 1), days=-1)

    def due_at(self, week: int | None) -> datetime:
        """The instant a module falls due: midnight at the end of its `due_on` day, run time, so a clock change
        in between never moves it; it is overdue from this instant on."""
        return local_to_utc(self.due_on(week) + timedelta(days=1), time(0), self.timezone)

    @staticmethod
    def can_manage(user) -> bool:
        """Administrators schedule runs and list them all."""
        return user.is_authenticated and user.is_admin

    def can_edit(self, user) -> bool:
        return self.can_manage(user)

    def can_view_roster(self, user) -> bool:
        """Administrators and the run's own mentors see everyone enrolled."""
        return user.is_authenticated and (user.is_admin or user in self.mentors)

    def can_self_enrol(self, user) -> bool:
        """A learner enrols themself while enrolment is open, if their organisation is approved."""
        return (
            user.is_authenticated
            and user.is_learner
            and (user.organisation is None or user.organisation.is_approved)
            and self.is_enrolment_open()
        )


class EnrolmentState(enum.Enum):
    ENROLLED = "Enrolled"
    WAITLISTED = "On the waitlist"
    WITHDRAWN = "Withdrawn"


class Enrolment(db.Model):
    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("run_id", "user_id"),
        # seats taken are counted from the index alone (the catalogue counts every upcoming run's)
        Index("ix_enrolments_run_id_state", "run_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[EnrolmentState] = mapped_column(
        Enum(EnrolmentState, native_enum=False, length=16), index=True
    )
    #: orders the waitlist; reset whenever the person (re)joins it
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    enrolled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    run: Mapped[Run] = relationship(back_populates="enrolments")
    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821

    @property
    def is_active(self) -> bool:
        return self.state is not EnrolmentState.WITHDRAWN

    def can_withdraw(self, user) -> bool:
        """The person, their leader or an administrator may withdraw before the run starts."""
        if not user.is_authenticated or not self.is_active or self.run.has_started():
            return False
        return user.id == self.user_id or user.is_admin or (
            user.is_leader and user.organisation_id is not None
            and user.organisation_id == self.user.organisation_id
        )
