"""The curriculum as content: modules, their lessons, quizzes and question banks.

Rows are written only by the content loader (`curriculum.loader`), keyed by
the authors' stable slugs and ids; what the files drop is retired, never
deleted, so the records that point at it keep their meaning.
"""
import calendar
import enum
from datetime import date, datetime

from markupsafe import Markup
from sqlalchemy import JSON, Date, Enum, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import UTCDateTime, utcnow
from core.extensions import db
from curriculum.question_types import QUESTION_TYPES, QuestionType


class Grading(enum.Enum):
    """Which finished attempts make the quiz grade."""

    HIGHEST = "highest"
    LATEST = "latest"
    FIRST = "first"
    AVERAGE = "average"

    @property
    def counted(self) -> str:
        """What counts, in words: "Your {counted} grade counts"."""
        return "attempts' average" if self is Grading.AVERAGE else f"{self.value} attempt"


class Feedback(enum.Enum):
    """When a trainee sees marks per question, feedback and explanations."""

    #: each answer is graded as it is saved, and then cannot be changed
    IMMEDIATE = "immediate"
    AFTER_SUBMIT = "after_submit"
    #: once every run through which the trainee takes the module has ended
    AFTER_CLOSE = "after_close"


class ShowAnswers(enum.Enum):
    """When a trainee sees the right answers on the review page."""

    ALWAYS = "always"
    AFTER_PASS = "after_pass"
    NEVER = "never"


def _setting(enum_class) -> Enum:
    """A closed set stored as its plain values ("highest", not "HIGHEST"), as the content files spell them."""
    return Enum(enum_class, native_enum=False, length=16, values_callable=lambda members: [m.value for m in members])


class Module(db.Model):
    """One topic of the curriculum, loaded from content/modules/<slug>/."""

    __tablename__ = "modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    jurisdictions: Mapped[list] = mapped_column(JSON, default=list)
    outcomes: Mapped[list] = mapped_column(JSON, default=list)
    is_sign_off_required: Mapped[bool] = mapped_column(default=False)
    #: Markdown: the practical task the mentor reviews
    exercise: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    resources: Mapped[list] = mapped_column(JSON, default=list)
    sources: Mapped[list] = mapped_column(JSON, default=list)
    #: its folder was removed from content/; kept for the records that point at it
    is_retired: Mapped[bool] = mapped_column(default=False)
    #: when the authors last checked the module against its sources, and who did
    reviewed_on: Mapped[date | None] = mapped_column(Date)
    reviewed_by: Mapped[str] = mapped_column(String(200), default="")

    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="module",
        order_by="Lesson.position",
        primaryjoin="and_(Module.id == Lesson.module_id, Lesson.is_retired.is_(False))",
        viewonly=True,
    )
    quiz: Mapped["Quiz | None"] = relationship(back_populates="module", uselist=False)

    @staticmethod
    def can_list_reviews(user) -> bool:
        """Administrators keep the curriculum current: they see when each module was last reviewed."""
        return user.is_authenticated and user.is_admin

    def is_due_for_review(self, today: date, months: int) -> bool:
        """True once `months` have passed since the last review (or when it was never reviewed)."""
        if self.reviewed_on is None:
            return True
        year, month = divmod(self.reviewed_on.month - 1 + months, 12)
        year, month = self.reviewed_on.year + year, month + 1
        due = date(year, month, min(self.reviewed_on.day, calendar.monthrange(year, month)[1]))
        return today >= due

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


class Lesson(db.Model):
    __tablename__ = "lessons"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    #: the file name without ".md": stable across edits, so reads keep pointing at it
    slug: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(default=10)
    #: the Markdown as written; loaded only when asked for (lists of lessons never need it)
    body: Mapped[str] = mapped_column(Text, default="", deferred=True)
    #: the page's HTML, rendered and sanitised once when the content is loaded (`core.markdown.render_lesson`)
    html: Mapped[str] = mapped_column(Text, default="", deferred=True)
    #: removed from module.yaml; kept so reading records keep their meaning
    is_retired: Mapped[bool] = mapped_column(default=False)

    module: Mapped[Module] = relationship(back_populates="lessons")

    @staticmethod
    def safe_html(lesson_id: int) -> Markup:
        """A lesson's stored HTML, sanitised by nh3 when it was rendered at content load."""
        return Markup(db.session.scalar(select(Lesson.html).where(Lesson.id == lesson_id)))


class Quiz(db.Model):
    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("modules.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str] = mapped_column(String(200))
    #: percent of the available points
    pass_mark: Mapped[int] = mapped_column(default=70)
    #: 0 means unlimited
    attempts_allowed: Mapped[int] = mapped_column(default=0)
    grading: Mapped[Grading] = mapped_column(_setting(Grading), default=Grading.HIGHEST)
    time_limit_minutes: Mapped[int | None] = mapped_column()
    #: questions drawn per attempt; None draws the whole bank
    draw: Mapped[int | None] = mapped_column()
    shuffle: Mapped[bool] = mapped_column(default=True)
    feedback: Mapped[Feedback] = mapped_column(_setting(Feedback), default=Feedback.AFTER_SUBMIT)
    show_answers: Mapped[ShowAnswers] = mapped_column(_setting(ShowAnswers), default=ShowAnswers.AFTER_PASS)
    #: replaced (core.cache.new_version) in the transaction that changes the quiz's item analysis sums, so the
    #: cached analysis page is keyed by the figures it shows
    analysis_version: Mapped[str] = mapped_column(String(16), default="", server_default="")

    module: Mapped[Module] = relationship(back_populates="quiz")

    def can_analyse(self, user) -> bool:
        """Item analysis and regrading span every trainee's answers: administrators only."""
        return user.is_authenticated and user.is_admin

    questions: Mapped[list["Question"]] = relationship(
        back_populates="quiz",
        order_by="Question.position",
        primaryjoin="and_(Quiz.id == Question.quiz_id, Question.is_retired.is_(False))",
        viewonly=True,
    )


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    #: the author's stable id from quiz.yaml; attempts refer to it and it is never reused
    key: Mapped[str] = mapped_column(String(120), unique=True)
    type: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[str] = mapped_column(Text)
    #: type-specific content (options, answers, items, pairs, rubric ...)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    explanation: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    tags: Mapped[list] = mapped_column(JSON, default=list)
    points: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)
    #: removed from the bank; never deleted so past attempts keep their meaning
    is_retired: Mapped[bool] = mapped_column(default=False, index=True)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")

    @property
    def kind(self) -> QuestionType:
        """Its type from the registry: what parses, renders, grades and describes it."""
        return QUESTION_TYPES[self.type]


class CurriculumVersion(db.Model):
    """One row: a token the content loader replaces whenever it changes the curriculum, so that every process
    knows its cached copy of the structure (`courses.structure`) is out of date."""

    __tablename__ = "curriculum_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
