"""Quiz operations: start, save, submit, mark, adjust, regrade. Flush only; views commit.

Every change to an attempt happens with its row locked (`lock_for_update`),
so a save racing a submit, or two submits, queue behind each other and the
second sees the first's result. Starting locks the trainee's row, so two
concurrent starts cannot both create an attempt; a partial unique index
(one IN_PROGRESS attempt per trainee and quiz) backs that up in the schema.
"""
import secrets
from dataclasses import dataclass, field, fields
from datetime import datetime
from functools import cache

from flask import render_template
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import selectinload

from accounts.models import EmailNotice, User
from accounts.notifications import mail_notice
from core import audit
from core.db import lock_for_update, utcnow
from core.errors import Refusal
from core.extensions import db
from core.urls import absolute_url
from courses import structure
from curriculum.models import Feedback, Question, Quiz
from modules import analysis
from modules.grading import attempts_left, deadline, draw_paper, is_passed, quiz_grade, totals
from modules.models import Attempt, AttemptAnswer, AttemptState, AttemptStates, QuizAdjustment, Regrade
from modules.signals import module_progressed


class QuizRefusal(Refusal):
    """An action the quiz's rules do not allow; the message says why."""


@dataclass
class Standing:
    """A trainee's position on one quiz, for the quiz page, the module page and the dashboard."""

    quiz: Quiz
    attempts: list["Attempt | AttemptOutcome"] = field(default_factory=list)
    adjustment: QuizAdjustment | None = None

    @property
    def used(self) -> int:
        return len(self.attempts)

    @property
    def in_progress(self) -> Attempt | None:
        return next((attempt for attempt in self.attempts if attempt.is_in_progress), None)

    @property
    def awaiting_marking(self) -> bool:
        return any(attempt.state is AttemptState.AWAITING_MARKING for attempt in self.attempts)

    @property
    def grade(self) -> float | None:
        return quiz_grade(self.quiz.grading, [attempt.grade for attempt in self.attempts if attempt.is_finished])

    @property
    def is_passed(self) -> bool:
        return is_passed(self.grade, self.quiz.pass_mark)

    @property
    def left(self) -> int | None:
        extra = self.adjustment.extra_attempts if self.adjustment else 0
        return attempts_left(self.quiz.attempts_allowed, extra, self.used)

    @property
    def extra_minutes(self) -> int:
        return self.adjustment.extra_minutes if self.adjustment else 0

    @property
    def can_start(self) -> bool:
        return self.in_progress is None and self.left != 0


@dataclass(frozen=True, slots=True)
class AttemptOutcome(AttemptStates):
    """An attempt without its paper: what a standing shown among many (the dashboard's) needs, read as plain
    columns rather than as Attempt objects."""

    id: int
    quiz_id: int
    user_id: int
    number: int
    state: AttemptState
    grade: float | None
    submitted_at: datetime | None


def standings(user_id: int, quizzes, outcomes_only: bool = False) -> dict[int, Standing]:
    """Each quiz's Standing for one trainee, in two queries whatever the number of quizzes; `outcomes_only`: its
    attempts as AttemptOutcome rows."""
    result = {quiz.id: Standing(quiz) for quiz in quizzes}
    if not result:
        return result
    attempts_query, adjustments_query = _standings_queries(outcomes_only)
    parameters = {"user_id": user_id, "quiz_ids": list(result)}
    rows = db.session.execute(attempts_query, parameters)
    for attempt in ((AttemptOutcome(*row) for row in rows) if outcomes_only else rows.scalars()):
        result[attempt.quiz_id].attempts.append(attempt)
    for adjustment in db.session.scalars(adjustments_query, parameters):
        result[adjustment.quiz_id].adjustment = adjustment
    return result


