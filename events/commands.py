"""`flask events ...`: timed jobs, safe to run from cron on several machines at once."""
import click
from flask.cli import with_appcontext

from core.db import utcnow
from core.extensions import db
from events.feedback import ask_for_feedback, events_to_ask

events_cli = click.Group("events", help="Events: asking attendees for feedback.")


@events_cli.command("ask-for-feedback")
@with_appcontext
def ask_for_feedback_command():
    """E-mail the attendees of every event that has ended the link to its feedback survey, once per event."""
    now = utcnow()
    asked = 0
    for event in db.session.scalars(events_to_ask(now)).all():
        e_mailed = ask_for_feedback(event, now)
        db.session.commit()
        if e_mailed is not None:
            asked += 1
            click.echo(f"{event.title}: {e_mailed} attendee(s) asked for feedback.")
    click.echo(f"{asked} event(s) asked for feedback.")
