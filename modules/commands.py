"""`flask quizzes ...`: timed jobs for quizzes."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from curriculum.models import Quiz
from modules.analysis import rebuild
from modules.attempts import close_if_overdue, lock_attempt
from modules.models import Attempt, AttemptState

quizzes_cli = click.Group("quizzes", help="Quiz housekeeping.")


@quizzes_cli.command("close-overdue")
@with_appcontext
def close_overdue():
    """Submit attempts whose time ran out while nobody was looking (safe to run from cron, even twice at once)."""
    now = utcnow()
    overdue = db.session.scalars(select(Attempt.id).where(Attempt.state == AttemptState.IN_PROGRESS,
                                                          Attempt.deadline_at < now)).all()
    closed = 0
    for attempt_id in overdue:
        # One transaction per attempt: the row lock makes a concurrent run (or the trainee) skip it.
        attempt = lock_attempt(attempt_id)
        if attempt.is_in_progress and close_if_overdue(attempt, now):
            closed += 1
        db.session.commit()
    click.echo(f"Submitted {closed} overdue attempt(s).")


@quizzes_cli.command("rebuild-analysis")
@with_appcontext
def rebuild_analysis():
    """Recompute every quiz's item-analysis sums from its answers (after restoring a backup, or attempts written
    outside the app); the app keeps them up to date itself."""
    for quiz in db.session.scalars(select(Quiz).order_by(Quiz.id)):
        rebuild(quiz)
        db.session.commit()
    click.echo("Rebuilt the item-analysis sums of every quiz.")
