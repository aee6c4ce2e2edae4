"""`flask content ...`: validate and load the curriculum files in one transaction."""
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from core.extensions import db
from courses.loader import apply_curriculum, read_curriculum
from curriculum.loader import find_key_conflicts

content_cli = click.Group("content", help="Validate and load the curriculum files.")


def _content_root(path: str | None) -> Path:
    return Path(path) if path else Path(current_app.root_path) / "content"


def _report(problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(problems)} problem(s) found; nothing was changed.", err=True)
    sys.exit(1)


@content_cli.command("check")
@click.argument("path", required=False)
@with_appcontext
def check_content(path):
    """Validate the curriculum at PATH (default: content/) without loading it."""
    curriculum, problems = read_curriculum(_content_root(path))
    if problems:
        _report(problems)
    parts = "".join(f", {part.label}" for part in curriculum.parts)
    click.echo(f"OK: {len(curriculum.modules)} modules, {len(curriculum.courses)} courses{parts}.")


@content_cli.command("load")
@click.argument("path", required=False)
@with_appcontext
def load_content(path):
    """Validate, then load or update the curriculum at PATH (default: content/)."""
    root = _content_root(path)
    curriculum, problems = read_curriculum(root)
    problems = problems or find_key_conflicts(root, curriculum.modules)
    if problems:
        _report(problems)
    summary = apply_curriculum(curriculum)
    db.session.commit()
    if summary.is_empty:
        click.echo(f"No changes: {len(curriculum.modules)} modules and {len(curriculum.courses)} courses are up to date.")
        return
    for label, items in (("created", summary.created), ("updated", summary.updated), ("retired", summary.retired)):
        if items:
            click.echo(f"{label}: {len(items)}")
            for item in items:
                click.echo(f"  {item}")
