"""`flask demo load`: the demonstration organisation, people, runs and progress, in one transaction."""
import os
import secrets
import sys

import click
from flask.cli import with_appcontext

from core.extensions import db

demo_cli = click.Group("demo", help="Demonstration data.")


@demo_cli.command("load")
@with_appcontext
def load_demo():
    """Create (or refresh) the demo organisation, people, runs and progress."""
    from demo.people import TWO_FACTOR_USER, load_demo_data, two_factor_key

    password = os.environ.get("DEMO_PASSWORD")
    generated = not password
    password = password or secrets.token_urlsafe(12)
    try:
        created = load_demo_data(password, reset_passwords=not generated)
    except LookupError as error:
        click.echo(f"demo load: {error}", err=True)
        sys.exit(1)
    db.session.commit()
    if created:
        click.echo(f"Demo users: {', '.join(created)}")
        if generated:
            click.echo(f"Their password (shown once; set DEMO_PASSWORD to choose one): {password}")
    else:
        click.echo("Demo data is already loaded; nothing changed.")
    key = two_factor_key()
    if key:
        # Unlike the password (only its hash is kept) the key can be shown again, so it is, on every load.
        click.echo(f"{TWO_FACTOR_USER} signs in with the same password and a code: add this key to an "
                   f"authenticator app (time-based): {key}")
