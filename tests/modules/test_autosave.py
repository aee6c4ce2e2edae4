"""Saving answers and flags as they change (the rules, then HTTP), the navigator and the no-script path."""
from datetime import timedelta

import pytest

from core.db import utcnow
from core.extensions import db
from curriculum.models import Feedback, Question
from modules.attempts import KEEP, QuizRefusal, autosave, lock_attempt, start_attempt
from modules.models import DEADLINE_GRACE_SECONDS, Attempt, AttemptState
from tests.modules.quiz_helpers import fixture_quiz, page_form, released_trainee, right_answer_form


@pytest.fixture
def attempt(curriculum, make_user, make_run, enrol):
    """An attempt at the whole fixture bank (seven questions), timed (10 minutes), just started."""
    trainee, _ = released_trainee(make_user, make_run, enrol)
    quiz = fixture_quiz()
    quiz.draw = None
    attempt = start_attempt(quiz, trainee)
    db.session.commit()
    return attempt


def row_of(attempt: Attempt, kind: str):
    return next(row for row in attempt.answers if row.question.type == kind)


def reloaded(attempt: Attempt) -> Attempt:
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Attempt, attempt.id)


def test_an_answer_is_saved_once_and_saving_it_again_changes_nothing(attempt):
    row, now = row_of(attempt, "short"), utcnow()
    assert autosave(lock_attempt(attempt.id), row, now, "28") is True
    attempt = reloaded(attempt)
    row = row_of(attempt, "short")
    assert row.answer == "28" and row.saved_at is not None
    first_saved = row.saved_at
    assert autosave(lock_attempt(attempt.id), row, now + timedelta(seconds=30), "28") is False
    assert row_of(reloaded(attempt), "short").saved_at == first_saved
    assert autosave(lock_attempt(attempt.id), row_of(attempt, "short"), now + timedelta(seconds=40), "14") is True
    assert row_of(reloaded(attempt), "short").answer == "14"


def test_a_flag_is_stored_on_the_answer_and_cleared(attempt):
    row = row_of(attempt, "single")
    assert autosave(lock_attempt(attempt.id), row, utcnow(), flagged=True) is True
    assert autosave(lock_attempt(attempt.id), row, utcnow(), flagged=True) is False
    attempt = reloaded(attempt)
    assert row_of(attempt, "single").flagged and row_of(attempt, "single").answer is None
    assert [row.flagged for row in attempt.answers].count(True) == 1
    autosave(lock_attempt(attempt.id), row_of(attempt, "single"), utcnow(), KEEP, flagged=False)
    assert not row_of(reloaded(attempt), "single").flagged


def test_answers_are_refused_after_the_deadlines_grace(attempt):
    row = row_of(attempt, "short")
    deadline = attempt.deadline_at
    assert autosave(lock_attempt(attempt.id), row, deadline + timedelta(seconds=DEADLINE_GRACE_SECONDS), "28")
    with pytest.raises(QuizRefusal, match="Time ran out"):
        autosave(lock_attempt(attempt.id), row, deadline + timedelta(seconds=DEADLINE_GRACE_SECONDS + 1), "14")
    with pytest.raises(QuizRefusal, match="Time ran out"):
        autosave(lock_attempt(attempt.id), row, deadline + timedelta(seconds=DEADLINE_GRACE_SECONDS + 1), flagged=True)
    assert row_of(reloaded(attempt), "short").answer == "28"


def test_a_submitted_attempt_takes_no_more_answers(attempt):
    from modules.attempts import submit

    submit(lock_attempt(attempt.id))
    with pytest.raises(QuizRefusal, match="has been submitted"):
        autosave(lock_attempt(attempt.id), row_of(attempt, "short"), utcnow(), "28")


def test_with_immediate_feedback_an_answer_locks_but_its_flag_still_moves(attempt):
    attempt.quiz.feedback = Feedback.IMMEDIATE
    row = row_of(attempt, "short")
    assert autosave(lock_attempt(attempt.id), row, utcnow(), "28")
    assert row.score == 1
    assert autosave(lock_attempt(attempt.id), row, utcnow(), "14", flagged=True) is True
    assert row.answer == "28" and row.flagged


# -- through HTTP: what static/quiz.js sends, and the page without the script

def url(attempt, row) -> str:
    return f"/attempts/{attempt.id}/answers/{row.id}"


def answer_fields(row) -> dict:
    return right_answer_form(row.question, f"q{row.question_id}") | {"with_answer": "1"}


@pytest.fixture
def signed_in(attempt, login_as):
    login_as(attempt.user)
    return attempt


def test_autosave_answers_json_and_the_page_shows_it_after_a_reload(client, signed_in):
    attempt = signed_in
    row = row_of(attempt, "multiple")
    response = client.post(url(attempt, row), data=answer_fields(row) | {"flagged": "1"})
    assert response.status_code == 200, response.text
    assert response.json["answered"] is True and response.json["flagged"] is True and response.json["saved_at"]
    assert client.post(url(attempt, row), data=answer_fields(row) | {"flagged": "1"}).json == response.json
    page_number = row.position // 5 + 1
    page = client.get(f"/attempts/{attempt.id}?page={page_number}").text
    assert f'id="flag-{row.id}" value="1" checked' in page
    assert "1 of 7 answered, 1 flagged" in page
    # The navigator states each question in words, flagged ones too.
    item = page.split(f'data-nav-for="{row.id}"')[1].split("</li>")[0]
    assert "Answered" in item and "Flagged</span>" in item and "hidden>Flagged" not in item


