"""A real SMTP server in the test process (aiosmtpd), to prove the outbox's delivery and its failure paths."""
import asyncio
import email
import email.policy
import socket
import threading

import pytest
from aiosmtpd.controller import Controller


class SMTPHandler:
    """Accepts every message unless `reply` says otherwise.

    `reply(number)` is called for the n-th DATA (1-based) and returns None to
    accept, an SMTP reply such as "550 No such user" to refuse, "drop" to
    close the connection without answering, or "hang" to stop answering
    until the client goes away (a send in flight when a worker is killed).
    """

    def __init__(self):
        self.received = []
        self.reply = lambda number: None
        self.attempts = 0
        self.hanging = threading.Event()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.attempts += 1
            answer = self.reply(self.attempts)
        if answer == "drop":
            server.transport.close()
            return "421 closing"
        if answer == "hang":
            self.hanging.set()
            await asyncio.sleep(120)
            return "451 too late"
        if answer:
            return answer
        with self.lock:
            self.received.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 OK"

    def message_ids(self):
        return [message["Message-ID"] for message in self.received]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    """An SMTP server on a free loopback port, and the app configured to deliver to it (so web workers only queue)."""
    handler = SMTPHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.port = controller.port
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "")
    yield handler
    controller.stop()
