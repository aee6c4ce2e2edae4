"""`flask team ...`: the weekly digest, safe to run from cron on several machines and more than once a week."""
import click
from flask.cli import with_appcontext

from core.extensions import db
from team.digest import leaders_wanting_digests, send_digest

team_cli = click.Group("team", help="Project teams: the leaders' weekly digest.")


@team_cli.command("send-digests")
@with_appcontext
def send_digests():
    """E-mail each leader who chose it the digest of their project's last week, once per week."""
    sent = 0
    for leader in leaders_wanting_digests():
        sent += send_digest(leader)
        db.session.commit()  # one leader's claim and e-mail at a time: a failure later leaves these sent
    click.echo(f"{sent} digest(s) sent.")