def test_autosave_refuses_a_bad_answer_with_its_message(client, signed_in):
    attempt = signed_in
    written = row_of(attempt, "written")
    question = db.session.get(Question, written.question_id)
    question.data = question.data | {"max_words": 3}
    db.session.commit()
    response = client.post(url(attempt, written), data={f"q{written.question_id}": "one two three four",
                                                        "with_answer": "1"})
    assert response.status_code == 400 and "shorten it to 3 or fewer" in response.json["error"]
    assert row_of(reloaded(attempt), "written").answer is None


def test_autosave_after_the_deadline_is_refused_and_the_attempt_submitted(client, signed_in):
    attempt = signed_in
    row = row_of(attempt, "short")
    assert client.post(url(attempt, row), data=answer_fields(row)).status_code == 200
    attempt = db.session.get(Attempt, attempt.id)
    attempt.deadline_at = utcnow() - timedelta(seconds=DEADLINE_GRACE_SECONDS + 5)
    db.session.commit()
    late = row_of(attempt, "true_false")
    response = client.post(url(attempt, late), data=answer_fields(late))
    assert response.status_code == 409
    assert "Time ran out" in response.json["error"] and response.json["review_url"] == f"/attempts/{attempt.id}/review"
    attempt = reloaded(attempt)
    assert attempt.state is AttemptState.AWAITING_MARKING or attempt.state is AttemptState.GRADED
    assert attempt.submitted_at == attempt.deadline_at
    assert row_of(attempt, "short").answer == "28" and row_of(attempt, "true_false").answer is None
    again = client.post(url(attempt, late), data=answer_fields(late))
    assert again.status_code == 409 and "has been submitted" in again.json["error"]


def test_autosave_reaches_only_the_trainees_own_answers(client, signed_in, make_user, make_run, enrol, login_as):
    attempt = signed_in
    row = row_of(attempt, "short")
    other, _ = released_trainee(make_user, make_run, enrol)
    theirs = start_attempt(attempt.quiz, other)
    db.session.commit()
    # An answer id of another attempt, under this attempt's URL: not found.
    assert client.post(f"/attempts/{attempt.id}/answers/{theirs.answers[0].id}", data={"flagged": "1"}).status_code == 404
    login_as(other)
    assert client.post(url(attempt, row), data=answer_fields(row)).status_code == 403
    assert row_of(reloaded(attempt), "short").answer is None


def test_autosave_needs_the_csrf_token(client, signed_in, csrf_enabled):
    attempt = signed_in
    row = row_of(attempt, "short")
    assert client.post(url(attempt, row), data=answer_fields(row)).status_code == 400
    assert row_of(reloaded(attempt), "short").answer is None


def test_without_the_script_flags_are_saved_with_the_page(client, signed_in):
    attempt = signed_in
    first, second = attempt.answers[0], attempt.answers[1]
    form = page_form(attempt, 1, right=False, go="save") | {f"flag-{first.id}": "1", f"flag-{second.id}": "1"}
    assert client.post(f"/attempts/{attempt.id}?page=1", data=form).status_code == 302
    attempt = reloaded(attempt)
    assert [row.flagged for row in attempt.answers[:2]] == [True, True]
    # Unticked on the next post: cleared; a flag on another page is left alone.
    form = page_form(attempt, 1, right=False, go="save") | {f"flag-{second.id}": "1"}
    client.post(f"/attempts/{attempt.id}?page=1", data=form)
    attempt = reloaded(attempt)
    assert [row.flagged for row in attempt.answers[:2]] == [False, True]
    submit_page = client.get(f"/attempts/{attempt.id}/submit").text
    assert "You flagged 1 question to come back to." in submit_page


def test_the_navigator_saves_the_page_and_goes_to_the_question(client, signed_in):
    attempt = signed_in
    last = attempt.answers[-1]
    form = page_form(attempt, 1, right=True, go=f"question-{last.id}")
    response = client.post(f"/attempts/{attempt.id}?page=1", data=form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}?page=2#question-{last.id}")
    attempt = reloaded(attempt)
    assert all(row.answer is not None for row in attempt.answers[:5]) and attempt.last_page == 2
    page = client.get(f"/attempts/{attempt.id}?page=2").text
    assert "5 of 7 answered, 0 flagged" in page
    # Questions on the page are links to them; the others are buttons that save this page first.
    assert f'href="#question-{last.id}"' in page
    assert f'name="go" value="question-{attempt.answers[0].id}"' in page
    # A go value naming no question of this attempt just saves.
    response = client.post(f"/attempts/{attempt.id}?page=2", data=page_form(attempt, 2, go="question-999999"))
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}?page=2")


def test_a_written_answer_shows_its_word_count_against_the_limit(client, signed_in):
    attempt = signed_in
    written = row_of(attempt, "written")
    question = db.session.get(Question, written.question_id)
    question.data = question.data | {"max_words": 5}
    written.answer = "The conviction is unsafe, plainly."
    db.session.commit()
    page_number = written.position // 5 + 1
    page = " ".join(client.get(f"/attempts/{attempt.id}?page={page_number}").text.split())
    assert f'id="q{question.id}-words"' in page and "5 of 5 words</p>" in page
    assert f'aria-describedby="q{question.id}-hint q{question.id}-words"' in page
    written = row_of(reloaded(attempt), "written")
    written.answer = "The conviction is unsafe, plainly so."
    db.session.commit()
    page = " ".join(client.get(f"/attempts/{attempt.id}?page={page_number}").text.split())
    assert "6 of 5 words: 1 over the limit" in page
