"""Saving needs assessments and comparing them. Flush only; views commit."""
from dataclasses import dataclass

from sqlalchemy import Exists, func, select

from accounts.models import User
from core import audit
from core.db import add_or_find
from core.extensions import db
from curriculum.models import Quiz
from mentoring.models import Attendance, Booking, BookingState
from modules.models import FINISHED_STATES, Attempt, LessonRead, SignOff, SignOffState
from plans.models import Assessment, AssessmentQuestion


def live_questions() -> list[AssessmentQuestion]:
    """The questionnaire as it is asked today, in order."""
    return list(db.session.scalars(select(AssessmentQuestion).where(AssessmentQuestion.is_retired.is_(False))
                                   .order_by(AssessmentQuestion.position)))


def all_questions() -> dict[str, AssessmentQuestion]:
    """Every question by key, retired ones too: an old assessment is shown with the wording it was answered in."""
    return {q.key: q for q in db.session.scalars(select(AssessmentQuestion).order_by(AssessmentQuestion.position))}


def assessments_of(person_id: int) -> list[Assessment]:
    """A person's assessments, oldest first."""
    return list(db.session.scalars(select(Assessment).where(Assessment.person_id == person_id)
                                   .order_by(Assessment.taken_at, Assessment.id)))


def has_assessments(person_id: int) -> Exists:
    return select(Assessment.id).where(Assessment.person_id == person_id).exists()


def latest_assessment(person_id: int) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.person_id == person_id)
                             .order_by(Assessment.taken_at.desc(), Assessment.id.desc()).limit(1))


def _by_request_key(person_id: int, request_key: str) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.request_key == request_key,
                                                      Assessment.person_id == person_id))


def save_assessment(person: User, by: User, answers: dict, ratings: dict, request_key: str) -> Assessment:
    """Save a dated assessment, or return the one this form (same request key) already saved.

    Two submissions of one form at once meet the unique request key: the
    second finds the first's row instead of saving a second assessment.
    """
    existing = _by_request_key(person.id, request_key)
    if existing is not None:
        return existing
    assessment, is_new = add_or_find(
        Assessment(person_id=person.id, taken_by_id=by.id, answers=answers, ratings=ratings, request_key=request_key),
        lambda: _by_request_key(person.id, request_key))
    if not is_new:
        return assessment
    audit.record("assessment.save", actor=by, subject=person, detail={"assessment_id": assessment.id})
    return assessment


@dataclass(frozen=True)
class TopicChange:
    key: str
    title: str
    then: int | None
    now: int | None

    @property
    def change(self) -> int | None:
        return None if self.then is None or self.now is None else self.now - self.then


def confidence_change(topics: list[AssessmentQuestion], first: Assessment | None,
                      latest: Assessment | None) -> list[TopicChange]:
    """Confidence per topic in the first and the latest assessment (the same one when there is only one)."""
    if latest is None:
        return []
    first = first or latest
    return [TopicChange(topic.key, topic.prompt, first.ratings.get(topic.key), latest.ratings.get(topic.key))
            for topic in topics if topic.key in first.ratings or topic.key in latest.ratings]


@dataclass(frozen=True)
class ActivityBetween:
    """What a person did between their first and latest assessments, to read beside the change in confidence."""

    lessons_read: int
    quizzes_passed: int
    modules_signed_off: int
    sessions_held: int


def activity_between(user_id: int, first: Assessment | None, latest: Assessment | None) -> ActivityBetween | None:
    """Counts over [first taken, latest taken), in one statement (run with one assessment too, so a page's
    statements do not grow with the number of assessments); None before any assessment."""
    if first is None or latest is None:
        return None
    start, end = first.taken_at, latest.taken_at

    def count(column, *conditions):
        return select(func.count(column)).where(*conditions).scalar_subquery()

    row = db.session.execute(select(
        count(LessonRead.id, LessonRead.user_id == user_id, LessonRead.read_at >= start, LessonRead.read_at < end),
        count(Attempt.id, Attempt.user_id == user_id, Attempt.state.in_(FINISHED_STATES), Attempt.grade.is_not(None),
              Attempt.submitted_at >= start, Attempt.submitted_at < end,
              Attempt.grade >= select(Quiz.pass_mark).where(Quiz.id == Attempt.quiz_id).scalar_subquery()),
        count(SignOff.id, SignOff.learner_id == user_id, SignOff.state == SignOffState.SIGNED_OFF,
              SignOff.state_changed_at >= start, SignOff.state_changed_at < end),
        count(Booking.id, Booking.learner_id == user_id, Booking.state == BookingState.CONFIRMED,
              Booking.attendance == Attendance.ATTENDED, Booking.starts_at >= start, Booking.starts_at < end),
    )).one()
    return ActivityBetween(*row)
