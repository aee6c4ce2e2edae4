"""The cache never serves one person's page, or a page they may not see, to another: with the cache on, on each
backend (core/cache.py), pages that differ per person stay theirs and a cached page is still checked for access."""
from datetime import timedelta

from core.db import utcnow
from core.extensions import db
from modules.analysis import rebuild
from modules.models import Attempt, AttemptAnswer, AttemptState
from tests.modules.quiz_helpers import sit_papers


def test_two_people_on_the_same_page_each_see_their_own(client, login_as, make_user, make_run, enrol,
                                                         cache_backend):
    alice, bob = make_user("trainee", name="Alice Adams"), make_user("trainee", name="Bob Brown")
    enrol(make_run(course_slug="two-week-programme", starts_in=-timedelta(days=3)), alice)
    enrol(make_run(course_slug="appeals-workshop", starts_in=timedelta(days=3)), bob)
    for person in (alice, bob, alice, bob):
        login_as(person)
        page = client.get("/dashboard").text
        assert f"Hello, {person.display_name}" in page
        other = bob if person is alice else alice
        assert other.display_name not in page
    login_as(alice)
    assert "Two-week programme" in client.get("/dashboard").text
    login_as(bob)
    assert "Two-week programme" not in client.get("/dashboard").text


def test_a_cached_report_is_shown_only_to_who_may_see_it(client, login_as, make_user, curriculum, cache_backend):
    quiz, _ = sit_papers([{0: 1, 1: 0}, {0: 0, 1: 1}])
    url = f"/admin/quizzes/{quiz.id}/analysis"
    login_as(make_user("admin"))
    assert "Finished attempts</dt><dd class=\"col-sm-9\">2<" in client.get(url).text  # now in the cache
    for role in ("mentor", "leader", "trainee"):
        login_as(make_user(role))
        assert client.get(url).status_code == 403


def test_first_and_all_attempts_are_each_their_own_report(client, login_as, make_user, curriculum, cache_backend):
    quiz, questions = sit_papers([{0: 1, 1: 0}, {0: 0, 1: 1}, {0: 1, 1: 1}])
    learner = db.session.scalar(db.select(Attempt.user_id).where(Attempt.quiz_id == quiz.id))
    db.session.add(Attempt(quiz_id=quiz.id, user_id=learner, number=2, seed=1, state=AttemptState.GRADED,
                           submitted_at=utcnow(), score=0, max_score=1, grade=0,
                           answers=[AttemptAnswer(question_id=questions[0].id, position=0, answer="x", score=0,
                                                  points=1)]))
    db.session.flush()
    rebuild(quiz)
    db.session.commit()
    login_as(make_user("admin"))
    first = client.get(f"/admin/quizzes/{quiz.id}/analysis").text
    every = client.get(f"/admin/quizzes/{quiz.id}/analysis?attempts=all").text
    assert "Finished attempts</dt><dd class=\"col-sm-9\">3<" in first
    assert "Finished attempts</dt><dd class=\"col-sm-9\">4<" in every
