"""Helpers shared by the quiz tests: enrol a trainee on a released module and answer its paper."""
from datetime import timedelta

from core.extensions import db
from curriculum.models import Module, Question, Quiz
from modules.models import Attempt


def fixture_quiz() -> Quiz:
    return db.session.scalar(db.select(Quiz).join(Module).where(Module.slug == "appeals-basics"))


def right_answer_form(question: Question, name: str) -> dict:
    """The form fields that answer `question` fully right (a written question gets some text)."""
    data = question.data
    if question.type == "single":
        return {name: next(o["id"] for o in data["options"] if o["correct"])}
    if question.type == "multiple":
        return {name: [o["id"] for o in data["options"] if o["correct"]]}
    if question.type == "true_false":
        return {name: "true" if data["answer"] else "false"}
    if question.type == "short":
        return {name: data["answers"][0]}
    if question.type == "ordering":
        return {f"{name}-{item['id']}": str(index + 1) for index, item in enumerate(data["items"])}
    if question.type == "matching":
        return {f"{name}-{pair['id']}": pair["id"] for pair in data["pairs"]}
    return {name: "The conviction is unsafe."}


def page_form(attempt: Attempt, page: int, per_page: int = 5, right: bool = True, go: str = "next") -> dict:
    rows = attempt.answers[(page - 1) * per_page: page * per_page]
    form = {"shown": ",".join(str(row.id) for row in rows), "go": go}
    if right:
        for row in rows:
            form |= right_answer_form(row.question, f"q{row.question_id}")
    return form


def released_trainee(make_user, make_run, enrol, mentors=(), **user):
    """A trainee enrolled on a workshop run (its modules are open on enrolment)."""
    trainee = make_user("trainee", **user)
    run = make_run(mentors=list(mentors), starts_in=timedelta(days=3))
    enrol(run, trainee)
    return trainee, run


def awaiting_marking(trainee) -> tuple[Attempt, object]:
    """A submitted attempt at the whole fixture bank whose written answer waits for a mentor."""
    from modules.attempts import start_attempt, submit

    quiz = fixture_quiz()
    quiz.draw = None
    attempt = start_attempt(quiz, trainee)
    written = next(row for row in attempt.answers if row.question.type == "written")
    written.answer = "The conviction is unsafe."
    submit(attempt)
    db.session.commit()
    return attempt, written
