"""`flask privacy ...`: subject access and erasure from the command line."""
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from accounts.models import User
from core.extensions import db
from privacy import erasure, export

privacy_cli = click.Group("privacy", help="Export, erase and purge personal data.")


def _user_or_exit(email: str) -> User:
    user = User.find_by_email(email)
    if user is None:
        click.echo(f"privacy: no account has the e-mail address {email}; nothing was done.", err=True)
        sys.exit(1)
    return user


@privacy_cli.command("export")
@click.argument("email")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="The ZIP file to write.")
@click.option("--with-private-notes", is_flag=True, help="Include mentors' private notes (read them first).")
@with_appcontext
def export_command(email, out, with_private_notes):
    """Write everything held about the person with EMAIL to a ZIP file (data.json, summary.html, files/)."""
    user = _user_or_exit(email)
    out.write_bytes(export.build_zip(user, None, with_private_notes))
    db.session.commit()
    click.echo(f"Wrote {out} for {user.email}.")


@privacy_cli.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Erase without asking (from a script).")
@with_appcontext
def erase_command(email, yes):
    """Erase the person with EMAIL now, whatever the grace period: every personal field, their files, notes about
    them; others' records stay, nameless."""
    user = _user_or_exit(email)
    if not yes:
        click.confirm(f"Erase {user.display_name} <{user.email}> for good?", abort=True)
    erasure.erase(user, None)
    db.session.commit()
    click.echo(f"Erased the account that was {email.strip().lower()}.")
