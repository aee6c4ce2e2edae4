import smtplib

from core.mail import queue_mail


def test_mail_is_sent_only_when_the_transaction_commits(app, db, outbox):
    with app.test_request_context():
        queue_mail("a@example.org", "Kept", "body")
        db.session.commit()
        queue_mail("b@example.org", "Dropped", "body")
        db.session.rollback()
        db.session.commit()
    assert [m["Subject"] for m in outbox()] == ["Kept"]
    assert outbox()[0]["To"] == "a@example.org"


def test_smtp_is_used_when_a_server_is_configured(app, db, monkeypatch):
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            sent.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            sent.append(("starttls",))

        def login(self, user, password):
            sent.append(("login", user))

        def send_message(self, message):
            sent.append(("send", message["To"], message["Subject"]))

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "mailer")
    with app.test_request_context():
        queue_mail("c@example.org", "Hello", "body")
        db.session.commit()
    assert sent == [("connect", "smtp.example.org", 587), ("starttls",), ("login", "mailer"),
                    ("send", "c@example.org", "Hello")]


def test_a_mail_failure_does_not_undo_the_action(app, db, monkeypatch, make_user):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    user = make_user("trainee")
    with app.test_request_context():
        user.display_name = "Changed"
        queue_mail(user.email, "Hello", "body")
        db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(user), user.id).display_name == "Changed"


def test_mail_queued_in_a_rolled_back_savepoint_is_dropped_and_the_outer_transactions_mail_is_kept(app, db, outbox):
    queue_mail("outer@example.org", "Outer", "body")
    savepoint = db.session.begin_nested()
    queue_mail("inner@example.org", "Inner", "body")
    savepoint.rollback()
    assert outbox() == []
    db.session.commit()
    assert [m["To"] for m in outbox()] == ["outer@example.org"]


def test_mail_of_a_released_savepoint_waits_for_the_outer_transaction(app, db, outbox):
    savepoint = db.session.begin_nested()
    queue_mail("dropped@example.org", "Dropped", "body")
    savepoint.commit()
    assert outbox() == []  # a savepoint's release is not a commit: the outer transaction may still roll back
    db.session.rollback()
    assert outbox() == []
    savepoint = db.session.begin_nested()
    inner = db.session.begin_nested()
    queue_mail("sent@example.org", "Sent", "body")
    inner.commit()
    savepoint.commit()
    assert outbox() == []
    db.session.commit()
    assert [m["To"] for m in outbox()] == ["sent@example.org"]


def test_mail_of_a_session_closed_without_commit_is_dropped(app, db, outbox):
    queue_mail("dropped@example.org", "Dropped", "body")
    db.session.close()
    db.session.commit()
    assert outbox() == []
