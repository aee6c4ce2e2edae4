"""Taking a quiz with the question navigator, flags, the word counter and autosave; item analysis's flagged rows."""
import random
import re
from types import SimpleNamespace

import pytest

from curriculum.models import Question
from modules.models import Attempt
from tests.e2e.browser import expect
from tests.e2e.test_quiz import answer_with_keyboard, tab_to
from tests.modules.quiz_helpers import fixture_quiz, released_trainee, sit_papers


def test_item_analysis_with_flagged_rows_and_few_attempts_is_axe_clean(db, make_user, check_both_widths, curriculum):
    rng = random.Random(3)
    # Question 0 everyone gets right (flagged "Very easy"), the rest at random: several rows are flagged.
    quiz, _ = sit_papers([{0: 1.0} | {index: float(rng.random() < 0.5) for index in range(1, 6)} for _ in range(8)])
    check_both_widths(f"/admin/quizzes/{quiz.id}/analysis", make_user("admin"), "admin")


def _start(db, make_user, make_run, enrol, max_words=12):
    """A trainee on the whole fixture bank, untimed, its written question limited to `max_words`."""
    quiz = fixture_quiz()
    quiz.draw, quiz.shuffle, quiz.time_limit_minutes = None, False, None
    written = db.session.scalar(db.select(Question).where(Question.quiz_id == quiz.id, Question.type == "written"))
    written.data = written.data | {"max_words": max_words}
    db.session.commit()
    trainee, _ = released_trainee(make_user, make_run, enrol)
    return trainee


def _attempt(db) -> Attempt:
    db.session.expire_all()
    return db.session.scalar(db.select(Attempt).order_by(Attempt.id.desc()))


def _rows(db) -> list[SimpleNamespace]:
    """The newest attempt's rows as plain values, and the transaction ended: on SQLite a test that holds one
    (its lock) would keep the server from saving."""
    rows = [SimpleNamespace(id=row.id, position=row.position, question_id=row.question_id,
                            question=SimpleNamespace(id=row.question.id, type=row.question.type,
                                                     data=row.question.data))
            for row in _attempt(db).answers]
    db.session.commit()
    return rows


def _saved(db) -> list[tuple]:
    """(answered, flagged) of each question of the newest attempt, read in a transaction ended at once."""
    states = [(row.answer is not None, row.flagged) for row in _attempt(db).answers]
    db.session.commit()
    return states


def _nav(page, row):
    return page.locator(f"[data-nav-for='{row.id}']")


@pytest.mark.parametrize("width", [1280, 375])
def test_answers_and_flags_save_as_they_change_and_the_navigator_follows(db, chromium, live_server, make_user,
                                                                          make_run, enrol, sign_in, axe_check,
                                                                          screenshot, curriculum, width):
    trainee = _start(db, make_user, make_run, enrol)
    context = chromium.new_context(base_url=live_server, viewport={"width": width, "height": 900},
                                   is_mobile=width < 400, has_touch=width < 400)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        sign_in(page, trainee)
        page.goto("/modules/appeals-basics/quiz")
        page.get_by_role("button", name="Start the quiz").click()
        page.wait_for_url(re.compile(r"/attempts/\d+"))
        rows = _rows(db)
        expect(page.locator(".js-save-mode")).to_contain_text("saved as you give it")
        expect(page.locator(".js-summary")).to_have_text("0 of 7 answered, 0 flagged")

        # Answer the first question with the keyboard: no Save pressed, it is saved and the navigator says so.
        answer_with_keyboard(page, rows[0].question)
        expect(_nav(page, rows[0]).locator(".js-state")).to_have_text("Answered")
        expect(page.locator(f"#save-status-{rows[0].id}")).to_contain_text("Saved at")
        # Flag the second for later with the keyboard.
        tab_to(page, page.locator(f"#flag-{rows[1].id}"))
        page.keyboard.press("Space")
        expect(_nav(page, rows[1]).locator(".js-flag")).to_be_visible()
        expect(page.locator(".js-summary")).to_have_text("1 of 7 answered, 1 flagged")
        assert _saved(db)[:2] == [(True, False), (False, True)]
        axe_check(page)
        screenshot(page, f"quiz-navigator-{width}")
        if width < 400:
            assert page.evaluate("document.documentElement.scrollWidth") <= 375

        # Reload: the answer and the flag are still there.
        page.reload()
        expect(page.locator(f"#flag-{rows[1].id}")).to_be_checked()
        expect(_nav(page, rows[1])).to_contain_text("Flagged")

        # The navigator, by keyboard: question 6 is on page 2, and the page is saved on the way.
        sixth = rows[5]
        tab_to(page, _nav(page, sixth), limit=120)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"page=2#question-{sixth.id}$"))
        written = next(row for row in rows if row.question.type == "written")
        if written.position >= 5:
            field = page.locator(f"#q{written.question_id}")
            tab_to(page, field, limit=120)
            page.keyboard.type("The Court of Appeal asks whether the conviction is safe, not whether the jury erred.")
            expect(page.locator(f"#q{written.question_id}-words")).to_have_text("15 of 12 words: 3 over the limit")
            page.keyboard.press("Tab")
            # Over the limit the server refuses it, and the page says so.
            expect(page.get_by_role("alert")).to_contain_text("shorten it to 12 or fewer")
        axe_check(page)
        screenshot(page, f"quiz-navigator-page-2-{width}")
    finally:
        context.close()


def test_without_javascript_answers_and_flags_are_saved_page_by_page(db, phone_page, make_user, make_run, enrol,
                                                                       sign_in, axe_check, curriculum):
    trainee = _start(db, make_user, make_run, enrol)
    page = phone_page
    # The quiz's script is not served, as for a browser without JavaScript (axe itself still runs).
    page.route("**/static/quiz.js", lambda route: route.abort())
    sign_in(page, trainee)
    page.goto("/modules/appeals-basics/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/attempts/\d+"))
    rows = _rows(db)
    expect(page.locator(".js-save-mode")).to_contain_text("when you press Save or move to another page")
    answer_with_keyboard(page, rows[0].question)
    tab_to(page, page.locator(f"#flag-{rows[2].id}"))
    page.keyboard.press("Space")
    # Nothing is saved until the page is posted...
    assert _saved(db)[:3] == [(False, False)] * 3
    # ...and the navigator posts it: going to question 6, by keyboard, saves page 1 first.
    tab_to(page, _nav(page, rows[5]), limit=120)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"page=2#question-{rows[5].id}$"))
    assert _saved(db)[:3] == [(True, False), (False, False), (False, True)]
    expect(_nav(page, rows[0])).to_contain_text("Answered")
    expect(_nav(page, rows[2])).to_contain_text("Flagged")
    expect(page.locator(".js-summary")).to_have_text("1 of 7 answered, 1 flagged")
    axe_check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
