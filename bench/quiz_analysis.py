"""Seed 100,000 submitted quiz attempts and time the item analysis page.

    .venv/bin/python -m bench.quiz_analysis                 # a throw-away SQLite database
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/bench .venv/bin/python -m bench.quiz_analysis

The database must be empty (it is migrated and filled here). BENCH_ATTEMPTS changes the
number of attempts (default 100,000: half the trainees sit twice, so 50,000 are first attempts).
Prints the median and slowest of BENCH_REQUESTS requests for the page (first and all attempts) and the CSV.
"""
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert, text

from accounts.models import User
from accounts.sessions import new_session
from app import create_app
from core.config import normalise_database_url
from core.db import utcnow
from core.extensions import db
from courses.loader import apply_curriculum, read_curriculum
from curriculum.models import Module, Quiz
from curriculum.question_types import QUESTION_TYPES
from demo.quizzes import sample_answer
from modules.analysis import rebuild
from modules.grading import draw_paper, totals
from modules.models import Attempt, AttemptAnswer, AttemptState

ROOT = Path(__file__).parent.parent
ATTEMPTS = int(os.environ.get("BENCH_ATTEMPTS", "100000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "10"))
BATCH = 20_000


def seed() -> int:
    curriculum, problems = read_curriculum(ROOT / "content")
    assert not problems, problems
    apply_curriculum(curriculum)
    admin = User(email="admin@bench.example.org", display_name="Admin", is_admin=True, password_hash="x")
    db.session.add(admin)
    db.session.commit()
    quiz = db.session.scalar(db.select(Quiz).join(Module).where(Module.slug == "appeals-law"))
    questions = {question.id: question for question in quiz.questions}
    difficulty = {question_id: random.Random(question_id).uniform(-1.5, 1.5) for question_id in questions}
    rng = random.Random(2026)
    trainees = (ATTEMPTS + 1) // 2
    db.session.execute(insert(User), [
        {"email": f"t{n}@bench.example.org", "display_name": f"Trainee {n}", "is_trainee": True, "password_hash": "x",
         "timezone": "Europe/London", "is_admin": False, "is_mentor": False, "is_leader": False,
         "is_active_account": True, "created_at": utcnow()} for n in range(trainees)])
    user_ids = db.session.scalars(db.select(User.id).where(User.is_trainee.is_(True)).order_by(User.id)).all()
    now, attempt_id = utcnow(), 0
    attempts, answers = [], []

    def flush():
        if not attempts:
            return
        db.session.execute(insert(Attempt), attempts)
        db.session.execute(insert(AttemptAnswer), answers)
        attempts.clear()
        answers.clear()

    for index in range(ATTEMPTS):
        attempt_id += 1
        user_id, number = user_ids[index % trainees], 1 + index // trainees
        ability = rng.gauss(0.6, 1.0)
        rows = []
        for position, drawn in enumerate(draw_paper(list(questions.values()), quiz.draw, quiz.shuffle,
                                                    rng.randrange(2 ** 31))):
            question = questions[drawn.question_id]
            kind = QUESTION_TYPES[question.type]
            right = rng.random() < 1 / (1 + 2.718 ** -(ability - difficulty[question.id]))
            # Answers a person would mark are left blank, so every attempt is graded.
            answer = None if kind.is_marked_by_person else sample_answer(question, drawn.order, rng, right)
            score = kind.grade(question.data, answer, question.points)
            rows.append({"attempt_id": attempt_id, "question_id": question.id, "position": position,
                         "option_order": drawn.order, "answer": answer, "choice_key": kind.choice_key(answer),
                         "points": question.points, "score": score, "needs_marking": False, "comment": ""})
        total = totals([(row["score"], row["points"]) for row in rows])
        attempts.append({"id": attempt_id, "quiz_id": quiz.id, "user_id": user_id, "number": number,
                         "state": AttemptState.GRADED.name, "seed": 0, "started_at": now, "submitted_at": now,
                         "last_page": 1, "score": total.score, "max_score": total.max_score, "grade": total.grade})
        answers.extend(rows)
        if len(attempts) == BATCH:
            flush()
    flush()
    rebuild(quiz)  # written directly, not finished through submit(): count them in the item-analysis sums
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return quiz.id, admin.id


def time_page(client, url: str) -> tuple[float, float]:
    assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings)


def main():
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        quiz_id, admin_id = seed()
        print(f"seeded {ATTEMPTS:,} attempts on {url.split(':')[0]} in {time.perf_counter() - started:.0f} s")
        admin = db.session.get(User, admin_id)
        new_session(admin)
        db.session.commit()
        cookie_id = admin.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = cookie_id
    print(f"{'page':<52} {'median ms':>10} {'max ms':>8}")
    for page in (f"/admin/quizzes/{quiz_id}/analysis", f"/admin/quizzes/{quiz_id}/analysis?attempts=all",
                 f"/admin/quizzes/{quiz_id}/analysis.csv?attempts=all"):
        median, slowest = time_page(client, page)
        print(f"{page:<52} {median:>10.1f} {slowest:>8.1f}")


if __name__ == "__main__":
    main()