@cache
def _standings_queries(outcomes_only: bool) -> tuple[Select, Select]:
    """Built once per process, with parameters: pages that list many quizzes would otherwise spend more on building
    them than on running them."""
    user_id, quiz_ids = bindparam("user_id"), bindparam("quiz_ids", expanding=True)
    attempts = (select(*(getattr(Attempt, column.name) for column in fields(AttemptOutcome))) if outcomes_only
                else select(Attempt))
    return (attempts.where(Attempt.user_id == user_id, Attempt.quiz_id.in_(quiz_ids)).order_by(Attempt.number),
            select(QuizAdjustment).where(QuizAdjustment.user_id == user_id, QuizAdjustment.quiz_id.in_(quiz_ids)))


def standings_by_module(user_id: int, module_ids) -> dict[int, Standing]:
    """Standing on each module's quiz (keyed by module id), for pages that list modules, with the attempts' outcomes
    only; the quizzes' settings come from the cached structure."""
    quizzes = [quiz for quiz in (structure.module(module_id).quiz for module_id in module_ids) if quiz is not None]
    by_quiz = standings(user_id, quizzes, outcomes_only=True)
    return {quiz.module_id: by_quiz[quiz.id] for quiz in quizzes}


def start_attempt(quiz: Quiz, user: User, now: datetime | None = None, seed: int | None = None) -> Attempt:
    """Return the trainee's attempt in progress, or start one with a freshly drawn paper.

    Idempotent under concurrency: the trainee's row is locked, so a second
    start (double click, two tabs) waits and then finds the first attempt.
    Raises QuizRefusal when no attempts are left. `seed` fixes the paper (demo and benchmark data).
    """
    now = now or utcnow()
    lock_for_update(User, user.id)
    standing = standings(user.id, [quiz])[quiz.id]
    current = standing.in_progress
    if current is not None:
        if not close_if_overdue(current, now):
            return current
        standing = standings(user.id, [quiz])[quiz.id]
    if not standing.can_start:
        raise QuizRefusal(f"You have used all your attempts at this quiz ({standing.used}).")
    if not quiz.questions:
        raise QuizRefusal("This quiz has no questions yet.")
    seed = seed if seed is not None else secrets.randbits(31)
    attempt = Attempt(quiz_id=quiz.id, user_id=user.id, number=standing.used + 1, seed=seed, started_at=now,
                      deadline_at=deadline(now, quiz.time_limit_minutes, standing.extra_minutes))
    points = {question.id: question.points for question in quiz.questions}
    attempt.answers = [AttemptAnswer(question_id=drawn.question_id, position=position, option_order=drawn.order,
                                     points=points[drawn.question_id])
                       for position, drawn in enumerate(draw_paper(quiz.questions, quiz.draw, quiz.shuffle, seed))]
    attempt.max_score = float(sum(answer.points for answer in attempt.answers))
    db.session.add(attempt)
    db.session.flush()
    audit.record("quiz.start", actor=user, subject=user, detail={"attempt_id": attempt.id})
    return attempt


def lock_attempt(attempt_id: int) -> Attempt:
    """The attempt, locked for the rest of the transaction, with its answers and their questions loaded."""
    attempt = lock_for_update(Attempt, attempt_id)
    db.session.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt_id)
                       .options(selectinload(AttemptAnswer.question))).all()
    return attempt


def save_answers(attempt: Attempt, answers: dict[int, object], now: datetime, page: int,
                 flags: dict[int, bool] | None = None) -> None:
    """Store answers (AttemptAnswer id -> parsed answer) and flags (id -> flagged) on a locked attempt
    that still accepts them.

    With immediate feedback each answer is graded as it is saved, and an
    answered question is closed to further change (its flag still moves).
    """
    if not attempt.accepts_answers(now):
        raise QuizRefusal("This attempt no longer accepts answers.")
    for row in attempt.answers:
        if row.id in answers:
            _store(attempt, row, answers[row.id], now)
        if flags and row.id in flags:
            row.flagged = flags[row.id]
    attempt.last_page = page
    db.session.flush()


