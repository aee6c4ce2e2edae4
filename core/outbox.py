"""The outbox's operations side: `flask mail deliver` (the delivery worker) and the administrators' page /admin/mail.

The rules (claiming, sending, backoff, giving up) are in core/mail.py.
"""
import logging
import signal
import time

import click
from flask import Blueprint, Flask, abort, flash, redirect, render_template, url_for
from flask.cli import with_appcontext
from flask_login import current_user
from sqlalchemy.exc import DBAPIError

from core import audit
from core.db import lock_for_update, paginate, utcnow
from core.errors import back_on_refusal
from core.extensions import db
from core.forms import ActionForm
from core.mail import MailState, OutgoingMail, deliver_outbox, purge_sent
from core.permissions import require

log = logging.getLogger(__name__)


def list_outgoing_mail():
    require(OutgoingMail.can_list(current_user))
    page = paginate(OutgoingMail.failed_and_recent())
    failed_count = db.session.scalar(db.select(db.func.count(OutgoingMail.id))
                                     .where(OutgoingMail.state == MailState.FAILED))
    return render_template("mail/list_outgoing_mail.html", page=page, failed_count=failed_count,
                           action_form=ActionForm(), states=MailState)


def retry_outgoing_mail(mail_id: int):
    require(OutgoingMail.can_list(current_user))
    mail = lock_for_update(OutgoingMail, mail_id)
    if mail is None:
        abort(404)
    back_on_refusal(url_for("mail.list_outgoing_mail"))
    if ActionForm().validate_on_submit():
        mail.retry(utcnow())
        audit.record(current_user, "mail.retry", mail, detail=mail.message_id)
        db.session.commit()
        flash(f"The message to {mail.recipient} is queued again.", "success")
    return redirect(url_for("mail.list_outgoing_mail"))


bp = Blueprint("mail", __name__)
bp.add_url_rule("/admin/mail", view_func=list_outgoing_mail)
bp.add_url_rule("/admin/mail/<int:mail_id>/retry", view_func=retry_outgoing_mail, methods=["POST"])

mail_cli = click.Group("mail", help="The mail outbox.")


@mail_cli.command("deliver")
@click.option("--loop", "--forever", "forever", is_flag=True,
              help="Keep running: poll for due messages every --interval seconds (stop with SIGTERM or Ctrl-C).")
@click.option("--interval", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              help="Seconds between polls when nothing is due (with --loop).")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Send at most this many messages per poll.")
@with_appcontext
def deliver(forever: bool, interval: float, limit: int | None):
    """Send the outbox's due messages (SMTP when MAIL_SERVER is set, else .eml files); safe to run several at once.

    Each run (and, with --loop, each hour) also deletes messages sent more than MAIL_KEEP_SENT_DAYS ago.
    """
    stopping = []
    if forever:
        # Finish the message in hand, then stop: a claimed message is never left to wait for its lease.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.append(True))
    purged_at = None
    while True:
        try:
            if purged_at is None or time.monotonic() - purged_at > 3600:
                purge_sent()
                purged_at = time.monotonic()
            report = deliver_outbox(limit=limit, should_stop=lambda: bool(stopping))
        except DBAPIError as error:
            if not forever:
                raise
            log.error("mail delivery: the database is unavailable, trying again in %ss: %s", interval, error)
            report = None
        if report is not None and (report.claimed or not forever):
            click.echo(f"{report.sent} sent, {report.retrying} to retry later, {report.failed} failed.")
        if not forever or stopping:
            return
        if report is None or limit is None or report.claimed < limit:
            # Nothing (more) was due: wait, in short naps so that SIGTERM is answered at once.
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.1, interval))


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
    app.jinja_env.globals.update(can_list_outgoing_mail=OutgoingMail.can_list)
