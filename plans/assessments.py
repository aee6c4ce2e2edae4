"""Saving needs assessments and comparing them. Flush only; views commit."""
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts.models import User
from core import audit
from core.extensions import db
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
    assessment = Assessment(person_id=person.id, taken_by_id=by.id, answers=answers, ratings=ratings,
                            request_key=request_key)
    try:
        with db.session.begin_nested():
            db.session.add(assessment)
            db.session.flush()
    except IntegrityError:
        existing = _by_request_key(person.id, request_key)
        if existing is None:
            raise
        return existing
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
