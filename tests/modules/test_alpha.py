"""Cronbach's alpha: hand-computed examples, never above 1 on random data, and no alpha where it is undefined."""
import random

import pytest

from modules.analysis import MIN_ATTEMPTS, analyse, cronbach_alpha
from tests.modules.quiz_helpers import sit_papers


def sums(matrix: list[list[float]]) -> tuple[int, float, float, list[tuple[int, float, float]]]:
    """(n, Σ total, Σ total², per item (answers, Σx, Σx²)) of a complete attempts × items score matrix."""
    totals = [sum(row) for row in matrix]
    items = [(len(matrix), sum(column), sum(x * x for x in column)) for column in zip(*matrix)]
    return len(matrix), sum(totals), sum(t * t for t in totals), items


def test_three_items_four_attempts_by_hand():
    # items 1 1 0 0 / 1 0 1 0 / 1 1 0 0: variances .25 each; totals 3 2 1 0: variance 1.25
    # alpha = 3/2 · (1 - .75/1.25) = 0.6
    alpha = cronbach_alpha(*sums([[1, 1, 1], [1, 0, 1], [0, 1, 0], [0, 0, 0]]))
    assert alpha.value == pytest.approx(0.6) and alpha.reason == ""


def test_two_items_with_different_points_by_hand():
    # x1 = 2 1 0 (variance 2/3), x2 = 1 1 0 (variance 2/9); totals 3 2 0 (variance 14/9)
    # alpha = 2 · (1 - (8/9)/(14/9)) = 6/7
    assert cronbach_alpha(*sums([[2, 1], [1, 1], [0, 0]])).value == pytest.approx(6 / 7)


def test_identical_items_give_exactly_one_and_opposed_items_go_negative():
    assert cronbach_alpha(*sums([[1, 1], [0, 0], [1, 1], [0, 0]])).value == 1.0
    # each item's variance .25, the totals' (2 1 1 2) also .25: 3/2 · (1 - .75/.25) = -3
    assert cronbach_alpha(*sums([[1, 0, 1], [0, 1, 0], [1, 0, 0], [0, 1, 1]])).value == pytest.approx(-3)


def test_attempts_that_drew_different_questions_get_no_alpha():
    # Bank of three, two drawn per attempt: A and D drew q1 q2, B q2 q3, C q1 q3. Everyone got q1 right and
    # q2, q3 wrong, so no item varies, yet the totals (1 0 1 1) do, only through the draw: the old
    # bank-weighted formula gave 2 · (1 - 0 / 0.1875) = 2.0 here.
    n, items = 4, [(3, 3.0, 3.0), (3, 0.0, 0.0), (2, 0.0, 0.0)]
    totals = [1, 0, 1, 1]
    alpha = cronbach_alpha(n, sum(totals), sum(t * t for t in totals), items)
    assert alpha.value is None and "did not all answer the same questions" in alpha.reason


def test_an_answer_to_a_question_not_listed_makes_alpha_undefined():
    n, total, total2, items = sums([[1, 1, 1], [1, 0, 1], [0, 1, 0], [0, 0, 0]])
    # The third question was retired from the bank: it is in the totals but not among the items.
    alpha = cronbach_alpha(n, total, total2, items[:2])
    assert alpha.value is None and "same questions" in alpha.reason


@pytest.mark.parametrize("matrix, reason", [
    ([[1, 0]], "at least two finished attempts"),
    ([[1], [0], [1]], "at least two questions"),
    ([[1, 0], [0, 1], [1, 0]], "same total"),
])
def test_undefined_cases_say_why(matrix, reason):
    alpha = cronbach_alpha(*sums(matrix))
    assert alpha.value is None and reason in alpha.reason


def test_alpha_never_exceeds_one_on_random_matrices():
    rng = random.Random(18)
    seen_defined = 0
    for _ in range(2000):
        n, k = rng.randint(2, 40), rng.randint(2, 9)
        ability = [rng.random() for _ in range(n)]
        points = [rng.choice((1, 1, 2, 5)) for _ in range(k)]
        # Scores loosely follow each attempt's ability (so alpha is often high), sometimes pure noise.
        coupling = rng.random()
        matrix = [[round(p * min(1.0, max(0.0, coupling * a + (1 - coupling) * rng.random())) * 2) / 2
                   for p in points] for a in ability]
        alpha = cronbach_alpha(*sums(matrix))
        if alpha.value is not None:
            seen_defined += 1
            assert alpha.value <= 1.0
    assert seen_defined > 1500


@pytest.fixture
def sit(curriculum):
    return sit_papers


def test_analysis_of_random_attempts_on_the_whole_bank_keeps_alpha_at_most_one(sit):
    rng = random.Random(7)
    papers = []
    for _ in range(40):
        ability = rng.random()
        papers.append({index: float(rng.random() < 0.3 + 0.6 * ability) for index in range(6)})
    quiz, _ = sit(papers)
    report = analyse(quiz)
    expected = cronbach_alpha(*sums([[paper[index] for index in range(6)] for paper in papers]))
    assert report.alpha is not None and report.alpha <= 1
    assert report.alpha == pytest.approx(expected.value)
    assert not report.is_provisional


def test_analysis_of_drawn_papers_shows_no_alpha_and_says_why(sit, client, login_as, make_user):
    rng = random.Random(11)
    papers = [{index: float(rng.random() < 0.6) for index in rng.sample(range(6), 3)} for _ in range(12)]
    quiz, _ = sit(papers)
    report = analyse(quiz)
    assert report.alpha is None and report.is_provisional
    login_as(make_user("admin"))
    page = client.get(f"/admin/quizzes/{quiz.id}/analysis").text
    assert "did not all answer the same questions" in page
    words = " ".join(page.split())
    assert f"Below {MIN_ATTEMPTS} attempts" in words and "12 finished attempts so far" in words
    csv = client.get(f"/admin/quizzes/{quiz.id}/analysis.csv").text
    assert "did not all answer the same questions" in csv
