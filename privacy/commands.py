"""`flask privacy ...`: subject access, erasure and the retention purge from the command line."""
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from accounts.models import User
from core.extensions import db
from privacy import erasure, export, retention

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
    try:
        erasure.erase(user, None)
    except erasure.ErasureRefusal as refusal:
        click.echo(f"privacy: {refusal.message} Nothing was done.", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Erased the account that was {email.strip().lower()}.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="List what would go, change nothing.")
@with_appcontext
def purge_command(dry_run):
    """Remove what the retention schedule no longer allows to keep. Safe to run again, and from several machines
    at once (runs queue behind each other and the later ones find nothing left)."""
    if dry_run:
        for person in retention.accounts_due_now():
            click.echo(f"would erase (inactive): {person.email}")
    counts = retention.purge(dry_run=dry_run)
    db.session.commit()
    verb = "would go" if dry_run else "removed"
    for kind, count in counts:
        click.echo(f"{kind.label} (kept {retention.describe(retention.period(kind))}): {count} {verb}")
