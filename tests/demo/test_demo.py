from sqlalchemy import func, select

from accounts.models import NotificationSettings, User
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
    [line] = [line for line in result.output.splitlines() if line.startswith("Their password")]
    password = line.rsplit(": ", 1)[1]
    assert client.post("/sign-in", data={"email": "trainee@example.org", "password": password}).status_code == 302
    assert password not in runner.invoke(args=["demo", "load"]).output


def test_the_two_factor_demo_user_signs_in_with_the_printed_key(runner, client, db, curriculum, monkeypatch):
    import pyotp

    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    output = runner.invoke(args=["demo", "load"]).output
    [line] = [line for line in output.splitlines() if line.startswith("mentor2fa@example.org")]
    key = line.rsplit(": ", 1)[1]
    assert key in runner.invoke(args=["demo", "load"]).output  # shown again on every load
    response = client.post("/sign-in", data={"email": "mentor2fa@example.org", "password": "demo password 123"})
    assert response.headers["Location"] == "/sign-in/two-factor"
    response = client.post("/sign-in/two-factor", data={"code": pyotp.TOTP(key).now()})
    assert response.headers["Location"] == "/dashboard"
    # The other demo users still sign in with the password alone.
    client.post("/sign-out")
    assert client.post("/sign-in", data={"email": "mentor@example.org", "password": "demo password 123"}
                       ).headers["Location"] == "/dashboard"


def test_the_demo_leader_takes_the_weekly_digest_and_the_command_sends_it(runner, db, curriculum, outbox):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    leader = User.find_by_email("leader@example.org")
    assert NotificationSettings.of(leader.id).weekly_digest
    assert NotificationSettings.of(User.find_by_email("mentor@example.org").id).remind_hour_before
    assert "1 digest(s) sent." in runner.invoke(args=["team", "send-digests"]).output
    [digest] = outbox(leader.email)
    assert digest["Subject"].startswith("Northtown University Innocence Project: your week to ")