def _store(attempt: Attempt, row: AttemptAnswer, answer, now: datetime) -> bool:
    """Put one answer on its row; False when there was nothing to change (the same answer, or locked)."""
    immediate = attempt.quiz.feedback is Feedback.IMMEDIATE
    if (immediate and row.answer is not None) or (row.answer == answer and row.saved_at is not None):
        return False
    row.answer, row.saved_at = answer, now
    row.choice_key = row.question.kind.choice_key(answer)
    if immediate:
        _grade(row)
    return True


#: `autosave`'s answer when only the flag is sent
KEEP = object()


def autosave(attempt: Attempt, row: AttemptAnswer, now: datetime, answer=KEEP,
                    flagged: bool | None = None) -> bool:
    """Save one question's answer and/or flag as the trainee changes it (the page's script sends it).

    The attempt must be locked and still accept answers (up to the deadline's
    grace); otherwise QuizRefusal (409), and the caller closes an overdue
    attempt. Idempotent: sending the same answer and flag again changes
    nothing (not even `saved_at`). Returns whether anything changed.
    """
    if not attempt.accepts_answers(now):
        if attempt.is_in_progress:
            raise QuizRefusal("Time ran out, so this answer could not be saved. Your attempt is submitted with "
                              "the answers saved before the deadline.")
        raise QuizRefusal("This attempt has been submitted: answers can no longer be changed.")
    changed = answer is not KEEP and _store(attempt, row, answer, now)
    if flagged is not None and row.flagged != flagged:
        row.flagged, changed = flagged, True
    db.session.flush()
    return changed


def _grade(row: AttemptAnswer) -> None:
    row.score = row.question.kind.grade(row.question.data, row.answer, row.points)
    row.needs_marking = row.score is None


def _retotal(attempt: Attempt) -> None:
    result = totals([(row.score, row.points) for row in attempt.answers])
    attempt.score, attempt.max_score, attempt.grade = result.score, result.max_score, result.grade


