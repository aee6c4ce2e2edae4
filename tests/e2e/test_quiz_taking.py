"""Taking a quiz with the question navigator, flags, the word counter and autosave; item analysis's flagged rows."""
import random

from tests.modules.quiz_helpers import sit_papers


def test_item_analysis_with_flagged_rows_and_few_attempts_is_axe_clean(db, make_user, check_both_widths, curriculum):
    rng = random.Random(3)
    # Question 0 everyone gets right (flagged "Very easy"), the rest at random: several rows are flagged.
    quiz, _ = sit_papers([{0: 1.0} | {index: float(rng.random() < 0.5) for index in range(1, 6)} for _ in range(8)])
    check_both_widths(f"/admin/quizzes/{quiz.id}/analysis", make_user("admin"), "admin")
