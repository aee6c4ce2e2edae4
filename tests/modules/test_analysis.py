"""Item analysis checked against a small data set worked out by hand."""
import math

import pytest

from core.db import utcnow
from core.extensions import db
from curriculum.models import Question
from curriculum.question_types import QUESTION_TYPES
from modules.analysis import analyse, rebuild
from modules.models import Attempt, AttemptAnswer, AttemptState
from tests.modules.quiz_helpers import fixture_quiz

KEYS = ("ab-unsafe", "ab-tf", "ab-days")
# Item scores per attempt (first attempts), one point each:
#   A: 1 1 1 (total 3)   B: 1 0 1 (2)   C: 0 1 0 (1)   D: 0 0 0 (0, ab-unsafe left blank)
# and A's second attempt scores 0 0 0 with a wrong ab-unsafe option.
FIRST = {"A": (1, 1, 1), "B": (1, 0, 1), "C": (0, 1, 0), "D": (0, 0, 0)}


def _answer(question: Question, right: bool, blank: bool):
    if blank:
        return None
    if question.type == "single":
        return next(o["id"] for o in question.data["options"] if o["correct"] is right)
    if question.type == "true_false":
        return question.data["answer"] if right else not question.data["answer"]
    return "28" if right else "14"


@pytest.fixture
def data(curriculum, make_user):
    quiz = fixture_quiz()
    questions = {q.key: q for q in db.session.scalars(db.select(Question).where(Question.key.in_(KEYS)))}
    people = {name: make_user("trainee") for name in FIRST}

    def sit(user, number, scores):
        attempt = Attempt(quiz_id=quiz.id, user_id=user.id, number=number, seed=1, state=AttemptState.GRADED,
                          submitted_at=utcnow(), max_score=3, score=sum(scores),
                          grade=round(100 * sum(scores) / 3, 2))
        for position, (key, score) in enumerate(zip(KEYS, scores)):
            question = questions[key]
            blank = user is people["D"] and key == "ab-unsafe"
            answer = _answer(question, bool(score), blank)
            attempt.answers.append(AttemptAnswer(
                question_id=question.id, position=position, answer=answer, score=float(score), points=1,
                choice_key=QUESTION_TYPES[question.type].choice_key(answer)))
        db.session.add(attempt)

    for name, scores in FIRST.items():
        sit(people[name], 1, scores)
    sit(people["A"], 2, (0, 0, 0))
    db.session.add(Attempt(quiz_id=quiz.id, user_id=people["B"].id, number=2, seed=2, max_score=3))  # in progress
    db.session.flush()
    rebuild(quiz)  # written directly rather than finished through submit(): count them
    db.session.commit()
    return quiz


def _stats(report, key):
    return next(stats for stats in report.questions if stats.question.key == key)


def test_first_attempt_statistics_match_the_hand_calculation(data):
    report = analyse(data)
    assert report.attempts == 4
    assert report.mean == pytest.approx(50.0)                       # (100 + 66.67 + 33.33 + 0) / 4
    assert report.sd == pytest.approx(math.sqrt((2 * 50 ** 2 + 2 * 16.67 ** 2) / 3), abs=1e-3)  # 43.03
    # k = 3, item variances .25 each, total score variance 1.25: 3/2 · (1 - .75/1.25)
    assert report.alpha == pytest.approx(0.6)
    assert report.histogram == [1, 0, 0, 1, 0, 0, 1, 0, 0, 1]
    unsafe, tf, days = (_stats(report, key) for key in KEYS)
    assert (unsafe.facility, tf.facility, days.facility) == (0.5, 0.5, 0.5)
    # ab-unsafe: x = 1 1 0 0 against the rest 2 1 1 0: covariance 1, spreads 1 and 2, so 1/√2
    assert unsafe.discrimination == pytest.approx(1 / math.sqrt(2))
    assert days.discrimination == pytest.approx(1 / math.sqrt(2))
    # ab-tf: x = 1 0 1 0 against the rest 2 2 0 0: no correlation, flagged
    assert tf.discrimination == pytest.approx(0.0)
    assert tf.flags == ["Low discrimination"] and unsafe.flags == []
    assert [(count, correct) for _, count, correct in unsafe.options] == [(2, True), (1, False)]
    assert unsafe.unanswered == 1
    # the key is False: right twice, wrong (True) twice
    assert [(text, count) for text, count, _ in tf.options] == [("True", 2), ("False", 2)]


def test_all_attempts_can_be_selected(data):
    report = analyse(data, first_only=False)
    assert report.attempts == 5
    assert [(count, correct) for _, count, correct in _stats(report, "ab-unsafe").options] == [(2, True), (2, False)]
    assert _stats(report, "ab-unsafe").facility == pytest.approx(2 / 5)


def test_the_page_csv_and_chart(client, login_as, make_user, data):
    login_as(make_user("admin"))
    page = client.get(f"/admin/quizzes/{data.id}/analysis")
    assert page.status_code == 200
    assert "<svg" in page.text and "style=" not in page.text.split("<svg")[1].split("</svg>")[0]
    assert "Low discrimination" in page.text and "0.60" in page.text
    assert "5" in client.get(f"/admin/quizzes/{data.id}/analysis?attempts=all").text
    assert client.get(f"/admin/quizzes/{data.id}/analysis?attempts=some").status_code == 400
    csv = client.get(f"/admin/quizzes/{data.id}/analysis.csv")
    assert csv.mimetype == "text/csv" and "attachment" in csv.headers["Content-Disposition"]
    assert csv.headers["Cache-Control"] == "private, no-store"
    assert "ab-tf,true_false,4,0.500,0.000" in csv.text
    login_as(make_user("mentor"))
    assert client.get(f"/admin/quizzes/{data.id}/analysis").status_code == 403


def test_an_empty_quiz_analyses_without_error(client, login_as, make_user, curriculum):
    login_as(make_user("admin"))
    report = analyse(fixture_quiz())
    assert report.attempts == 0 and report.mean is None and report.alpha is None
    assert client.get(f"/admin/quizzes/{fixture_quiz().id}/analysis").status_code == 200
