import enum
from datetime import datetime, timedelta

from sqlalchemy import JSON, ColumnElement, Enum, ForeignKey, Index, String, Text, UniqueConstraint, event, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import UTCDateTime, utcnow
from core.extensions import db
from courses.access import learners_overseen_by, oversees, oversees_everyone, oversees_module, runs_mentored_by
from curriculum.models import Module, Question, Quiz


class LessonRead(db.Model):
    """A lesson opened by a learner; one row per person and lesson, whatever the run."""

    __tablename__ = "lesson_reads"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id", ondelete="CASCADE"), index=True)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AttemptState(enum.Enum):
    IN_PROGRESS = "In progress"
    #: transitional: submission and automatic grading happen in one transaction
    SUBMITTED = "Submitted"
    GRADED = "Graded"
    AWAITING_MARKING = "Awaiting marking"
    MARKED = "Marked"


#: the states an attempt may move to from each state (see `Attempt.move_to`)
ATTEMPT_TRANSITIONS = {
    AttemptState.IN_PROGRESS: {AttemptState.SUBMITTED},
    AttemptState.SUBMITTED: {AttemptState.GRADED, AttemptState.AWAITING_MARKING},
    AttemptState.AWAITING_MARKING: {AttemptState.MARKED},
    AttemptState.GRADED: set(),
    AttemptState.MARKED: set(),
}
#: attempts whose grade is final and counts toward the quiz grade
FINISHED_STATES = (AttemptState.GRADED, AttemptState.MARKED)
#: seconds after the deadline in which answers already on their way are still accepted
DEADLINE_GRACE_SECONDS = 10


class AttemptStates:
    """What an attempt's `state` says: for Attempt rows and for lighter reads of them (modules.attempts)."""

    @property
    def is_in_progress(self) -> bool:
        return self.state is AttemptState.IN_PROGRESS

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES


