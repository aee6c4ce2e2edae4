import smtplib

from sqlalchemy import select

from core.mail import MailState, OutgoingMail, deliver_outbox, queue_mail


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
    assert sent == []  # with a mail server, web workers only write the outbox; `flask mail deliver` sends
    assert deliver_outbox().sent == 1
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
    assert deliver_outbox().retrying == 1
    db.session.expire_all()
    assert db.session.get(type(user), user.id).display_name == "Changed"
    mail = db.session.scalar(select(OutgoingMail))
    assert (mail.state, mail.attempts, mail.last_error) == (MailState.PENDING, 1, "OSError: connection refused")


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


def _outbox_rows(db):
    """The outbox as it is committed (the test's session ends its read, so it holds no SQLite lock afterwards)."""
    db.session.expire_all()
    rows = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
    db.session.commit()
    return rows


def test_each_message_is_an_outbox_row_with_its_message_id_marked_sent_once_delivered_after_commit(app, db, outbox):
    queue_mail("a@example.org", "Welcome", "Hello there")
    db.session.flush()
    row = db.session.scalar(select(OutgoingMail))
    assert row.state is MailState.PENDING  # written in the action's own transaction, not yet delivered
    db.session.commit()
    (row,) = _outbox_rows(db)
    (message,) = outbox()
    assert (row.state, row.attempts, row.recipient, row.subject) == (MailState.SENT, 1, "a@example.org", "Welcome")
    assert row.sent_at is not None
    assert message["Message-ID"] == row.message_id
    assert b"Hello there" in row.raw


def test_a_rolled_back_action_or_savepoint_leaves_no_outbox_row(app, db, outbox):
    queue_mail("dropped@example.org", "Dropped", "body")
    db.session.rollback()
    queue_mail("outer@example.org", "Outer", "body")
    savepoint = db.session.begin_nested()
    queue_mail("inner@example.org", "Inner", "body")
    savepoint.rollback()
    db.session.commit()
    assert [row.recipient for row in _outbox_rows(db)] == ["outer@example.org"]


def test_with_a_mail_server_nothing_is_sent_after_commit_and_the_row_waits_for_the_worker(app, db, outbox, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.invalid")
    queue_mail("a@example.org", "Queued", "body")
    db.session.commit()
    assert outbox() == []
    assert [(row.state, row.attempts) for row in _outbox_rows(db)] == [(MailState.PENDING, 0)]


def test_a_file_write_failure_after_commit_leaves_the_message_pending_for_the_worker(app, db, outbox, monkeypatch,
                                                                                     tmp_path):
    folder = app.config["MAIL_OUTBOX"]
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the outbox folder should be")
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", str(blocked))
    queue_mail("a@example.org", "Kept", "body")
    db.session.commit()  # the action commits all the same
    (row,) = _outbox_rows(db)
    assert (row.state, row.attempts) == (MailState.PENDING, 1)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", folder)
    assert deliver_outbox(now=row.next_attempt_at).sent == 1
    assert [message["To"] for message in outbox()] == ["a@example.org"]


def test_delivery_after_commit_holds_no_database_connection_while_it_sends(app, db, outbox, monkeypatch):
    """A request's connection is back in the pool before its mail goes, and no transaction stays open during a send
    (with every pooled connection held by requests, a second one per request would never come)."""
    import core.mail

    send = core.mail._send
    checked_out = []

    def watching_send(raw, config):
        checked_out.append(db.engine.pool.checkedout())
        send(raw, config)

    monkeypatch.setattr(core.mail, "_send", watching_send)
    queue_mail("a@example.org", "Hello", "body")
    db.session.commit()
    assert checked_out == [0]
    assert len(outbox()) == 1
