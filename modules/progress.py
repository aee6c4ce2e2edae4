"""Progress through lessons, as plain values; every page that shows progress uses these."""
from dataclasses import dataclass

from sqlalchemy import select

from core.db import insert_if_absent, utcnow
from core.extensions import db
from modules.models import LessonRead


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.done >= self.total

    def __add__(self, other: "Progress") -> "Progress":
        return Progress(self.done + other.done, self.total + other.total)


def lesson_progress(lesson_ids: list[int], read_ids: set[int]) -> Progress:
    return Progress(sum(1 for lesson_id in lesson_ids if lesson_id in read_ids), len(lesson_ids))


def combined(progresses) -> Progress:
    return sum(progresses, Progress(0, 0))


def next_unread(lessons: list, read_ids: set[int]):
    """The first lesson not yet read, in reading order (None when all are read)."""
    return next((lesson for lesson in lessons if lesson.id not in read_ids), None)


def read_lesson_ids(user_ids, lesson_ids=None) -> dict[int, set[int]]:
    """For each user, the ids of the lessons they have read (one query for any number of users)."""
    query = select(LessonRead.user_id, LessonRead.lesson_id).where(LessonRead.user_id.in_(list(user_ids)))
    if lesson_ids is not None:
        query = query.where(LessonRead.lesson_id.in_(list(lesson_ids)))
    result: dict[int, set[int]] = {user_id: set() for user_id in user_ids}
    for user_id, lesson_id in db.session.execute(query):
        result[user_id].add(lesson_id)
    return result


def record_read(user_id: int, lesson_id: int) -> None:
    """Mark a lesson read; opening it again (or in two tabs at once) changes nothing."""
    insert_if_absent(LessonRead, user_id=user_id, lesson_id=lesson_id, read_at=utcnow())
