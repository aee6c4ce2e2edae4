"""`flask certificates award`: award every certificate already earned."""
import click
from flask.cli import with_appcontext
from sqlalchemy import select

from certificates.operations import award_if_complete
from core.extensions import db
from courses.models import CourseModule, Enrolment, EnrolmentState

certificates_cli = click.Group("certificates", help="Course certificates.")


@certificates_cli.command("award")
@with_appcontext
def award_certificates():
    """Award the certificates everybody has earned and not yet received (idempotent; one transaction per person)."""
    module_ids = db.session.scalars(select(CourseModule.module_id).distinct()).all()
    learner_ids = db.session.scalars(select(Enrolment.user_id).where(Enrolment.state == EnrolmentState.ENROLLED)
                                     .distinct().order_by(Enrolment.user_id)).all()
    awarded = 0
    for learner_id in learner_ids:
        awarded += len(award_if_complete(learner_id, module_ids))
        db.session.commit()
    click.echo(f"Awarded {awarded} certificate(s).")
