"""Taking a quiz through HTTP: start, save as you go, resume, deadline, attempts, submit, review, tampering."""
import re
from datetime import timedelta

import pytest

from core.audit import AuditEntry
from core.db import utcnow
from core.extensions import db
from curriculum.models import Module, Question, Quiz
from modules.models import Attempt, AttemptAnswer, AttemptState, QuizAdjustment
from tests.modules.quiz_helpers import fixture_quiz, page_form, released_trainee

URL = "/modules/appeals-basics/quiz"


@pytest.fixture
def quiz(curriculum):
    return fixture_quiz()


@pytest.fixture
def configure(quiz):
    """Change the fixture quiz's settings; `written=False` retires its written question."""
    def change(written=True, **settings):
        for name, value in settings.items():
            setattr(quiz, name, value)
        if not written:
            db.session.execute(db.update(Question).where(Question.type == "written").values(is_retired=True))
        db.session.commit()
        db.session.expire_all()
        return quiz

    return change


@pytest.fixture
def trainee(make_user, make_run, enrol, login_as):
    person, _ = released_trainee(make_user, make_run, enrol)
    return login_as(person)


def start(client) -> Attempt:
    response = client.post(f"{URL}/start")
    assert response.status_code == 302, response.text
    return db.session.scalar(db.select(Attempt).where(Attempt.state == AttemptState.IN_PROGRESS))


def answer_all(client, attempt, right=True):
    pages = (len(attempt.answers) + 4) // 5
    for page in range(1, pages + 1):
        response = client.post(f"/attempts/{attempt.id}?page={page}", data=page_form(attempt, page, right=right))
        assert response.status_code == 302, response.text
    assert client.post(f"/attempts/{attempt.id}/submit").status_code == 302
    db.session.refresh(attempt)
    return attempt


def test_a_trainee_fails_retries_and_passes(client, trainee, configure):
    configure(written=False)
    first = answer_all(client, start(client), right=False)
    assert first.state is AttemptState.GRADED and first.grade == 0
    page = client.get(URL).text
    assert "Not yet passed" in page and "1 used, 2 left" in page
    second = answer_all(client, start(client), right=True)
    assert second.number == 2 and second.grade == 100
    assert "Passed" in client.get(URL).text
    assert "Passed" in client.get("/dashboard").text
    assert "Passed" in client.get("/modules/appeals-basics").text


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]*"|name="csrf_token" value="[^"]*"', "", html)


def test_the_paper_is_fixed_for_the_attempt_and_answers_survive_closing_the_tab(client, trainee, configure):
    configure(draw=None, written=False)
    attempt = start(client)
    # Compared without the CSRF tokens: they carry a timestamp, so two loads a second apart differ there.
    first_view = _without_csrf(client.get(f"/attempts/{attempt.id}?page=1").text)
    assert _without_csrf(client.get(f"/attempts/{attempt.id}?page=1").text) == first_view
    form = page_form(attempt, 1, go="next")
    assert client.post(f"/attempts/{attempt.id}?page=1", data=form).headers["Location"].endswith("page=2")
    # The tab closes; later the trainee comes back through the quiz page.
    assert start(client).id == attempt.id
    resumed = client.get(f"/attempts/{attempt.id}").text
    assert "page 2 of 2" in resumed
    page_one = client.get(f"/attempts/{attempt.id}?page=1").text
    assert page_one.count(" checked") + page_one.count(" selected") >= 3
    db.session.refresh(attempt)
    assert all(row.answer is not None for row in attempt.answers[:5])


def test_attempts_run_out_and_extra_attempts_can_be_granted(client, trainee, configure, quiz, make_user, login_as):
    configure(written=False, attempts_allowed=2)
    for _ in range(2):
        answer_all(client, start(client), right=False)
    response = client.post(f"{URL}/start", follow_redirects=True)
    assert "used all your attempts" in response.text
    assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 2
    admin = login_as(make_user("admin"))
    assert client.post(f"/quizzes/{quiz.id}/learners/{trainee.id}/adjustment",
                       data={"extra_minutes": 0, "extra_attempts": 1}).status_code == 302
    assert admin
    login_as(trainee)
    assert start(client).number == 3


def test_a_second_submit_returns_the_same_graded_attempt(client, trainee, configure):
    configure(written=False)
    attempt = answer_all(client, start(client))
    grade = attempt.grade
    response = client.post(f"/attempts/{attempt.id}/submit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/attempts/{attempt.id}/review")
    db.session.refresh(attempt)
    assert attempt.grade == grade and attempt.state is AttemptState.GRADED
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "quiz.submit")) == 1
    # Answers posted to a submitted attempt change nothing.
    client.post(f"/attempts/{attempt.id}?page=1", data=page_form(attempt, 1, right=False))
    db.session.refresh(attempt)
    assert attempt.grade == grade


def _move_deadline(attempt, seconds_ago):
    attempt.deadline_at = utcnow() - timedelta(seconds=seconds_ago)
    db.session.commit()