def submit(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Grade a locked attempt with the answers saved so far: GRADED, or AWAITING_MARKING with written answers.

    Idempotent: an attempt already submitted is returned unchanged.
    """
    if not attempt.is_in_progress:
        return attempt
    attempt.move_to(AttemptState.SUBMITTED)
    attempt.submitted_at = now or utcnow()
    for row in attempt.answers:
        _grade(row)
    _retotal(attempt)
    attempt.move_to(AttemptState.AWAITING_MARKING if attempt.score is None else AttemptState.GRADED)
    db.session.flush()
    if attempt.is_finished:
        analysis.record_finished(attempt)
    audit.record("quiz.submit", actor=attempt.user_id, subject=attempt.user_id,
                 detail={"attempt_id": attempt.id, "grade": attempt.grade})
    _award_if_passing(attempt)
    return attempt


def _award_if_passing(attempt: Attempt) -> None:
    """A finished attempt can complete the module (and a run) only if its own grade passes: a failing
    grade cannot turn the quiz's grade (highest, latest, first or average) from a fail into a pass."""
    if attempt.is_finished and is_passed(attempt.grade, attempt.quiz.pass_mark):
        module_progressed.send(None, learner_id=attempt.user_id, module_ids=[attempt.quiz.module_id], now=utcnow())


def close_if_overdue(attempt: Attempt, now: datetime) -> bool:
    """Submit an attempt in progress whose time is up, with its saved answers; True if it was (or is) closed."""
    if attempt.is_in_progress and attempt.is_overdue(now):
        submit(lock_attempt(attempt.id), attempt.deadline_at)
    return not attempt.is_in_progress


def mark(row: AttemptAnswer, score: float, comment: str, by: User, now: datetime | None = None) -> None:
    """Record a mentor's mark on a written answer; the last mark of an attempt completes it and tells the trainee.

    Callers check `row.can_mark(by)` first, with the attempt locked, so two
    markers cannot both mark the same answer.
    """
    if not 0 <= score <= row.points:
        raise QuizRefusal(f"Give a score from 0 to {row.points}.", status=400)
    row.score, row.comment, row.marked_by_id, row.marked_at = score, comment, by.id, now or utcnow()
    attempt = row.attempt
    _retotal(attempt)
    audit.record("quiz.mark", actor=by, subject=attempt.user_id, detail={"answer_id": row.id, "score": score})
    if attempt.score is not None:
        attempt.move_to(AttemptState.MARKED)
        analysis.record_finished(attempt)
        mail_notice(attempt.user, EmailNotice.MARKING_FINISHED, f"Your quiz has been marked: {attempt.quiz.title}",
                    render_template("modules/email/marked.txt", attempt=attempt,
                                    link=absolute_url("modules.review_attempt", attempt_id=attempt.id)))
    db.session.flush()
    _award_if_passing(attempt)


def grant_adjustment(quiz: Quiz, trainee: User, extra_minutes: int, extra_attempts: int, by: User) -> QuizAdjustment:
    """Set the trainee's extra minutes and attempts on a quiz; an attempt in progress gets the new time at once.

    The trainee's row is locked (as when starting), so two grants at once update one adjustment.
    """
    lock_for_update(User, trainee.id)
    adjustment = db.session.scalar(select(QuizAdjustment).where(QuizAdjustment.quiz_id == quiz.id,
                                                                QuizAdjustment.user_id == trainee.id))
    if adjustment is None:
        adjustment = QuizAdjustment(quiz_id=quiz.id, user_id=trainee.id)
        db.session.add(adjustment)
    adjustment.extra_minutes, adjustment.extra_attempts = extra_minutes, extra_attempts
    adjustment.granted_by_id, adjustment.granted_at = by.id, utcnow()
    current = db.session.scalar(select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.user_id == trainee.id,
                                                      Attempt.state == AttemptState.IN_PROGRESS))
    if current is not None:
        current = lock_for_update(Attempt, current.id)
        current.deadline_at = deadline(current.started_at, quiz.time_limit_minutes, extra_minutes)
    db.session.flush()
    audit.record("quiz.adjust", actor=by, subject=trainee, detail={
        "quiz_id": quiz.id, "extra_minutes": extra_minutes, "extra_attempts": extra_attempts})
    return adjustment


def regrade_question(question: Question, by: User, now: datetime | None = None) -> int:
    """Grade every submitted answer to `question` again against its current key and points.

    Each changed score is logged (who, when, old, new) and its attempt's
    totals are recomputed, so pass or fail follow. Written answers are
    marked by people and are left alone. Returns how many scores changed.
    """
    kind = question.kind
    if kind.is_marked_by_person:
        raise QuizRefusal("Answers to this question are marked by people, not regraded.")
    now = now or utcnow()
    rows = db.session.scalars(
        select(AttemptAnswer).join(Attempt).where(AttemptAnswer.question_id == question.id,
                                                  Attempt.state != AttemptState.IN_PROGRESS)
        .options(selectinload(AttemptAnswer.attempt).selectinload(Attempt.answers))).all()
    changed, sums = 0, analysis.Sums()
    for row in rows:
        new_score = kind.grade(question.data, row.answer, question.points)
        if new_score == row.score and row.points == question.points:
            continue
        db.session.add(Regrade(answer_id=row.id, question_id=question.id, by_id=by.id, at=now,
                               old_score=row.score, new_score=new_score))
        # A finished attempt's place in the item analysis moves with its scores: out with the old, in with the new.
        if row.attempt.is_finished:
            sums.add(analysis.contribution(row.attempt), -1)
        row.score, row.points = new_score, question.points
        _retotal(row.attempt)
        if row.attempt.is_finished:
            sums.add(analysis.contribution(row.attempt))
        changed += 1
    analysis.record(question.quiz_id, sums)
    db.session.flush()
    audit.record("quiz.regrade", actor=by, detail={"question_id": question.id, "changed": changed})
    return changed
