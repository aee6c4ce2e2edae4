"""Taking the needs assessment: the form built from content, saved dated, repeatable, refused input beside the field."""
import re
from datetime import timedelta

import pytest

from core.db import utcnow
from plans.access import can_assess, can_view_needs
from plans.assessments import assessments_of, confidence_change, live_questions
from plans.models import Assessment
from tests.mentoring.helpers import open_every_day
from tests.plans.helpers import ANSWERS, assess, book_session


@pytest.fixture
def leader(curriculum, make_organisation, make_user):
    return make_user("leader", make_organisation(), name="Lee Leader")


def test_a_leader_answers_the_questionnaire_and_it_is_saved_dated(client, login_as, leader, db):
    login_as(leader)
    page = client.get(f"/plans/people/{leader.id}/assessment")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "What stage is your project at?" in html and "1 – Not at all confident" in html

    response = client.post(f"/plans/people/{leader.id}/assessment", data=ANSWERS | {"request_key": "k1"})
    assert response.status_code == 302
    [assessment] = assessments_of(leader.id)
    assert assessment.answers == {"stage": "running", "caseload": 12, "jurisdictions": ["england-and-wales"],
                                  "goals": "Run intake without a backlog."}
    assert assessment.ratings == {"appeals": 2, "evidence": 4}
    assert assessment.taken_by_id == leader.id and utcnow() - assessment.taken_at < timedelta(minutes=1)
    shown = client.get(f"/plans/assessments/{assessment.id}").get_data(as_text=True)
    assert "Running" in shown and "2 – A little confident" in shown


def test_the_same_form_posted_twice_saves_one_assessment(client, login_as, leader, db):
    login_as(leader)
    for _ in range(2):
        assert client.post(f"/plans/people/{leader.id}/assessment", data=ANSWERS | {"request_key": "same"}).status_code == 302
    assert len(assessments_of(leader.id)) == 1


def test_taking_it_again_keeps_the_first_and_shows_the_change(client, login_as, leader, db):
    assess(leader, ratings={"appeals": 1, "evidence": 3}, taken_at=utcnow() - timedelta(days=60))
    login_as(leader)
    form = client.get(f"/plans/people/{leader.id}/assessment").get_data(as_text=True)
    [checked] = re.findall(r'<input checked[^>]*name="q_appeals"[^>]*value="(\d)"', form)
    assert checked == "1", "the last answers are filled in"
    client.post(f"/plans/people/{leader.id}/assessment", data=ANSWERS | {"q_appeals": "4", "request_key": "k2"})
    first, latest = assessments_of(leader.id)
    assert (first.ratings["appeals"], latest.ratings["appeals"]) == (1, 4)
    [appeals, evidence] = confidence_change([q for q in live_questions() if q.is_topic], first, latest)
    assert (appeals.then, appeals.now, appeals.change) == (1, 4, 3)
    page = client.get(f"/plans/people/{leader.id}/assessments").get_data(as_text=True)
    assert "+3" in page and "Confidence, then and now" in page


@pytest.mark.parametrize("field, value, message", [
    ("q_stage", None, "Choose one of the options."),
    ("q_stage", "expanding", "Not a valid choice"),
    ("q_caseload", "-1", "Enter a whole number from 0 to 500."),
    ("q_caseload", "many", "Not a valid integer value."),
    ("q_caseload", "99999999999", "That number is too large."),
    ("q_appeals", None, "Rate your confidence in this topic."),
    ("q_appeals", "6", "Not a valid choice"),
    ("q_goals", "x" * 2001, "Keep this under 2000 characters."),
    ("q_jurisdictions", ["mars"], "is not a valid choice"),
])
def test_bad_answers_are_refused_beside_the_question_and_nothing_is_saved(client, login_as, leader, db, field, value,
                                                                           message):
    login_as(leader)
    data = {key: val for key, val in ANSWERS.items() if key != field}
    if value is not None:
        data[field] = value
    response = client.post(f"/plans/people/{leader.id}/assessment", data=data | {"request_key": "bad"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Assessment.id))) == 0


def test_who_may_assess_and_read(db, curriculum, make_organisation, make_user):
    home, away = make_organisation(), make_organisation()
    leader, co_leader = make_user("leader", home), make_user("leader", home)
    trainee, stranger = make_user("trainee", home), make_user("trainee", away)
    mentor, other_mentor = make_user("mentor"), make_user("mentor")
    open_every_day(mentor)

    assert can_assess(leader, leader) and not can_assess(trainee, trainee), "a trainee's leader sets it up first"
    assert can_assess(leader, trainee) and not can_assess(leader, stranger) and not can_assess(leader, co_leader)
    assess(trainee, by=leader)
    assert can_assess(trainee, trainee), "then the trainee retakes it"

    assert can_view_needs(co_leader, leader) and can_view_needs(leader, trainee)
    assert not can_view_needs(trainee, leader) and not can_view_needs(stranger, trainee)
    assert not can_view_needs(mentor, leader)
    book_session(mentor, leader)
    assert can_view_needs(mentor, leader) and not can_view_needs(other_mentor, leader)
    assert not can_view_needs(make_user("admin"), leader), "administrators see totals, not a person's answers"


def test_the_persons_data_export_holds_their_assessments_in_words(client, login_as, leader, db):
    import io
    import json
    import zipfile

    assess(leader, ratings={"appeals": 2, "evidence": 4}, answers={"stage": "running", "goals": "Fewer backlogs."})
    login_as(leader)
    archive = zipfile.ZipFile(io.BytesIO(client.get("/privacy/my-data.zip").data))
    [assessment] = json.loads(archive.read("data.json"))["assessments"]
    assert {"question": "What stage is your project at?", "answer": "Running"} in assessment["answers"]
    assert {"question": "Appeals", "answer": "2 – A little confident"} in assessment["confidence"]
    assert "Fewer backlogs." in archive.read("summary.html").decode()


def test_what_was_done_between_the_first_and_latest_assessments_is_counted(client, login_as, leader, db,
                                                                            finish_module):
    from plans.assessments import activity_between
    first = assess(leader, ratings={"appeals": 1, "evidence": 3}, taken_at=utcnow() - timedelta(days=60))
    assert activity_between(leader.id, first, first).lessons_read == 0  # one assessment: an empty span
    assert activity_between(leader.id, None, None) is None
    finish_module(leader)  # two lessons read and a passed quiz, now
    latest = assess(leader, ratings={"appeals": 4, "evidence": 3}, taken_at=utcnow() + timedelta(minutes=1))
    between = activity_between(leader.id, first, latest)
    assert (between.lessons_read, between.quizzes_passed, between.modules_signed_off, between.sessions_held) == (
        2, 1, 0, 0)
    login_as(leader)
    page = client.get("/dashboard").get_data(as_text=True)
    assert ("2 lessons read, 1 quiz passed, 0 modules signed off by a mentor, 0 mentoring sessions held"
            in re.sub(r"\s+", " ", page))