def test_at_the_deadline_any_request_submits_the_saved_answers(client, trainee, configure):
    configure(written=False, draw=None)
    attempt = start(client)
    assert attempt.deadline_at is not None
    client.post(f"/attempts/{attempt.id}?page=1", data=page_form(attempt, 1))
    _move_deadline(attempt, 1)
    response = client.get(f"/attempts/{attempt.id}?page=2", follow_redirects=True)
    assert "Time is up" in response.text
    db.session.refresh(attempt)
    assert attempt.state is AttemptState.GRADED
    assert attempt.score == 5 and attempt.max_score == 6  # page 1 right, page 2 never answered


def test_answers_arriving_after_the_grace_period_are_refused(client, trainee, configure):
    configure(written=False)
    attempt = start(client)
    _move_deadline(attempt, 60)
    response = client.post(f"/attempts/{attempt.id}?page=1", data=page_form(attempt, 1), follow_redirects=True)
    assert "could not be saved" in response.text
    db.session.refresh(attempt)
    assert attempt.state is AttemptState.GRADED and attempt.score == 0
    assert all(row.answer is None for row in attempt.answers)


def test_answers_on_their_way_at_the_deadline_still_count(client, trainee, configure):
    configure(written=False)
    attempt = start(client)
    _move_deadline(attempt, 2)
    client.post(f"/attempts/{attempt.id}?page=1", data=page_form(attempt, 1))
    db.session.refresh(attempt)
    assert attempt.state is AttemptState.GRADED and attempt.grade == 100


@pytest.mark.parametrize("tamper", ["foreign option", "missing shown", "huge", "bad position", "stale page"])
def test_tampered_answers_get_a_400_and_no_score(client, trainee, configure, tamper):
    configure(written=False, draw=None, shuffle=False)
    attempt = start(client)
    form = page_form(attempt, 1, right=False, go="save")
    first = attempt.answers[0]
    other = attempt.answers[1]
    if tamper == "foreign option":
        single = next(row for row in attempt.answers if row.question.type == "single")
        multiple = db.session.scalar(db.select(Question).where(Question.type == "multiple"))
        form[f"q{single.question_id}"] = multiple.data["options"][0]["id"]
    elif tamper == "missing shown":
        form.pop("shown")
    elif tamper == "huge":
        short = next(row for row in attempt.answers if row.question.type == "short")
        form[f"q{short.question_id}"] = "9" * 100_000
    elif tamper == "bad position":
        ordering = next(row for row in attempt.answers if row.question.type == "ordering")
        form |= {f"q{ordering.question_id}-{item}": "1" for item in ordering.option_order}
    else:
        form["shown"] = f"{first.id},{other.id}"
    response = client.post(f"/attempts/{attempt.id}?page=1", data=form)
    assert response.status_code == 400
    db.session.refresh(attempt)
    assert attempt.state is AttemptState.IN_PROGRESS
    assert all(row.score is None for row in attempt.answers)
    if tamper in ("foreign option", "huge", "bad position"):
        assert 'class="invalid-feedback d-block"' in response.text and 'aria-invalid="true"' in response.text


def test_review_shows_right_answers_only_once_passed(client, trainee, configure):
    configure(written=False)
    failed = answer_all(client, start(client), right=False)
    review = client.get(f"/attempts/{failed.id}/review").text
    assert '<a href="/modules/appeals-basics">Appeals basics</a>' in review
    assert '<a href="/modules/appeals-basics/quiz">Quiz</a>' in review
    assert "Score:" in review and "Right answer:" not in review
    assert "The right answers show once you have passed" in review
    answer_all(client, start(client), right=True)
    assert "Right answer:" in client.get(f"/attempts/{failed.id}/review").text


def test_after_close_feedback_waits_for_the_run_to_end(client, trainee, configure):
    configure(written=False, feedback="after_close", show_answers="always")
    attempt = answer_all(client, start(client))
    review = client.get(f"/attempts/{attempt.id}/review").text
    assert "Score:" not in review and "once your run has closed" in review
    assert "Grade: <strong>100%" in review


def test_immediate_feedback_grades_and_locks_each_saved_answer(client, trainee, configure):
    configure(written=False, feedback="immediate", draw=None)
    attempt = start(client)
    client.post(f"/attempts/{attempt.id}?page=1", data=page_form(attempt, 1, go="save"))
    page = client.get(f"/attempts/{attempt.id}?page=1").text
    assert page.count("Your answer:") == 5
    client.post(f"/attempts/{attempt.id}?page=1", data=page_form(attempt, 1, right=False, go="save"))
    db.session.refresh(attempt)
    assert all(row.score == row.points for row in attempt.answers[:5])


def test_only_the_trainee_reaches_their_attempt(client, trainee, configure, make_user, login_as, make_run):
    configure(written=False)
    attempt = start(client)
    login_as(make_user("trainee"))
    assert client.get(f"/attempts/{attempt.id}").status_code == 403
    assert client.post(f"/attempts/{attempt.id}/submit").status_code == 403
    assert client.get(f"/attempts/{attempt.id}/review").status_code == 403
    login_as(make_user("mentor"))  # a mentor, but not of this trainee's run
    assert client.get(f"/attempts/{attempt.id}/review").status_code == 403
    db.session.refresh(attempt)
    assert attempt.state is AttemptState.IN_PROGRESS


