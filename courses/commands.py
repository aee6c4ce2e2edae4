"""`flask content ...` and `flask demo ...`: one transaction per command."""
import os
import secrets
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from core.extensions import db
from courses.certificates import award_if_complete
from courses.curriculum import apply_curriculum, find_key_conflicts, read_curriculum
from courses.models import CourseModule, Enrolment, EnrolmentState

content_cli = click.Group("content", help="Validate and load the curriculum files.")
demo_cli = click.Group("demo", help="Demonstration data.")
certificates_cli = click.Group("certificates", help="Course certificates.")


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
    click.echo(f"OK: {len(curriculum.modules)} modules, {len(curriculum.courses)} courses.")


@content_cli.command("load")
@click.argument("path", required=False)
@with_appcontext
def load_content(path):
    """Validate, then load or update the curriculum at PATH (default: content/)."""
    root = _content_root(path)
    curriculum, problems = read_curriculum(root)
    problems = problems or find_key_conflicts(root, curriculum)
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


@demo_cli.command("load")
@with_appcontext
def load_demo():
    """Create (or refresh) the demo organisation, people, runs and progress."""
    from courses.demo import load_demo_data

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


@certificates_cli.command("award")
@with_appcontext
def award_certificates():
    """Award the certificates everybody has earned and not yet received (idempotent; one transaction per person)."""
    module_ids = db.session.scalars(select(CourseModule.module_id).distinct()).all()
    learner_ids = db.session.scalars(select(Enrolment.user_id).where(Enrolment.state == EnrolmentState.ENROLLED)
                                     .distinct().order_by(Enrolment.user_id)).all()
    awarded = 0
    # E-mailed links need a host; outside a request it is BASE_URL (set it in production).
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"] or "http://127.0.0.1:5000"):
        for learner_id in learner_ids:
            awarded += len(award_if_complete(learner_id, module_ids))
            db.session.commit()
    click.echo(f"Awarded {awarded} certificate(s).")
