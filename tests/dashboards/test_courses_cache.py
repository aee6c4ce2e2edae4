"""The dashboard's "My courses" is kept in the cache per person and zone under their project's matrix version
(dashboards.sections): each test shows a change on the very next view, on each cache backend."""
from datetime import timedelta

from core.db import utcnow
from core.extensions import db
from courses.models import EnrolmentState
from curriculum.models import Module
from dashboards import sections
from modules.models import Attempt, AttemptState, LessonRead, SignOff, SignOffState


def _courses(page: str) -> str:
    return page.split('id="learner-heading"', 1)[1].split("</section>", 1)[0]


def _trainee(make_organisation, make_user, name="Tara Trainee", **flags):
    return make_user("trainee", organisation=make_organisation(), name=name, **flags)


def _read_one_of_two_lessons(client, login_as, trainee, make_run, enrol) -> Module:
    """Enrol the trainee on the workshop, show their dashboard (cached from then on), then read its first lesson."""
    enrol(make_run(course_slug="appeals-workshop", starts_in=-timedelta(hours=1)), trainee)
    login_as(trainee)
    assert "0 of 2 lessons read" in _courses(client.get("/dashboard").text)
    module = db.session.scalar(db.select(Module).where(Module.slug == "appeals-basics"))
    db.session.add(LessonRead(user_id=trainee.id, lesson_id=module.lessons[0].id))
    db.session.commit()
    return module


def test_lessons_read_a_quiz_taken_and_a_sign_off_show_at_once(client, login_as, make_organisation, make_user,
                                                                make_run, enrol, cache_backend):
    trainee = _trainee(make_organisation, make_user)
    module = _read_one_of_two_lessons(client, login_as, trainee, make_run, enrol)
    courses = _courses(client.get("/dashboard").text)
    assert "1 of 2 lessons read" in courses and "Not started" in courses
    attempt = Attempt(quiz_id=module.quiz.id, user_id=trainee.id, number=1, seed=1, started_at=utcnow())
    db.session.add(attempt)
    db.session.commit()
    assert "In progress" in _courses(client.get("/dashboard").text)
    attempt.state, attempt.submitted_at, attempt.score, attempt.max_score, attempt.grade = (
        AttemptState.GRADED, utcnow(), 100, 100, 100.0)
    db.session.commit()
    assert "Passed</span> 100%" in _courses(client.get("/dashboard").text)
    db.session.add(SignOff(learner_id=trainee.id, module_id=module.id, state=SignOffState.SIGNED_OFF))
    db.session.commit()
    assert "Signed off" in _courses(client.get("/dashboard").text)


def test_a_seat_given_from_the_waitlist_shows_at_once(client, login_as, make_organisation, make_user, make_run, enrol,
                                                      cache_backend):
    trainee = _trainee(make_organisation, make_user)
    enrolment = enrol(make_run(course_slug="appeals-workshop"), trainee, state=EnrolmentState.WAITLISTED)
    login_as(trainee)
    assert "On the waitlist" in _courses(client.get("/dashboard").text)
    enrolment.state = EnrolmentState.ENROLLED
    db.session.commit()
    courses = _courses(client.get("/dashboard").text)
    assert "On the waitlist" not in courses and "Enrolled" in courses


def test_a_module_opens_on_time_without_any_change(client, login_as, make_organisation, make_user, make_run, enrol,
                                                   monkeypatch, cache_backend):
    trainee = _trainee(make_organisation, make_user)
    run = make_run(course_slug="two-week-programme", starts_in=-timedelta(days=2))
    enrol(run, trainee)
    login_as(trainee)
    assert 'Evidence basics — <span class="text-body-secondary">opens' in _courses(client.get("/dashboard").text)
    opened = run.release_at(2) + timedelta(seconds=1)
    monkeypatch.setattr(sections, "utcnow", lambda: opened)
    assert 'href="/modules/evidence-basics">Evidence basics</a>' in _courses(client.get("/dashboard").text)


def test_dates_follow_the_viewers_zone(client, login_as, make_organisation, make_user, make_run, enrol,
                                       cache_backend):
    # Week 2 opens at 00:00 London time: still the day before in New York.
    trainee = _trainee(make_organisation, make_user)
    run = make_run(course_slug="two-week-programme", starts_in=-timedelta(days=2))
    enrol(run, trainee)
    login_as(trainee)
    london = run.release_at(2).astimezone(run.zone).strftime("%a %-d %b %Y")
    assert f"opens {london}" in _courses(client.get("/dashboard").text)
    trainee.timezone = "America/New_York"
    db.session.commit()
    new_york = (run.release_at(2).astimezone(run.zone) - timedelta(days=1)).strftime("%a %-d %b %Y")
    assert f"opens {new_york}" in _courses(client.get("/dashboard").text)


def test_people_of_one_project_each_see_their_own(client, login_as, make_organisation, make_user, make_run, enrol,
                                                  finish_module, cache_backend):
    project = make_organisation()
    ann = make_user("trainee", organisation=project, name="Ann")
    ben = make_user("trainee", organisation=project, name="Ben")
    run = make_run(course_slug="appeals-workshop", starts_in=-timedelta(hours=1))
    enrol(run, ann)
    finish_module(ann)
    login_as(ann)
    assert "2 of 2 lessons read" in _courses(client.get("/dashboard").text)
    login_as(ben)
    assert "You are not enrolled on any course yet" in _courses(client.get("/dashboard").text)
    enrol(run, ben)
    assert "0 of 2 lessons read" in _courses(client.get("/dashboard").text)
    login_as(ann)
    assert "2 of 2 lessons read" in _courses(client.get("/dashboard").text)


def test_a_person_without_a_project_is_shown_their_courses_uncached(client, login_as, make_user, make_run, enrol,
                                                                    cache_backend):
    _read_one_of_two_lessons(client, login_as, make_user("trainee"), make_run, enrol)
    assert "1 of 2 lessons read" in _courses(client.get("/dashboard").text)
