"""The outbox's delivery against a real SMTP server (aiosmtpd): refusals, dropped connections, a killed worker,
two workers at once, backoff and giving up; the `flask mail deliver` command; the administrators' page."""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from core.db import utcnow
from core.mail import MailState, OutgoingMail, deliver_outbox, purge_sent, queue_mail, retry_delay

ROOT = Path(__file__).parents[2]


def queue(db, count, prefix="person"):
    """Queue `count` messages in one committed action; returns their Message-IDs in order."""
    for number in range(count):
        queue_mail(f"{prefix}{number}@example.org", f"Message {number}", f"Body {number}")
    db.session.commit()
    return [row.message_id for row in rows(db)]


def rows(db):
    db.session.expire_all()
    found = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
    db.session.commit()  # end the read: on SQLite an open transaction holds the write lock the workers need
    return found


def test_a_worker_sends_every_due_message_once_with_its_stored_message_id(app, db, smtp_server):
    message_ids = queue(db, 3)
    assert smtp_server.received == []  # web workers only write rows when a mail server is configured
    report = deliver_outbox()
    assert (report.sent, report.retrying, report.failed) == (3, 0, 0)
    assert smtp_server.message_ids() == message_ids
    assert {row.state for row in rows(db)} == {MailState.SENT}
    assert deliver_outbox().claimed == 0


@pytest.mark.parametrize("reply", ["451 4.3.0 Try again later", "550 5.1.1 No such user", "drop"])
def test_a_refused_or_dropped_send_is_kept_for_a_retry_with_the_same_message_id(app, db, smtp_server, reply):
    (message_id,) = queue(db, 1)
    smtp_server.reply = lambda number: reply if number == 1 else None
    start = utcnow()
    assert deliver_outbox(now=start).retrying == 1
    (row,) = rows(db)
    assert (row.state, row.attempts) == (MailState.PENDING, 1)
    assert row.next_attempt_at == start + timedelta(seconds=app.config["MAIL_RETRY_SECONDS"])
    expected_error = "SMTPServerDisconnected" if reply == "drop" else reply[:3]
    assert expected_error in row.last_error
    assert smtp_server.received == []
    assert deliver_outbox(now=row.next_attempt_at - timedelta(seconds=1)).claimed == 0  # not due yet
    assert deliver_outbox(now=row.next_attempt_at).sent == 1
    assert smtp_server.message_ids() == [message_id]
    assert rows(db)[0].state is MailState.SENT


def test_no_server_listening_is_a_failed_try(app, db, smtp_server, monkeypatch):
    queue(db, 1)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_PORT", closed_port)
    assert deliver_outbox().retrying == 1
    assert "ConnectionRefusedError" in rows(db)[0].last_error


def test_backoff_doubles_and_the_message_fails_after_max_attempts_then_an_administrator_retries_it(
        app, db, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 4)
    monkeypatch.setitem(app.config, "MAIL_RETRY_SECONDS", 60)
    queue(db, 1)
    smtp_server.reply = lambda number: "554 5.7.1 Rejected"
    now = utcnow()
    waits = []
    for attempt in range(1, 5):
        report = deliver_outbox(now=now)
        (row,) = rows(db)
        assert row.attempts == attempt
        if attempt < 4:
            assert (report.retrying, row.state) == (1, MailState.PENDING)
            waits.append(row.next_attempt_at - now)
            assert deliver_outbox(now=row.next_attempt_at - timedelta(microseconds=1)).claimed == 0
            now = row.next_attempt_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert (report.failed, row.state) == (1, MailState.FAILED)
    assert "554" in row.last_error
    assert deliver_outbox(now=now + timedelta(days=30)).claimed == 0  # given up: never tried again by itself

    row.retry(now)
    db.session.commit()
    smtp_server.reply = lambda number: None
    assert deliver_outbox(now=now).sent == 1
    assert len(smtp_server.received) == 1
    assert rows(db)[0].state is MailState.SENT


def test_the_retry_delay_doubles_up_to_a_day(app):
    assert [retry_delay(attempt, {"MAIL_RETRY_SECONDS": 300}).total_seconds() for attempt in (1, 2, 3, 10)] == [
        300, 600, 1200, 24 * 3600]


