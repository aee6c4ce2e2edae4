"""Mentors mark written answers from their own runs' trainees; administrators regrade after a key fix."""
import pytest

from accounts.models import NotificationSettings
from accounts.notifications import save_settings
from core.extensions import db
from curriculum.models import Question
from modules.models import Attempt, AttemptAnswer, AttemptState, Regrade
from tests.modules.quiz_helpers import fixture_quiz, page_form, released_trainee

URL = "/modules/appeals-basics/quiz"


@pytest.fixture
def setting(client, curriculum, make_user, make_run, enrol, login_as):
    """A trainee whose submitted attempt (the whole bank, all right) has a written answer awaiting marking."""
    quiz = fixture_quiz()
    quiz.draw = None
    db.session.commit()
    mentor = make_user("mentor", name="Their Mentor")
    trainee, run = released_trainee(make_user, make_run, enrol, mentors=[mentor], name="Tess Trainee")
    login_as(trainee)
    client.post(f"{URL}/start")
    attempt = db.session.scalar(db.select(Attempt))
    for page in (1, 2):
        assert client.post(f"/attempts/{attempt.id}?page={page}", data=page_form(attempt, page)).status_code == 302
    client.post(f"/attempts/{attempt.id}/submit")
    db.session.refresh(attempt)
    written = next(row for row in attempt.answers if row.question.type == "written")
    return {"quiz": quiz, "mentor": mentor, "trainee": trainee, "attempt": attempt, "written": written}


def test_a_written_answer_waits_in_its_mentors_queue_only(client, login_as, make_user, setting):
    attempt = setting["attempt"]
    assert attempt.state is AttemptState.AWAITING_MARKING and attempt.grade is None
    assert "Awaiting marking" in client.get(URL).text
    login_as(setting["mentor"])
    assert "Tess Trainee" in client.get("/marking").text
    login_as(make_user("mentor"))
    assert "Tess Trainee" not in client.get("/marking").text
    assert client.get(f"/answers/{setting['written'].id}/mark").status_code == 403
    login_as(make_user("admin"))
    assert "Tess Trainee" in client.get("/marking").text


def test_marking_completes_the_attempt_and_tells_the_trainee(client, login_as, outbox, setting):
    login_as(setting["mentor"])
    row = setting["written"]
    response = client.post(f"/answers/{row.id}/mark", data={"score": "9", "comment": ""})
    assert response.status_code == 400 and "from 0 to 5" in response.text
    assert client.post(f"/answers/{row.id}/mark", data={"score": "3", "comment": "Name the test."}).status_code == 302
    # A double submit of the marking form changes nothing.
    again = client.post(f"/answers/{row.id}/mark", data={"score": "5", "comment": "Twice"}, follow_redirects=True)
    assert "already been marked" in again.text
    attempt = db.session.get(Attempt, setting["attempt"].id)
    db.session.refresh(attempt)
    assert attempt.state is AttemptState.MARKED
    assert attempt.score == 9 and attempt.max_score == 11 and attempt.grade == round(900 / 11, 2)
    mails = outbox(setting["trainee"].email)
    assert len(mails) == 1 and "marked" in mails[0]["Subject"]
    login_as(setting["trainee"])
    review = client.get(f"/attempts/{attempt.id}/review").text
    assert "Name the test." in review and "Passed" in review
    assert "Nothing to mark" in (login_as(setting["mentor"]) and client.get("/marking").text)


def test_an_administrator_regrades_after_a_key_fix_and_the_change_is_logged(client, login_as, make_user, setting):
    admin = login_as(make_user("admin", name="Ada Admin"))
    question = db.session.scalar(db.select(Question).where(Question.key == "ab-tf"))
    # The content's key is corrected: the statement is now held to be true.
    question.data = dict(question.data, answer=True)
    db.session.commit()
    response = client.post(f"/admin/questions/{question.id}/regrade", follow_redirects=True)
    assert "1 score changed" in response.text
    change = db.session.scalar(db.select(Regrade))
    assert (change.old_score, change.new_score, change.by_id) == (1.0, 0.0, admin.id)
    row = db.session.get(AttemptAnswer, change.answer_id)
    assert row.score == 0
    log = client.get(f"/admin/quizzes/{setting['quiz'].id}/regrade").text
    assert "Ada Admin" in log and "ab-tf" in log
    # Regrading again finds nothing to change.
    assert "0 scores changed" in client.post(f"/admin/questions/{question.id}/regrade", follow_redirects=True).text
    written = db.session.scalar(db.select(Question).where(Question.type == "written"))
    assert "not regraded" in client.post(f"/admin/questions/{written.id}/regrade", follow_redirects=True).text


def test_regrading_moves_the_grade_and_pass_of_marked_attempts(client, login_as, make_user, setting):
    login_as(setting["mentor"])
    client.post(f"/answers/{setting['written'].id}/mark", data={"score": "5", "comment": "Good."})
    attempt = db.session.get(Attempt, setting["attempt"].id)
    assert attempt.grade == 100
    login_as(make_user("admin"))
    for key in ("ab-unsafe", "ab-multi"):
        question = db.session.scalar(db.select(Question).where(Question.key == key))
        options = [dict(option, correct=not option["correct"]) for option in question.data["options"]]
        question.data = dict(question.data, options=options)
        db.session.commit()
        client.post(f"/admin/questions/{question.id}/regrade")
    db.session.refresh(attempt)
    assert attempt.score == 9 and attempt.grade == round(900 / 11, 2)
    assert db.session.scalar(db.select(db.func.count(Regrade.id))) == 2


def test_a_trainee_who_turned_marking_mail_off_is_not_e_mailed(client, login_as, outbox, setting):
    save_settings(setting["trainee"], {**NotificationSettings.DEFAULTS, "email_marking_finished": False})
    db.session.commit()
    login_as(setting["mentor"])
    assert client.post(f"/answers/{setting['written'].id}/mark", data={"score": "3", "comment": ""}).status_code == 302
    assert db.session.get(Attempt, setting["attempt"].id).state is AttemptState.MARKED
    assert outbox(setting["trainee"].email) == []
