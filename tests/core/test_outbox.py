"""The mail outbox: written with the action, delivered after it, retried by workers, never lost, never doubled."""
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db as _db
from core.mail import MailState, OutgoingMail, deliver_due, queue_mail, retry_delay

ROOT = Path(__file__).parent.parent.parent


class Recorder:
    """An SMTP server's handler: keeps each message's Message-ID; `refuse` answers every message with a 550."""

    def __init__(self, refuse=False, delay=0.0):
        self.message_ids, self.refuse, self.delay = [], refuse, delay

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "550 Mailbox unavailable"
        if self.delay:
            time.sleep(self.delay)  # holds the server's loop, like a slow relay
        for line in envelope.content.decode().splitlines():
            if line.lower().startswith("message-id:"):
                self.message_ids.append(line.split(":", 1)[1].strip())
        return "250 OK"


@contextmanager
def smtp_server(app, monkeypatch=None, **handler_options):
    handler = Recorder(**handler_options)
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port, "MAIL_USE_TLS": False,
                "MAIL_SEND_AFTER_COMMIT": False}
    saved = {key: app.config[key] for key in settings}
    app.config.update(settings)
    try:
        yield handler, controller.port
    finally:
        app.config.update(saved)
        controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _rows():
    _db.session.expire_all()
    return _db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()


def test_a_message_is_a_row_of_its_transaction_and_goes_with_a_rollback(app, db):
    with app.test_request_context():
        queue_mail("kept@example.org", "Kept", "body")
        savepoint = db.session.begin_nested()
        queue_mail("inner@example.org", "Inner", "body")
        savepoint.rollback()
        db.session.commit()
        queue_mail("dropped@example.org", "Dropped", "body")
        db.session.rollback()
    assert [row.recipient for row in _rows()] == ["kept@example.org"]


def test_right_after_the_commit_the_message_is_sent_and_marked_sent(client, db, outbox, make_user):
    user = make_user("trainee")
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    assert [m["Subject"] for m in outbox(user.email)] == ["Reset your Casework Academy password"]
    [row] = _rows()
    assert (row.state, row.attempts, row.recipient) == (MailState.SENT, 1, user.email)
    assert row.message["Message-ID"] == outbox(user.email)[0]["Message-ID"] == row.message_id


def test_a_message_sent_after_commit_is_not_due_for_a_worker_meanwhile(app, db):
    with app.test_request_context():
        row = queue_mail("a@example.org", "Hello", "body")
        db.session.commit()
    assert row.next_attempt_at >= utcnow() + timedelta(seconds=app.config["MAIL_AFTER_COMMIT_GRACE"] - 5)


def test_past_the_limit_a_transactions_messages_are_left_to_the_workers_at_once(app, db, outbox):
    app.config["MAIL_SEND_AFTER_COMMIT_LIMIT"], saved = 2, app.config["MAIL_SEND_AFTER_COMMIT_LIMIT"]
    try:
        with app.test_request_context():
            rows = [queue_mail(f"p{n}@example.org", "To everyone", "body") for n in range(5)]
            db.session.commit()
        sent_now = {message["To"] for message in outbox()}
        assert sent_now == {"p0@example.org", "p1@example.org"}
        assert all(row.next_attempt_at > utcnow() for row in rows[:2])  # being sent: not due for a worker
        assert all(row.next_attempt_at <= utcnow() for row in rows[2:])
        with app.app_context():
            assert deliver_due() == (3, 0)
        assert sorted(message["To"] for message in outbox()) == [row.recipient for row in rows]
    finally:
        app.config["MAIL_SEND_AFTER_COMMIT_LIMIT"] = saved


def test_a_worker_delivers_what_is_due_over_smtp(app, db):
    with smtp_server(app) as (server, _), app.test_request_context():
        rows = [queue_mail(f"p{n}@example.org", f"Hello {n}", "body") for n in range(3)]
        db.session.commit()
        assert deliver_due() == (3, 0)
        assert deliver_due() == (0, 0)
    assert server.message_ids == [row.message_id for row in rows]
    assert {row.state for row in _rows()} == {MailState.SENT}


def test_a_refusing_server_is_retried_with_growing_delays_then_the_message_is_failed(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 3)
    with smtp_server(app, refuse=True), app.test_request_context():
        row = queue_mail("a@example.org", "Hello", "body")
        db.session.commit()
        for attempt in (1, 2):
            before = utcnow()
            assert deliver_due() == (0, 1)
            [row] = _rows()
            assert (row.state, row.attempts) == (MailState.PENDING, attempt)
            assert "550" in row.last_error
            assert row.next_attempt_at >= before + retry_delay(attempt) - timedelta(seconds=1)
            assert deliver_due() == (0, 0)  # not due again yet
            row.next_attempt_at = utcnow()
            db.session.commit()
        assert deliver_due() == (0, 1)
    [row] = _rows()
    assert (row.state, row.attempts) == (MailState.FAILED, 3)