def test_a_message_claimed_by_a_worker_that_died_is_claimed_again_once_its_lease_expires(app, db, smtp_server):
    (message_id,) = queue(db, 1)
    now = utcnow()
    db.session.execute(update(OutgoingMail).values(
        state=MailState.SENDING, attempts=1, lease_expires_at=now + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"])))
    db.session.commit()
    assert deliver_outbox(now=now).claimed == 0  # the (dead) worker's claim still holds
    lease_end = now + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"])
    assert deliver_outbox(now=lease_end).sent == 1
    assert smtp_server.message_ids() == [message_id]
    assert rows(db)[0].attempts == 2


def test_a_dead_workers_last_try_is_not_sent_again_but_failed(app, db, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 2)
    queue(db, 1)
    db.session.execute(update(OutgoingMail).values(state=MailState.SENDING, attempts=2, lease_expires_at=utcnow()))
    db.session.commit()
    assert deliver_outbox(now=utcnow() + timedelta(seconds=1)).claimed == 0
    (row,) = rows(db)
    assert row.state is MailState.FAILED and "may have been sent" in row.last_error
    assert smtp_server.received == []


def _worker_env(app, **extra):
    env = dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY="test-secret-key",
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(app.config["MAIL_PORT"]), MAIL_USE_TLS="0",
               MAIL_USERNAME="")
    env.update(extra)
    return env


def test_a_worker_process_killed_mid_batch_loses_nothing(app, db, smtp_server):
    message_ids = queue(db, 6)
    smtp_server.reply = lambda number: "hang" if number == 3 else None
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "mail", "deliver"], cwd=ROOT,
                              env=_worker_env(app), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert smtp_server.hanging.wait(timeout=120), worker.stdout.read1().decode() if worker.poll() else ""
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    assert smtp_server.message_ids() == message_ids[:2]
    states = [row.state for row in rows(db)]
    assert states == [MailState.SENT] * 2 + [MailState.SENDING] + [MailState.PENDING] * 3

    # The next worker sends the rest at once and, after the dead worker's lease, the message it was sending.
    smtp_server.reply = lambda number: None
    assert deliver_outbox().sent == 3
    assert deliver_outbox(now=utcnow() + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"])).sent == 1
    assert sorted(smtp_server.message_ids()) == sorted(message_ids)
    assert {row.state for row in rows(db)} == {MailState.SENT}


def test_two_workers_at_once_deliver_every_message_exactly_once(app, db, smtp_server):
    message_ids = queue(db, 30)
    reports, errors = [], []

    def work():
        try:
            with app.app_context():
                reports.append(deliver_outbox())
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)

    workers = [threading.Thread(target=work) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    assert sum(report.sent for report in reports) == 30
    assert sorted(smtp_server.message_ids()) == sorted(message_ids)  # every one, none twice
    assert {row.state for row in rows(db)} == {MailState.SENT}


def test_the_deliver_command_sends_once_and_reports(app, db, runner, outbox):
    for number in range(2):
        db.session.add(OutgoingMail(message_id=f"<m{number}@test>", recipient=f"p{number}@example.org",
                                    subject="Hello", raw=b"To: p@example.org\r\nSubject: Hello\r\n\r\nHi\r\n"))
    db.session.commit()
    result = runner.invoke(args=["mail", "deliver"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "2 sent, 0 to retry later, 0 failed."
    assert len(outbox()) == 2  # without MAIL_SERVER the worker writes .eml files too


def test_the_deliver_loop_keeps_sending_until_sigterm(app, db, smtp_server):
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "mail", "deliver", "--loop",
                               "--interval", "0.2"], cwd=ROOT, env=_worker_env(app),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        message_ids = queue(db, 2)
        deadline = time.monotonic() + 120
        while len(smtp_server.received) < 2 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
        assert smtp_server.message_ids() == message_ids
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output.decode()
    assert {row.state for row in rows(db)} == {MailState.SENT}


def _failed_mail(db, subject="Your invitation", recipient="someone@example.org"):
    mail = OutgoingMail(message_id="<failed@test>", recipient=recipient, subject=subject,
                        raw=b"Subject: x\r\n\r\nSECRET BODY TEXT\r\n", state=MailState.FAILED, attempts=8,
                        last_error="SMTPRecipientsRefused: 550 No such user")
    db.session.add(mail)
    db.session.commit()
    return mail


def test_administrators_see_failed_mail_without_bodies_and_retry_it(app, db, client, login_as, make_user):
    mail = _failed_mail(db)
    login_as(make_user("admin"))
    page = client.get("/admin/mail")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Your invitation" in html and "someone@example.org" in html and "550 No such user" in html
    assert "SECRET BODY TEXT" not in html
    assert f"/admin/mail/{mail.id}/retry" in html
    response = client.post(f"/admin/mail/{mail.id}/retry")
    assert response.status_code == 302
    (row,) = rows(db)
    assert (row.state, row.attempts) == (MailState.PENDING, 0)
    again = client.post(f"/admin/mail/{mail.id}/retry", follow_redirects=True)  # a double click
    assert "already queued or sent" in again.get_data(as_text=True)
    assert rows(db)[0].state is MailState.PENDING


def test_the_retry_button_needs_its_csrf_token(app, db, client, login_as, make_user, csrf_enabled):
    mail = _failed_mail(db)
    login_as(make_user("admin"))
    assert client.post(f"/admin/mail/{mail.id}/retry").status_code == 400
    assert rows(db)[0].state is MailState.FAILED


@pytest.mark.parametrize("role", ["trainee", "leader", "mentor"])
def test_only_administrators_see_or_retry_the_outbox(app, db, client, login_as, make_user, role):
    mail = _failed_mail(db)
    login_as(make_user(role))
    assert client.get("/admin/mail").status_code == 403
    assert client.post(f"/admin/mail/{mail.id}/retry").status_code == 403
    assert rows(db)[0].state is MailState.FAILED


def test_the_admin_dashboard_links_to_the_outbox(app, db, client, login_as, make_user):
    login_as(make_user("admin"))
    assert "/admin/mail" in client.get("/dashboard").get_data(as_text=True)


def test_sent_messages_are_deleted_after_the_retention_period_and_failed_ones_stay(app, db, smtp_server):
    queue(db, 2)
    now = utcnow()
    assert deliver_outbox(now=now).sent == 2
    _failed_mail(db)
    keep = timedelta(days=app.config["MAIL_KEEP_SENT_DAYS"])
    assert purge_sent(now=now + keep) == 0
    assert purge_sent(now=now + keep + timedelta(seconds=1)) == 2
    assert [row.state for row in rows(db)] == [MailState.FAILED]