class Attempt(AttemptStates, db.Model):
    """One trainee's sitting of a quiz: the paper drawn for it, its answers and its grade."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("quiz_id", "user_id", "number"),
        # At most one attempt in progress per trainee and quiz, whatever the concurrency.
        Index("uq_quiz_attempts_one_in_progress", "quiz_id", "user_id", unique=True,
              sqlite_where=text("state = 'IN_PROGRESS'"), postgresql_where=text("state = 'IN_PROGRESS'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: 1 for the trainee's first attempt at this quiz, 2 for the second ...
    number: Mapped[int] = mapped_column()
    state: Mapped[AttemptState] = mapped_column(
        Enum(AttemptState, native_enum=False, length=20), default=AttemptState.IN_PROGRESS, index=True)
    #: seeds the draw and the shuffles, so the paper can be rebuilt and audited
    seed: Mapped[int] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None when the quiz has no time limit
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the last page the trainee saved, so a resumed attempt opens where it was
    last_page: Mapped[int] = mapped_column(default=1)
    #: points scored and available; score is None until every answer has a score
    score: Mapped[float | None] = mapped_column()
    max_score: Mapped[float] = mapped_column(default=0)
    #: percent of max_score
    grade: Mapped[float | None] = mapped_column()

    quiz: Mapped[Quiz] = relationship()
    user: Mapped["User"] = relationship()  # noqa: F821
    answers: Mapped[list["AttemptAnswer"]] = relationship(
        back_populates="attempt", order_by="AttemptAnswer.position", cascade="all, delete-orphan")

    def is_overdue(self, now: datetime) -> bool:
        return self.deadline_at is not None and now > self.deadline_at

    def accepts_answers(self, now: datetime) -> bool:
        """Answers count while in progress and until a few seconds past the deadline (they were on their way)."""
        return self.is_in_progress and (
            self.deadline_at is None or now <= self.deadline_at + timedelta(seconds=DEADLINE_GRACE_SECONDS))

    def move_to(self, state: AttemptState) -> None:
        """Change state along ATTEMPT_TRANSITIONS only; anything else is a programming error."""
        if state not in ATTEMPT_TRANSITIONS[self.state]:
            raise ValueError(f"attempt {self.id} cannot move from {self.state.name} to {state.name}")
        self.state = state

    def belongs_to(self, user) -> bool:
        """Only the trainee who started an attempt answers or submits it."""
        return user.is_authenticated and user.id == self.user_id

    def can_view(self, user) -> bool:
        """The trainee, administrators and mentors of a run the trainee is in; nobody else."""
        return user.is_authenticated and (user.id == self.user_id or oversees(user, self.user_id))


class AttemptAnswer(db.Model):
    """One drawn question of an attempt: its place on the paper, the answer given, and its score."""

    __tablename__ = "quiz_attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    #: choice ids (options, items or right-hand sides) in the order this paper shows them
    option_order: Mapped[list] = mapped_column(JSON, default=list)
    #: the parsed answer (see the question type); None while unanswered
    answer: Mapped[object | None] = mapped_column(JSON)
    #: the chosen option ids, sorted and joined, for choice questions: item analysis groups by it
    choice_key: Mapped[str | None] = mapped_column(String(200))
    #: the question's points when it was drawn (or last regraded)
    points: Mapped[int] = mapped_column(default=1)
    #: None until graded (written answers: until marked)
    score: Mapped[float | None] = mapped_column()
    needs_marking: Mapped[bool] = mapped_column(default=False, index=True)
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the trainee flagged this question to come back to before submitting
    flagged: Mapped[bool] = mapped_column(default=False)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the marker's comment to the trainee
    comment: Mapped[str] = mapped_column(Text, default="")

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
    marked_by: Mapped["User | None"] = relationship()  # noqa: F821

    @staticmethod
    def can_use_marking_queue(user) -> bool:
        """Mentors (who see their runs' trainees) and administrators (who see everyone)."""
        return user.is_authenticated and (user.is_admin or user.is_mentor)

    @staticmethod
    def in_marking_queue_of(user) -> ColumnElement[bool]:
        """The answers `user` may mark: every trainee's for administrators, their runs' trainees' for mentors."""
        return true() if oversees_everyone(user) else Attempt.user_id.in_(learners_overseen_by(user.id))

    def can_mark(self, user) -> bool:
        """Administrators, and mentors of a run the trainee is in, mark a written answer once it is submitted."""
        return (self.needs_marking and self.score is None and self.attempt.state is AttemptState.AWAITING_MARKING
                and oversees(user, self.attempt.user_id))


class QuizAdjustment(db.Model):
    """Reasonable adjustments for one trainee on one quiz: extra minutes per attempt, extra attempts."""

    __tablename__ = "quiz_adjustments"
    __table_args__ = (UniqueConstraint("quiz_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    extra_minutes: Mapped[int] = mapped_column(default=0)
    extra_attempts: Mapped[int] = mapped_column(default=0)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @staticmethod
    def can_grant(user, trainee_id: int, quiz: Quiz) -> bool:
        """Administrators, and mentors of a run the trainee is in whose course includes the quiz's module."""
        return oversees_module(user, trainee_id, quiz.module_id)


class Regrade(db.Model):
    """One score changed by an administrator's regrade: who, when, the old and the new score."""

    __tablename__ = "quiz_regrades"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt_answers.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    old_score: Mapped[float | None] = mapped_column()
    new_score: Mapped[float] = mapped_column()

    answer: Mapped[AttemptAnswer] = relationship()
    by: Mapped["User | None"] = relationship()  # noqa: F821


class SignOffState(enum.Enum):
    REQUESTED = "Awaiting sign-off"
    RETURNED = "Returned for revision"
    SIGNED_OFF = "Signed off"
    REVOKED = "Revoked"


#: the states a sign-off may move to from each state (see `SignOff.move_to`); None is a new sign-off
SIGN_OFF_TRANSITIONS = {
    None: {SignOffState.REQUESTED},
    SignOffState.REQUESTED: {SignOffState.SIGNED_OFF, SignOffState.RETURNED},
    SignOffState.RETURNED: {SignOffState.REQUESTED},
    SignOffState.SIGNED_OFF: {SignOffState.REVOKED},
    SignOffState.REVOKED: {SignOffState.REQUESTED},
}


class SignOff(db.Model):
    """A trainee's sign-off on one module: where it stands now. Its versions and events are the history."""

    __tablename__ = "sign_offs"
    __table_args__ = (UniqueConstraint("learner_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    #: the run whose mentors decide: the one the trainee requested through most recently
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"), index=True)
    state: Mapped[SignOffState] = mapped_column(Enum(SignOffState, native_enum=False, length=16), index=True)
    #: when the current state began; the mentors' queue is oldest first by it
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: the mentor who signed off (or last returned) it
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    learner: Mapped["User"] = relationship(foreign_keys=[learner_id])  # noqa: F821
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])  # noqa: F821
    module: Mapped[Module] = relationship()
    run: Mapped["Run | None"] = relationship()  # noqa: F821
    versions: Mapped[list["SignOffVersion"]] = relationship(
        back_populates="sign_off", order_by="SignOffVersion.number", passive_deletes=True)
    events: Mapped[list["SignOffEvent"]] = relationship(
        back_populates="sign_off", order_by="SignOffEvent.id", passive_deletes=True)

    def move_to(self, state: SignOffState, now: datetime, by=None) -> None:
        """Change state along SIGN_OFF_TRANSITIONS only (anything else is a programming error: callers check the
        `can_*` predicate first); `by` is the mentor who decided, recorded for a sign-off or a return."""
        if state not in SIGN_OFF_TRANSITIONS[self.state]:
            current = self.state.name if self.state else "new"
            raise ValueError(f"sign-off {self.id} cannot move from {current} to {state.name}")
        self.state, self.state_changed_at = state, now
        if by is not None:
            self.decided_by_id = by.id

    @property
    def latest_version(self) -> "SignOffVersion | None":
        return self.versions[-1] if self.versions else None

    def is_decided_by_mentor(self, user) -> bool:
        """True for a mentor assigned to the run this request came through."""
        return user.is_authenticated and user.is_mentor and self.run is not None and user in self.run.mentors

    def can_view(self, user) -> bool:
        """The trainee, the run's mentors, the trainee's leader and administrators."""
        if not user.is_authenticated:
            return False
        return (user.id == self.learner_id or user.is_admin or self.is_decided_by_mentor(user)
                or (user.is_leader and user.organisation_id is not None
                    and user.organisation_id == self.learner.organisation_id))

    def can_decide(self, user) -> bool:
        """Only a mentor of the run signs off or returns, and only a request that is waiting."""
        return self.state is SignOffState.REQUESTED and self.is_decided_by_mentor(user)

    def is_overseen_by(self, user) -> bool:
        """Administrators and the run's mentors: they see the quiz results and may revoke."""
        return user.is_authenticated and (user.is_admin or self.is_decided_by_mentor(user))

    def can_revoke(self, user) -> bool:
        return self.state is SignOffState.SIGNED_OFF and self.is_overseen_by(user)

    def can_revise(self, user) -> bool:
        """The trainee answers again once a request is returned or a sign-off revoked."""
        return user.is_authenticated and user.id == self.learner_id and self.state in (
            SignOffState.RETURNED, SignOffState.REVOKED)

    @staticmethod
    def can_use_queue(user) -> bool:
        return user.is_authenticated and (user.is_admin or user.is_mentor)

    @staticmethod
    def in_queue_of(user) -> ColumnElement[bool]:
        """The requests in `user`'s queue: every run's for administrators, their own runs' for mentors."""
        return true() if oversees_everyone(user) else SignOff.run_id.in_(runs_mentored_by(user.id))


class SignOffVersion(db.Model):
    """One submission of the trainee's evidence; never changed once written."""

    __tablename__ = "sign_off_versions"
    __table_args__ = (UniqueConstraint("sign_off_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_off_id: Mapped[int] = mapped_column(ForeignKey("sign_offs.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    #: the trainee's answer to the exercise, in Markdown
    answer: Mapped[str] = mapped_column(Text)
    #: the attached file, if any: its name as uploaded, and where it is stored (under UPLOAD_FOLDER)
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    file_type: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None] = mapped_column()
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sign_off: Mapped[SignOff] = relationship(back_populates="versions")


class SignOffAction(enum.Enum):
    REQUESTED = "Requested sign-off"
    RESUBMITTED = "Resubmitted"
    RETURNED = "Returned for revision"
    SIGNED_OFF = "Signed off"
    REVOKED = "Revoked"


class SignOffEvent(db.Model):
    """One step in a sign-off's history: who, when, what, against which evidence version. Append-only."""

    __tablename__ = "sign_off_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_off_id: Mapped[int] = mapped_column(ForeignKey("sign_offs.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[SignOffAction] = mapped_column(Enum(SignOffAction, native_enum=False, length=16))
    version_number: Mapped[int | None] = mapped_column()
    #: feedback on a return, the overall comment on a sign-off, the reason for a revocation
    comment: Mapped[str] = mapped_column(Text, default="")
    #: on a sign-off: [{"criterion": ..., "comment": ...}] in the module's criteria order
    criteria_comments: Mapped[list] = mapped_column(JSON, default=list)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    sign_off: Mapped[SignOff] = relationship(back_populates="events")
    actor: Mapped["User | None"] = relationship()  # noqa: F821


@event.listens_for(SignOffVersion, "before_update")
@event.listens_for(SignOffVersion, "before_delete")
@event.listens_for(SignOffEvent, "before_update")
@event.listens_for(SignOffEvent, "before_delete")
def _refuse_rewriting_history(mapper, connection, target) -> None:
    raise PermissionError(f"{target.__tablename__} rows are history: they are never changed or deleted")


class ItemSums(db.Model):
    """Running sums for one question of a quiz over its finished attempts, first attempts or later ones.

    Kept up to date in the transaction that finishes, marks or regrades an attempt (`modules.analysis`),
    so the item analysis reads a few rows instead of every answer. x is the question's score, r the rest
    of the attempt's score (attempt score minus x).
    """

    __tablename__ = "quiz_item_sums"
    __table_args__ = (UniqueConstraint("quiz_id", "is_first", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    #: sums over first attempts (number 1), or over later ones; "all attempts" adds both
    is_first: Mapped[bool] = mapped_column()
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    n: Mapped[int] = mapped_column(default=0)
    sum_x: Mapped[float] = mapped_column(default=0.0)
    sum_x2: Mapped[float] = mapped_column(default=0.0)
    sum_r: Mapped[float] = mapped_column(default=0.0)
    sum_r2: Mapped[float] = mapped_column(default=0.0)
    sum_xr: Mapped[float] = mapped_column(default=0.0)
    sum_points: Mapped[float] = mapped_column(default=0.0)
    #: answers with no choice recorded (every answer, for questions without options)
    unanswered: Mapped[int] = mapped_column(default=0)


class OptionCount(db.Model):
    """How many finished attempts (first or later) chose one option of a choice question."""

    __tablename__ = "quiz_option_counts"
    __table_args__ = (UniqueConstraint("quiz_id", "is_first", "question_id", "option_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    is_first: Mapped[bool] = mapped_column()
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    option_id: Mapped[str] = mapped_column(String(200))
    n: Mapped[int] = mapped_column(default=0)


class GradeSums(db.Model):
    """Finished attempts of a quiz (first or later) whose grade falls in one tenth of the range, and their sums."""

    __tablename__ = "quiz_grade_sums"
    __table_args__ = (UniqueConstraint("quiz_id", "is_first", "bucket"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    is_first: Mapped[bool] = mapped_column()
    #: 0 for grades under 10%, 1 for 10-20% ... 9 for 90-100%
    bucket: Mapped[int] = mapped_column()
    n: Mapped[int] = mapped_column(default=0)
    sum_grade: Mapped[float] = mapped_column(default=0.0)
    sum_grade2: Mapped[float] = mapped_column(default=0.0)
    sum_score: Mapped[float] = mapped_column(default=0.0)
    sum_score2: Mapped[float] = mapped_column(default=0.0)
