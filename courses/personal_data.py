"""What courses holds about a person (their enrolments), for privacy's export and erasure."""
from sqlalchemy import select

from core.extensions import db
from core.timezones import iso
from courses.models import Enrolment


def _enrolments(user):
    return db.session.scalars(select(Enrolment).where(Enrolment.user_id == user.id).order_by(Enrolment.id)).all()


def personal_data(user) -> dict:
    return {"enrolments": [{"run": e.run.name, "state": e.state.value, "since": iso(e.state_changed_at),
                            "enrolled_at": iso(e.created_at)} for e in _enrolments(user)]}
