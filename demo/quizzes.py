"""Demo quiz attempts for `flask demo load`: other trainees' submitted attempts, one written answer to mark.

Idempotent like courses/demo.py: a trainee who already has an attempt at a quiz gets no more.
"""
import random

from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from curriculum.models import Quiz
from modules.attempts import standings, start_attempt, submit
from modules.grading import draw_paper
from modules.models import Attempt

#: (e-mail, chance of answering each question right): a stronger and a weaker trainee
SITTERS = [("trainee2@example.org", 0.8), ("trainee3@example.org", 0.45)]


def sample_answer(question, order: list[str], rng: random.Random, right: bool):
    """A plausible answer of the question's shape: the key when `right`, otherwise a near miss (demo and bench)."""
    return question.kind.sample_answer(question.data, right, order, rng)


def _seed_with_written(quiz: Quiz, wanted: bool = True) -> int:
    """A seed whose paper includes a question a person marks (so the marking queue has something in it), or none."""
    written = {question.id for question in quiz.questions if question.kind.is_marked_by_person}
    return next((seed for seed in range(1, 500)
                 if bool(written & {drawn.question_id for drawn in draw_paper(quiz.questions, quiz.draw, quiz.shuffle,
                                                                               seed)}) is wanted), 1)


def load_demo_attempts() -> None:
    quizzes = db.session.scalars(select(Quiz).order_by(Quiz.id)).all()
    for sitter_index, (email, skill) in enumerate(SITTERS):
        user = User.find_by_email(email)
        done = set(db.session.scalars(select(Attempt.quiz_id).where(Attempt.user_id == user.id)))
        for quiz_index, quiz in enumerate(quizzes):
            if quiz.id in done or not quiz.questions:
                continue
            rng = random.Random(f"{email}:{quiz.id}")
            # The weaker trainee's first quiz has a written answer waiting for mentor@example.org;
            # everything else is auto-graded so the item analysis has finished attempts to show.
            wants_written = sitter_index == 1 and quiz_index == 0
            seed = _seed_with_written(quiz) if wants_written else rng.randrange(1, 2 ** 31)
            attempt = start_attempt(quiz, user, seed=seed)
            for row in attempt.answers:
                if row.question.kind.is_marked_by_person and not wants_written:
                    continue
                row.answer = sample_answer(row.question, row.option_order, rng, rng.random() < skill)
            submit(attempt)


def pass_quiz(user: User, quiz: Quiz) -> None:
    """A fully right, automatically graded attempt (a paper without written questions), unless already passed."""
    if standings(user.id, [quiz])[quiz.id].is_passed:
        return
    attempt = start_attempt(quiz, user, seed=_seed_with_written(quiz, wanted=False))
    rng = random.Random(f"{user.email}:{quiz.id}")
    for row in attempt.answers:
        row.answer = sample_answer(row.question, row.option_order, rng, right=True)
    submit(attempt)