def test_a_server_that_drops_the_connection_leaves_the_message_due_later(app, db):
    class Hangup(socketserver.BaseRequestHandler):
        def handle(self):
            self.request.close()

    with socketserver.TCPServer(("127.0.0.1", 0), Hangup) as hangup:
        threading.Thread(target=hangup.serve_forever, daemon=True).start()
        settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": hangup.server_address[1], "MAIL_USE_TLS": False,
                    "MAIL_SEND_AFTER_COMMIT": False}
        saved = {key: app.config[key] for key in settings}
        app.config.update(settings)
        try:
            with app.test_request_context():
                queue_mail("a@example.org", "Hello", "body")
                db.session.commit()
                assert deliver_due() == (0, 1)
        finally:
            app.config.update(saved)
            hangup.shutdown()
    [row] = _rows()
    assert row.state == MailState.PENDING and "Disconnected" in row.last_error and row.next_attempt_at > utcnow()


def test_a_failed_after_commit_send_is_recorded_and_left_to_a_worker(client, db, make_user, monkeypatch):
    monkeypatch.setitem(client.application.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(client.application.config, "MAIL_PORT", _free_port())  # nothing listens: refused
    user = make_user("trainee")
    assert client.post("/password/forgot", data={"email": user.email}).status_code == 302
    [row] = _rows()
    assert (row.state, row.attempts) == (MailState.PENDING, 1)
    assert "ConnectionRefusedError" in row.last_error


def test_an_administrator_sends_a_failed_message_again(client, db, outbox, make_user, login_as):
    admin = make_user("admin")
    with client.application.test_request_context():
        row = queue_mail("lost@example.org", "Lost", "body")
        row.state, row.attempts, row.last_error = MailState.FAILED, 8, "SMTPDataError: 550"
        _db.session.commit()
    outbox_before = len(outbox("lost@example.org"))
    login_as(admin)
    page = client.get("/admin/mail")
    assert page.status_code == 200 and b"lost@example.org" in page.data and b"SMTPDataError" in page.data
    response = client.post(f"/admin/mail/{row.id}/retry")
    assert response.status_code == 302
    assert len(outbox("lost@example.org")) == outbox_before + 1
    [row] = _rows()
    assert (row.state, row.attempts) == (MailState.SENT, 1)
    assert client.post(f"/admin/mail/{row.id}/retry").status_code == 302  # a sent message is left alone
    assert len(outbox("lost@example.org")) == outbox_before + 1


def test_two_workers_at_once_deliver_every_message_exactly_once(app, committed_db):
    with smtp_server(app) as (server, _):
        with app.test_request_context():
            expected = {queue_mail(f"p{n}@example.org", "Hello", "body").message_id for n in range(40)}
            committed_db.session.commit()

        def worker():
            with app.app_context():
                while deliver_due(limit=5) != (0, 0):
                    pass

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert sorted(server.message_ids) == sorted(expected)
    assert {row.state for row in _rows()} == {MailState.SENT}


def test_a_worker_killed_mid_batch_loses_nothing(app, committed_db, tmp_path):
    with smtp_server(app, delay=0.3) as (server, port):
        with app.test_request_context():
            expected = {queue_mail(f"p{n}@example.org", "Hello", "body").message_id for n in range(8)}
            committed_db.session.commit()
        env = os.environ | {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "outbox-test",
                            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(port), "MAIL_USE_TLS": "0",
                            "MAIL_LEASE_SECONDS": "2", "MAIL_OUTBOX": str(tmp_path)}
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "mail", "deliver", "--batch", "8"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(server.message_ids) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        delivered_before_the_kill = len(set(server.message_ids))
        assert 2 <= delivered_before_the_kill < len(expected), "the kill must land mid-batch"
        time.sleep(2.5)  # the killed worker's lease runs out
        app.config["MAIL_LEASE_SECONDS"], saved = 2, app.config["MAIL_LEASE_SECONDS"]
        try:
            with app.app_context():
                while deliver_due() != (0, 0):
                    pass
        finally:
            app.config["MAIL_LEASE_SECONDS"] = saved
    assert set(server.message_ids) == expected
    # Only messages sent but not yet marked when the worker died go out twice, with their Message-ID.
    assert len(server.message_ids) - len(expected) <= 1
    assert {row.state for row in _rows()} == {MailState.SENT}
