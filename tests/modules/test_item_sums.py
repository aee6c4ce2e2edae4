"""The item analysis's running sums: kept by submit, mark and regrade, equal to recomputing them from every answer."""
import random

import pytest
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from curriculum.models import Question
from modules import analysis
from modules.attempts import mark, regrade_question, save_answers, start_attempt, submit
from modules.models import GradeSums, ItemSums, OptionCount, QuizAdjustment
from tests.modules.quiz_helpers import fixture_quiz


def _kept(quiz_id: int) -> dict:
    """Every sums row of the quiz, keyed, rows with nothing in them left out."""
    rows = {}
    for model, keys, names in ((GradeSums, ("is_first", "bucket"), analysis._GRADE_SUMS),
                               (ItemSums, ("is_first", "question_id"), analysis._ITEM_SUMS),
                               (OptionCount, ("is_first", "question_id", "option_id"), ("n",))):
        for row in db.session.scalars(select(model).where(model.quiz_id == quiz_id)):
            if row.n:
                rows[(model.__name__, *(getattr(row, key) for key in keys))] = [getattr(row, name) for name in names]
    return rows


def _assert_same(kept: dict, rebuilt: dict) -> None:
    assert kept.keys() == rebuilt.keys()
    for key, values in kept.items():
        assert values == pytest.approx(rebuilt[key], rel=1e-9, abs=1e-9), key


def _report(quiz, first_only):
    report = analysis.analyse(quiz, first_only)
    return (report.attempts, report.mean, report.sd, report.alpha, report.histogram,
            [(s.question.id, s.n, s.facility, s.discrimination, s.sd, s.unanswered, s.options, s.flags)
             for s in report.questions])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sums_kept_through_submit_mark_and_regrade_equal_the_full_computation(
        seed, curriculum, make_user, make_run, enrol):
    rng = random.Random(seed)
    quiz = fixture_quiz()
    quiz.attempts_allowed = 0
    mentor = make_user("mentor")
    run = make_run(mentors=[mentor])
    trainees = [make_user("trainee") for _ in range(12)]
    for trainee in trainees:
        enrol(run, trainee)
        db.session.add(QuizAdjustment(quiz_id=quiz.id, user_id=trainee.id, extra_attempts=5))
    db.session.commit()
    questions = {question.id: question for question in quiz.questions}
    awaiting = []
    for _ in range(30):
        trainee = rng.choice(trainees)
        attempt = start_attempt(quiz, trainee, seed=rng.randrange(10_000))
        answers = {}
        for row in attempt.answers:
            question = questions[row.question_id]
            if rng.random() < 0.15:
                continue  # left blank
            answers[row.id] = question.kind.sample_answer(question.data, rng.random() < 0.6, row.option_order, rng)
        save_answers(attempt, answers, utcnow(), 1)
        submit(attempt)
        awaiting += [row for row in attempt.answers if row.score is None]
        db.session.commit()
        if awaiting and rng.random() < 0.5:  # a mentor marks a written answer now and then
            row = awaiting.pop(rng.randrange(len(awaiting)))
            mark(row, rng.choice([0.0, row.points / 2, float(row.points)]), "", mentor)
            db.session.commit()
    # The key of a choice question is changed and its answers regraded, some attempts' grades with them.
    question = next(q for q in quiz.questions if q.type == "single")
    data = dict(question.data)
    data["options"] = [dict(option, correct=not option["correct"]) if index < 2 else option
                       for index, option in enumerate(data["options"])]
    db.session.execute(db.update(Question).where(Question.id == question.id).values(data=data))
    db.session.expire(question)
    assert regrade_question(question, make_user("admin")) > 0
    db.session.commit()

    kept, reports = _kept(quiz.id), [_report(quiz, first_only) for first_only in (True, False)]
    assert kept, "submitting, marking and regrading kept sums"
    analysis.rebuild(quiz)
    _assert_same(kept, _kept(quiz.id))
    for first_only, before in zip((True, False), reports):
        assert _close(_report(quiz, first_only), before)


def _close(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == pytest.approx(b, rel=1e-9, abs=1e-9)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    return a == b


def test_the_analysis_page_reads_the_sums_not_the_answers(client, login_as, make_user, curriculum, count_queries):
    quiz = fixture_quiz()
    login_as(make_user("admin"))
    client.get(f"/admin/quizzes/{quiz.id}/analysis")
    with count_queries() as queries:
        assert client.get(f"/admin/quizzes/{quiz.id}/analysis?attempts=all").status_code == 200
    assert not [statement for statement in queries if "quiz_attempt_answers" in statement]
