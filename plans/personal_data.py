"""What plans holds about a person (their needs assessments), for privacy's export and erasure."""
from sqlalchemy import delete

from core.extensions import db
from core.timezones import iso
from plans.assessments import all_questions, assessments_of
from plans.models import Assessment


def personal_data(user) -> dict:
    questions = all_questions()

    def wording(key: str, value):
        question = questions.get(key)
        return {"question": question.prompt if question else key, "answer": question.label_of(value) if question else value}

    return {"assessments": [{"taken_at": iso(a.taken_at),
                             "answers": [wording(key, value) for key, value in a.answers.items()],
                             "confidence": [wording(key, value) for key, value in a.ratings.items()]}
                            for a in assessments_of(user.id)]}


def erase(user, by) -> None:
    """Delete the person's assessments: their answers are about them alone and nobody else relies on them."""
    db.session.execute(delete(Assessment).where(Assessment.person_id == user.id))
