"""`flask accounts ...`: what an operator needs before anyone can sign in."""
import sys

import click
from flask.cli import with_appcontext

from accounts.models import User
from accounts.sessions import end_sessions
from core import audit
from core.extensions import db

accounts_cli = click.Group("accounts", help="Manage accounts from the command line.")


@accounts_cli.command("create-admin")
@click.argument("email")
@click.option("--name", required=True, help="The administrator's display name.")
@click.password_option(help="Asked for (twice) when not given.")
@with_appcontext
def create_admin(email, name, password):
    """Create the first administrator (or make an existing account one)."""
    if len(password) < 10:
        click.echo("create-admin: the password needs at least 10 characters; nothing was changed.", err=True)
        sys.exit(1)
    user = User.find_by_email(email)
    if user is None:
        user = User(email=email.strip().lower(), display_name=name.strip())
        db.session.add(user)
    user.is_admin = True
    user.set_password(password)
    if user.id is not None:
        end_sessions(user)
    db.session.flush()
    audit.record("user.create_admin", subject=user)
    db.session.commit()
    click.echo(f"{user.email} is an administrator.")
