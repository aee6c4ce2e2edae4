"""`flask mentoring ...`: timed jobs, safe to run from cron on several machines at once."""
import click
from flask.cli import with_appcontext

from core.extensions import db
from mentoring.reminders import claim_due_reminders

mentoring_cli = click.Group("mentoring", help="Mentoring sessions: reminders.")


@mentoring_cli.command("send-reminders")
@with_appcontext
def send_reminders():
    """E-mail everyone due a reminder of a session (at the times each chose), each exactly once."""
    total = 0
    while True:
        claimed = claim_due_reminders()
        db.session.commit()
        if not claimed:
            break
        total += len(claimed)
    click.echo(f"{total} reminder(s) sent.")
