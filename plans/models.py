"""Needs assessments (the questionnaire, loaded from content/assessment.yaml, and the dated answers) and learning
plans: the items proposed from an assessment and adjusted by the leader and their mentor, with every change kept."""
import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db
from courses.models import Run
from curriculum.models import Module


class QuestionKind(enum.Enum):
    CHOICE = "choice"
    MULTIPLE = "multiple"
    NUMBER = "number"
    TEXT = "text"
    #: a curriculum topic the person rates their confidence in, 1 to 5
    TOPIC = "topic"


class AssessmentQuestion(db.Model):
    """One question of the needs assessment, written only by the content loader and keyed by the authors' key."""

    __tablename__ = "assessment_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(default=0)
    #: a topic's title ("Appeals law and the Court of Appeal") or a question's wording
    prompt: Mapped[str] = mapped_column(String(300))
    hint: Mapped[str] = mapped_column(Text, default="")
    #: choice and multiple: [{"value", "label", "stresses": [topic keys]}]; topic: the rating scale
    options: Mapped[list] = mapped_column(JSON, default=list)
    #: topic: the slugs of the modules that teach it, in the order to take them
    module_slugs: Mapped[list] = mapped_column(JSON, default=list)
    minimum: Mapped[int | None] = mapped_column()
    maximum: Mapped[int | None] = mapped_column()
    is_required: Mapped[bool] = mapped_column(default=True)
    #: dropped from the file; kept so that past assessments keep their meaning
    is_retired: Mapped[bool] = mapped_column(default=False)

    @property
    def is_topic(self) -> bool:
        return self.kind == QuestionKind.TOPIC.value

    def label_of(self, value) -> str:
        """The wording of a stored answer (a choice's label, the scale's words), or the value itself."""
        labels = {str(option["value"]): option["label"] for option in self.options}
        if isinstance(value, list):
            return ", ".join(labels.get(str(item), str(item)) for item in value)
        return labels.get(str(value), "" if value is None else str(value))


class Assessment(db.Model):
    """A person's answers on one day; a later one is a new row, so change can be shown."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the person, or their leader filling it in for a trainee
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: question key -> answer (text, a number, a list of values); topics are in `ratings`
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: topic key -> confidence from 1 (none) to 5
    ratings: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the form's one-off token: a resubmitted form finds this assessment instead of saving another
    request_key: Mapped[str] = mapped_column(String(64), unique=True)

    person: Mapped[User] = relationship(foreign_keys=[person_id])
    taken_by: Mapped[User | None] = relationship(foreign_keys=[taken_by_id])


class Plan(db.Model):
    """A person's living learning plan: one per person, proposed from an assessment, then adjusted."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    #: the assessment the plan was last proposed (or refreshed) from
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id", ondelete="SET NULL"), index=True)
    #: the mentor who adjusts the plan with the person and runs its mentoring package
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the mentoring package: this many sessions, one every `package_every_weeks` weeks; None = no package
    package_sessions: Mapped[int | None] = mapped_column()
    package_every_weeks: Mapped[int] = mapped_column(default=2)
    package_minutes: Mapped[int] = mapped_column(default=60)
    #: topic keys (assessment questions), most urgent first
    package_topics: Mapped[list] = mapped_column(JSON, default=list)
    package_reason: Mapped[str] = mapped_column(Text, default="")
    package_agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    package_agreed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: the booked sessions of the package
    series_id: Mapped[int | None] = mapped_column(ForeignKey("booking_series.id", ondelete="SET NULL"), index=True)

    person: Mapped[User] = relationship(foreign_keys=[person_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])
    package_agreed_by: Mapped[User | None] = relationship(foreign_keys=[package_agreed_by_id])
    assessment: Mapped[Assessment | None] = relationship()
    items: Mapped[list["PlanItem"]] = relationship(back_populates="plan", order_by="PlanItem.position",
                                                   cascade="all, delete-orphan")

    @property
    def has_package(self) -> bool:
        return bool(self.package_sessions)

    @property
    def is_package_agreed(self) -> bool:
        return self.package_agreed_at is not None


class PlanItemKind(enum.Enum):
    MODULE = "Module"
    GOAL = "Goal"
    ACTION = "Action point"


class PlanItem(db.Model):
    """One step of a plan: a module to take (through a run, or "ask for a run"), a goal, or an action point."""

    __tablename__ = "plan_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[PlanItemKind] = mapped_column(Enum(PlanItemKind, native_enum=False, length=16))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"), index=True)
    #: goals and action points: what to achieve; modules: empty (the module's title is shown)
    title: Mapped[str] = mapped_column(String(200), default="")
    #: goals: how the person and their mentor will know it is met
    success_criteria: Mapped[str] = mapped_column(Text, default="")
    target_on: Mapped[date | None] = mapped_column(Date)
    #: why the item is in the plan, in words (the proposal's reason, or who added it)
    reason: Mapped[str] = mapped_column(Text, default="")
    #: goals and action points: when it was ticked off (modules are done when complete)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: the mentoring session whose notes added or ticked it
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"), index=True)

    plan: Mapped[Plan] = relationship(back_populates="items")
    module: Mapped[Module | None] = relationship()
    run: Mapped[Run | None] = relationship()

    @property
    def label(self) -> str:
        return self.module.title if self.module is not None else self.title


class PlanChange(db.Model):
    """An append-only record of a change to a plan: who, when, what."""

    __tablename__ = "plan_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: what was done, in words ("Added the goal 'Run intake without a backlog'")
    text: Mapped[str] = mapped_column(String(500))

    by: Mapped[User | None] = relationship()
