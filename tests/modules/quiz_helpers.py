"""Helpers shared by the quiz tests: enrol a trainee on a released module and answer its paper."""
from datetime import timedelta

from core.extensions import db
from curriculum.models import Module, Question, Quiz
from modules.models import Attempt


def fixture_quiz() -> Quiz:
    return db.session.scalar(db.select(Quiz).join(Module).where(Module.slug == "appeals-basics"))


def right_answer_form(question: Question, name: str) -> dict:
    """The form fields that answer `question` fully right (a question a person marks gets some text)."""
    kind = question.kind
    return kind.answer_form(question.data, kind.sample_answer(question.data, right=True), name)


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
    written = next(row for row in attempt.answers if row.question.kind.is_marked_by_person)
    written.answer = "The conviction is unsafe."
    submit(attempt)
    db.session.commit()
    return attempt, written


def sit_papers(papers: list[dict[int, float]]) -> tuple[Quiz, list[Question]]:
    """Graded first attempts at the fixture quiz, one per paper ({index among its automatically graded
    questions: score of 0 to 1}), each by a new trainee; for item analysis."""
    from core.db import utcnow
    from modules.analysis import rebuild
    from modules.models import AttemptAnswer, AttemptState
    from tests.conftest import new_user

    quiz = fixture_quiz()
    questions = db.session.scalars(db.select(Question).where(Question.quiz_id == quiz.id, Question.type != "written")
                                   .order_by(Question.id)).all()
    for paper in papers:
        scores = {questions[index]: score for index, score in paper.items()}
        total = sum(scores.values())
        attempt = Attempt(quiz_id=quiz.id, user_id=new_user("trainee").id, number=1, seed=1,
                          state=AttemptState.GRADED, submitted_at=utcnow(), score=total,
                          max_score=len(scores), grade=100 * total / len(scores))
        attempt.answers = [AttemptAnswer(question_id=question.id, position=position, answer="x", score=score,
                                         points=1) for position, (question, score) in enumerate(scores.items())]
        db.session.add(attempt)
    db.session.flush()
    rebuild(quiz)  # the attempts were written directly, not finished through submit(): count them
    db.session.commit()
    return quiz, questions


def add_quiz_world(trainee) -> dict:
    """The trainee's second attempt, in progress and untimed (the access matrix runs for minutes), for autosave."""
    from modules.attempts import start_attempt

    attempt = start_attempt(fixture_quiz(), trainee)
    attempt.deadline_at = None
    db.session.commit()
    return {"attempt_in_progress": attempt.id, "answer_in_progress": attempt.answers[0].id}
