"""What plans holds about a person, for privacy's export."""
from core.timezones import iso
from plans.assessments import all_questions, assessments_of


def personal_data(user) -> dict:
    questions = all_questions()

    def wording(key: str, value):
        question = questions.get(key)
        return {"question": question.prompt if question else key, "answer": question.label_of(value) if question else value}

    return {"assessments": [{"taken_at": iso(a.taken_at),
                             "answers": [wording(key, value) for key, value in a.answers.items()],
                             "confidence": [wording(key, value) for key, value in a.ratings.items()]}
                            for a in assessments_of(user.id)]}
