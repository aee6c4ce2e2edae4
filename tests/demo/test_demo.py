from sqlalchemy import func, select

from accounts.models import User
from courses.models import Enrolment, Run


def test_demo_load_needs_the_curriculum_first(runner, db):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 1 and "run 'flask content load' first" in result.output


def test_demo_users_sign_in_with_the_demo_password_and_a_second_load_changes_nothing(
        runner, client, db, curriculum, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    for email in ("admin@example.org", "leader@example.org", "mentor@example.org", "trainee@example.org"):
        assert client.post("/sign-in", data={"email": email, "password": "demo password 123"}).status_code == 302
        client.post("/sign-out")
    assert client.post("/sign-in", data={"email": "admin@example.org", "password": "wrong"}).status_code == 200
    counts = (db.session.scalar(select(func.count(User.id))), db.session.scalar(select(func.count(Run.id))),
              db.session.scalar(select(func.count(Enrolment.id))))
    second = runner.invoke(args=["demo", "load"])
    assert "nothing changed" in second.output
    assert counts == (db.session.scalar(select(func.count(User.id))), db.session.scalar(select(func.count(Run.id))),
                      db.session.scalar(select(func.count(Enrolment.id))))


def test_without_demo_password_a_generated_one_is_printed_once(runner, client, db, curriculum, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    result = runner.invoke(args=["demo", "load"])
    password = result.output.strip().splitlines()[-1].rsplit(": ", 1)[1]
    assert client.post("/sign-in", data={"email": "trainee@example.org", "password": password}).status_code == 302
    assert password not in runner.invoke(args=["demo", "load"]).output
