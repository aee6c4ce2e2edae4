"""Needs assessments: the questionnaire (content, loaded from content/assessment.yaml) and the dated answers."""
import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.db import UTCDateTime, utcnow
from core.extensions import db


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