def test_a_learner_without_the_module_released_cannot_start(client, make_user, make_run, enrol, login_as, curriculum):
    outsider = login_as(make_user("trainee"))
    run = make_run(course_slug="two-week-programme", starts_in=timedelta(days=30))
    enrol(run, outsider)
    assert client.post(f"{URL}/start").status_code == 403
    assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 0


def test_extra_time_moves_the_deadline_of_the_attempt_in_progress(client, trainee, quiz, make_user, login_as,
                                                                  configure):
    configure(written=False)
    attempt = start(client)
    before = attempt.deadline_at
    mentor = make_user("mentor")
    from courses.models import Enrolment
    run = db.session.scalar(db.select(Enrolment).where(Enrolment.user_id == trainee.id)).run
    run.mentors.append(mentor)
    db.session.commit()
    login_as(make_user("mentor"))
    assert client.post(f"/quizzes/{quiz.id}/learners/{trainee.id}/adjustment",
                       data={"extra_minutes": 15, "extra_attempts": 0}).status_code == 403
    login_as(mentor)
    response = client.post(f"/quizzes/{quiz.id}/learners/{trainee.id}/adjustment",
                           data={"extra_minutes": "lots", "extra_attempts": 0})
    assert response.status_code == 400 and "extra_minutes-error" in response.text
    assert client.post(f"/quizzes/{quiz.id}/learners/{trainee.id}/adjustment",
                       data={"extra_minutes": 15, "extra_attempts": 0}).status_code == 302
    db.session.refresh(attempt)
    assert attempt.deadline_at == before + timedelta(minutes=15)


def test_an_answer_id_from_the_url_cannot_reach_another_attempt(client, trainee, configure):
    configure(written=False)
    attempt = start(client)
    assert client.get(f"/attempts/{attempt.id}?page=99").status_code == 404
    assert client.get("/attempts/999999").status_code == 404
    assert re.search(r"Attempt 1", client.get(f"/attempts/{attempt.id}").text)
    assert db.session.scalar(db.select(db.func.count(AttemptAnswer.id))) == 3


def test_a_submit_after_the_deadline_counts_as_submitted_at_the_deadline(client, trainee, configure):
    configure(written=False)
    attempt = start(client)
    _move_deadline(attempt, 120)
    deadline = attempt.deadline_at
    assert client.post(f"/attempts/{attempt.id}/submit").status_code == 302
    db.session.refresh(attempt)
    assert attempt.state is AttemptState.GRADED and attempt.submitted_at == deadline
    assert "Time is up" not in client.get(f"/attempts/{attempt.id}/submit", follow_redirects=True).text


def test_the_close_overdue_command_submits_abandoned_attempts_once(client, trainee, configure, runner):
    configure(written=False)
    attempt = start(client)
    client.post(f"/attempts/{attempt.id}?page=1", data=page_form(attempt, 1))
    _move_deadline(attempt, 300)
    deadline = attempt.deadline_at
    assert "Submitted 1 overdue" in runner.invoke(args=["quizzes", "close-overdue"]).output
    assert "Submitted 0 overdue" in runner.invoke(args=["quizzes", "close-overdue"]).output
    db.session.refresh(attempt)
    assert attempt.state is AttemptState.GRADED and attempt.grade == 100 and attempt.submitted_at == deadline


def test_only_mentors_of_a_run_with_the_quizs_module_grant_adjustments(client, curriculum, make_user, make_run, enrol,
                                                                       login_as, quiz):
    """Mentoring a trainee on one course gives no say over the quizzes of another course's modules."""
    evidence = db.session.scalar(db.select(Module).where(Module.slug == "evidence-basics"))
    evidence_quiz = Quiz(module_id=evidence.id, title="Evidence check")
    db.session.add(evidence_quiz)
    workshop_mentor, evidence_mentor, trainee = make_user("mentor"), make_user("mentor"), make_user("trainee")
    enrol(make_run("appeals-workshop", mentors=[workshop_mentor]), trainee)
    enrol(make_run("evidence-day", mentors=[evidence_mentor]), trainee)
    form = {"extra_minutes": 10, "extra_attempts": 0}
    login_as(workshop_mentor)
    assert client.get(f"/quizzes/{evidence_quiz.id}/learners/{trainee.id}/adjustment").status_code == 403
    assert client.post(f"/quizzes/{evidence_quiz.id}/learners/{trainee.id}/adjustment", data=form).status_code == 403
    assert client.post(f"/quizzes/{quiz.id}/learners/{trainee.id}/adjustment", data=form).status_code == 302
    login_as(evidence_mentor)
    assert client.post(f"/quizzes/{evidence_quiz.id}/learners/{trainee.id}/adjustment", data=form).status_code == 302
    assert db.session.scalar(db.select(db.func.count(QuizAdjustment.id))) == 2
    assert not QuizAdjustment.can_grant(workshop_mentor, trainee.id, evidence_quiz)
    assert QuizAdjustment.can_grant(make_user("admin"), trainee.id, evidence_quiz)
