"""A timed quiz taken with the keyboard only; quiz, marking and analysis pages are axe clean at 1280 and 375 px."""
import re
from datetime import timedelta

import pytest

from core.db import utcnow
from curriculum.models import Question
from modules.models import Attempt, AttemptState
from tests.e2e.browser import expect
from tests.modules.quiz_helpers import awaiting_marking, fixture_quiz, released_trainee


def tab_to(page, locator, limit=80):
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    handle = locator.element_handle()
    for _ in range(limit):
        if page.evaluate("element => document.activeElement === element", handle):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def answer_with_keyboard(page, question: Question):
    name = f"q{question.id}"
    data = question.data
    if question.type in ("single", "true_false"):
        radios = page.locator(f"input[name='{name}']")
        target = (next(o["id"] for o in data["options"] if o["correct"]) if question.type == "single"
                  else ("true" if data["answer"] else "false"))
        tab_to(page, radios.first)
        page.keyboard.press("Space")
        for _ in range(radios.count()):
            if page.locator(f"input[name='{name}'][value='{target}']").is_checked():
                break
            page.keyboard.press("ArrowDown")
        expect(page.locator(f"input[name='{name}'][value='{target}']")).to_be_checked()
    elif question.type == "multiple":
        for option in data["options"]:
            if option["correct"]:
                tab_to(page, page.locator(f"#{name}-{option['id']}"))
                page.keyboard.press("Space")
    elif question.type == "short":
        tab_to(page, page.locator(f"#{name}"))
        page.keyboard.type(data["answers"][0])
    elif question.type in ("ordering", "matching"):
        entries = data["items"] if question.type == "ordering" else data["pairs"]
        for index, entry in enumerate(entries):
            select = page.locator(f"#{name}-{entry['id']}")
            wanted = str(index + 1) if question.type == "ordering" else entry["id"]
            values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
            tab_to(page, select)
            for _ in range(values.index(wanted)):
                page.keyboard.press("ArrowDown")
            expect(select).to_have_value(wanted)


def test_a_timed_quiz_with_the_keyboard_only(page, db, make_user, make_run, enrol, sign_in, axe_check, screenshot,
                                             curriculum):
    quiz = fixture_quiz()
    quiz.draw = None
    db.session.execute(db.update(Question).where(Question.type == "written").values(is_retired=True))
    db.session.commit()
    trainee, _ = released_trainee(make_user, make_run, enrol)
    sign_in(page, trainee)
    page.goto("/modules/appeals-basics/quiz")
    axe_check(page)
    screenshot(page, "quiz-start")
    tab_to(page, page.get_by_role("button", name="Start the quiz"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/attempts/\d+"))
    expect(page.locator("#countdown")).to_contain_text(re.compile(r"Time left: 9:\d\d"))
    attempt = db.session.scalar(db.select(Attempt))
    questions = [row.question for row in attempt.answers]
    db.session.commit()  # SQLite: hold no transaction (its write lock) while the browser works
    for question in questions[:5]:
        answer_with_keyboard(page, question)
    axe_check(page)
    screenshot(page, "quiz-page-1")
    tab_to(page, page.get_by_role("button", name="Next page"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"page=2"))

    # The trainee closes the tab and comes back: the answers are still there.
    page.goto("/modules/appeals-basics/quiz")
    tab_to(page, page.get_by_role("link", name="Resume your attempt"))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"page=2"))

    # Only seconds are left: the countdown runs out and the server submits the saved answers.
    attempt = db.session.get(Attempt, attempt.id)
    attempt.deadline_at = utcnow() + timedelta(seconds=4)
    db.session.commit()
    page.reload()
    expect(page.locator("#countdown")).to_contain_text("Time left: 0:0")
    page.wait_for_url(re.compile(r"/review$"), timeout=20_000)
    expect(page.get_by_role("status")).to_contain_text("Time is up")
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.state is AttemptState.GRADED and attempt.score == 5 and attempt.max_score == 6
    axe_check(page)
    screenshot(page, "quiz-review")


@pytest.mark.parametrize("role, path", [
    ("trainee", "/modules/appeals-basics/quiz"),
    ("trainee", "/attempts/{in_progress}?page=1"),
    ("trainee", "/attempts/{in_progress}/submit"),
    ("trainee", "/attempts/{attempt}/review"),
    ("mentor", "/marking"),
    ("mentor", "/answers/{written}/mark"),
    ("mentor", "/quizzes/{quiz}/learners/{trainee}/adjustment"),
    ("admin", "/admin/quizzes/{quiz}/analysis"),
    ("admin", "/admin/quizzes/{quiz}/regrade"),
])
def test_quiz_pages_are_accessible(db, make_user, make_run, enrol, check_both_widths, curriculum, role, path):
    from modules.attempts import start_attempt

    mentor, admin = make_user("mentor"), make_user("admin")
    trainee, _ = released_trainee(make_user, make_run, enrol, mentors=[mentor])
    attempt, written = awaiting_marking(trainee)
    in_progress = start_attempt(attempt.quiz, trainee)
    db.session.commit()
    people = {"trainee": trainee, "mentor": mentor, "admin": admin}
    url = path.format(in_progress=in_progress.id, attempt=attempt.id, written=written.id, quiz=attempt.quiz_id,
                      trainee=trainee.id)
    check_both_widths(url, people[role], role)
