"""The demo lets the demo trainee take every quiz, and gives mentors and admins something to look at."""
from core.extensions import db
from courses.models import Course, CourseFormat
from curriculum.models import Module
from modules.models import Attempt, AttemptState


def test_the_demo_trainee_can_take_every_quiz_and_the_mentor_has_marking(runner, client, login_as, curriculum,
                                                                          monkeypatch):
    from accounts.models import User

    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    trainee = User.find_by_email("trainee@example.org")
    login_as(trainee)
    programme = db.session.scalar(db.select(Course).where(Course.format == CourseFormat.MULTI_WEEK))
    modules = [module for module in programme.modules if module.quiz]
    assert modules
    # The demo has the trainee pass the full-day course's quizzes already (its sign-off demo).
    already = db.session.scalar(db.select(db.func.count(Attempt.id)).where(Attempt.user_id == trainee.id))
    for module in modules:
        assert client.post(f"/modules/{module.slug}/quiz/start").status_code == 302
    assert db.session.scalar(db.select(db.func.count(Attempt.id)).where(
        Attempt.user_id == trainee.id)) == already + len(modules)

    login_as(User.find_by_email("mentor@example.org"))
    assert "Mark<span" in client.get("/marking").text
    finished = db.session.scalar(db.select(db.func.count(Attempt.id)).where(
        Attempt.state.in_([AttemptState.GRADED, AttemptState.MARKED])))
    assert finished >= 1
    before = db.session.scalar(db.select(db.func.count(Attempt.id)))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert db.session.scalar(db.select(db.func.count(Attempt.id))) == before
    login_as(User.find_by_email("admin@example.org"))
    quiz_module = db.session.scalar(db.select(Module).where(Module.slug == "appeals-basics"))
    assert client.get(f"/admin/quizzes/{quiz_module.quiz.id}/analysis").status_code == 200
