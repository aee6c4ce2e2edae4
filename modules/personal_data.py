"""What modules holds about a person (lessons read, quiz attempts, sign-off requests and their files), for
privacy's export, erasure and retention schedule."""
from datetime import datetime

from sqlalchemy import delete, func, null, select, update
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.timezones import iso
from curriculum.models import Lesson
from curriculum.question_types import QUESTION_TYPES
from modules.evidence import path_of, remove_after_commit
from modules.models import (
    FINISHED_STATES,
    Attempt,
    AttemptAnswer,
    AttemptState,
    LessonRead,
    QuizAdjustment,
    SignOff,
    SignOffVersion,
)


def _sign_offs(user):
    return db.session.scalars(select(SignOff).where(SignOff.learner_id == user.id).order_by(SignOff.id).options(
        selectinload(SignOff.versions), selectinload(SignOff.events))).all()


def _file_name(version: SignOffVersion) -> str:
    return f"files/sign-off-{version.sign_off_id}-v{version.number}-{version.file_name}"


def personal_data(user) -> dict:
    reads = db.session.execute(select(LessonRead.read_at, Lesson.title).join(Lesson, Lesson.id == LessonRead.lesson_id)
                               .where(LessonRead.user_id == user.id).order_by(LessonRead.read_at)).all()
    attempts = db.session.scalars(select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.id).options(
        selectinload(Attempt.answers).selectinload(AttemptAnswer.question))).all()
    return {
        "lesson_reads": [{"lesson": title, "read_at": iso(at)} for at, title in reads],
        "quiz_attempts": [{
            "quiz": attempt.quiz.title, "number": attempt.number, "state": attempt.state.value,
            "started_at": iso(attempt.started_at), "submitted_at": iso(attempt.submitted_at),
            "score": attempt.score, "max_score": attempt.max_score, "grade": attempt.grade,
            "answers": [{"question": answer.question.prompt,
                         "answer": QUESTION_TYPES[answer.question.type].describe(answer.question.data, answer.answer),
                         "score": answer.score, "points": answer.points,
                         "marked_by": answer.marked_by.display_name if answer.marked_by else None,
                         "marked_at": iso(answer.marked_at), "comment": answer.comment}
                        for answer in attempt.answers]} for attempt in attempts],
        "sign_offs": [{
            "module": sign_off.module.title, "state": sign_off.state.value,
            "versions": [{"number": v.number, "answer": v.answer, "submitted_at": iso(v.submitted_at),
                          "file": _file_name(v) if v.file_key else None} for v in sign_off.versions],
            "decisions": [{"action": e.action.value, "by": e.actor.display_name if e.actor else None,
                           "version": e.version_number, "comment": e.comment,
                           "criteria_comments": e.criteria_comments, "at": iso(e.at)} for e in sign_off.events],
        } for sign_off in _sign_offs(user)],
    }


def files(user) -> list[tuple[str, object]]:
    """(name inside the export, path on disk) of each evidence file the person uploaded that is still kept."""
    return [(_file_name(v), path_of(v.file_key)) for s in _sign_offs(user) for v in s.versions
            if v.file_key and path_of(v.file_key).is_file()]


def erase(user, by) -> None:
    """Delete what the person wrote and uploaded; keep their finished attempts, nameless, for item analysis.

    Attempts keep their scores and the options chosen (`choice_key`, which item analysis counts) but lose the
    answers in words and the markers' comments about them. Sign-off requests go with their evidence files (their
    history is not rewritten, it is removed as a whole); the files leave the disk once the erasure commits.
    """
    for sign_off in _sign_offs(user):
        for version in sign_off.versions:
            if version.file_key:
                remove_after_commit(version.file_key)
    attempt_ids = select(Attempt.id).where(Attempt.user_id == user.id)
    db.session.execute(delete(Attempt).where(Attempt.user_id == user.id, Attempt.state == AttemptState.IN_PROGRESS))
    db.session.execute(update(AttemptAnswer).where(AttemptAnswer.attempt_id.in_(attempt_ids))
                       .values(answer=null(), comment="").execution_options(synchronize_session=False))
    # Core statements: the ORM refuses to delete sign-off history row by row; the database cascades it here.
    db.session.execute(delete(SignOff).where(SignOff.learner_id == user.id))
    db.session.execute(delete(LessonRead).where(LessonRead.user_id == user.id))
    db.session.execute(delete(QuizAdjustment).where(QuizAdjustment.user_id == user.id))
    db.session.expire_all()


def purge_quiz_answers(before: datetime, dry_run: bool) -> int:
    """Retention: clear the answers in words and the markers' comments of attempts submitted before `before`.

    Scores and the options chosen stay, so grades and item analysis do not change.
    """
    finished = select(Attempt.id).where(Attempt.state.in_(FINISHED_STATES), Attempt.submitted_at < before)
    wanted = (AttemptAnswer.attempt_id.in_(finished),
              AttemptAnswer.answer.is_not(None) | (AttemptAnswer.comment != ""))
    if dry_run:
        return db.session.scalar(select(func.count(AttemptAnswer.id)).where(*wanted))
    return db.session.execute(update(AttemptAnswer).where(*wanted).values(answer=null(), comment="")
                              .execution_options(synchronize_session=False)).rowcount


def purge_evidence_files(before: datetime, dry_run: bool) -> int:
    """Retention: delete the files attached to sign-off requests submitted before `before` (once the purge
    commits); the written answer and the decisions stay."""
    rows = db.session.execute(select(SignOffVersion.id, SignOffVersion.file_key).where(
        SignOffVersion.file_key.is_not(None), SignOffVersion.submitted_at < before)).all()
    if not dry_run and rows:
        # A Core statement: versions are history the ORM will not change; only retention empties their file.
        db.session.execute(update(SignOffVersion).where(SignOffVersion.id.in_([row.id for row in rows])).values(
            file_key=None, file_name=None, file_type=None, file_size=None).execution_options(synchronize_session=False))
        for row in rows:
            remove_after_commit(row.file_key)
    return len(rows)
