"""Quiz rules as plain functions: draws, totals, grading methods, passing, attempts left, deadlines."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from curriculum.models import Grading
from modules.grading import attempts_left, deadline, draw_paper, is_passed, quiz_grade, totals

BANK = [SimpleNamespace(id=i, type="single", data={"options": [{"id": f"{i}{c}", "correct": c == "a"} for c in "abcd"]})
        for i in range(1, 21)]


def test_a_draw_is_the_same_for_the_same_seed_and_differs_between_seeds():
    first = draw_paper(BANK, 10, True, seed=1234)
    assert first == draw_paper(BANK, 10, True, seed=1234)
    assert len(first) == 10 and len({drawn.question_id for drawn in first}) == 10
    assert any(draw_paper(BANK, 10, True, seed=seed) != first for seed in range(5))


def test_without_shuffle_the_bank_order_and_option_order_are_kept():
    paper = draw_paper(BANK, 5, False, seed=99)
    ids = [drawn.question_id for drawn in paper]
    assert ids == sorted(ids)
    assert all(drawn.order == [f"{drawn.question_id}{c}" for c in "abcd"] for drawn in paper)


def test_no_draw_takes_the_whole_bank():
    assert sorted(drawn.question_id for drawn in draw_paper(BANK, None, True, seed=5)) == list(range(1, 21))


def test_totals_wait_for_every_score():
    assert totals([(1.0, 1), (0.5, 1), (0.0, 2)]).grade == 37.5
    assert totals([(1.0, 1), (None, 5)]).score is None and totals([(1.0, 1), (None, 5)]).max_score == 6
    assert totals([]).grade == 0.0


@pytest.mark.parametrize("method, expected", [(Grading.HIGHEST, 80), (Grading.LATEST, 60), (Grading.FIRST, 40),
                                              (Grading.AVERAGE, 60), ("average", 60)])
def test_grading_methods(method, expected):
    assert quiz_grade(method, [40, 80, 60]) == expected


def test_no_finished_attempt_means_no_grade_and_no_pass():
    assert quiz_grade("highest", []) is None
    assert not is_passed(None, 70)
    assert is_passed(70, 70) and not is_passed(69.99, 70)
    with pytest.raises(ValueError):
        quiz_grade("median", [1])


def test_attempts_left_counts_extra_attempts_and_zero_means_unlimited():
    assert attempts_left(3, 0, 1) == 2
    assert attempts_left(3, 2, 3) == 2
    assert attempts_left(3, 0, 5) == 0
    assert attempts_left(0, 0, 50) is None


def test_deadline_adds_extra_minutes():
    start = datetime(2026, 1, 1, 10, tzinfo=timezone.utc)
    assert deadline(start, 20, 10) == start + timedelta(minutes=30)
    assert deadline(start, None, 10) is None


def test_an_unknown_grading_method_is_a_programming_error():
    with pytest.raises(ValueError):
        quiz_grade("best", [40])
