"""What courses holds about a person (their enrolments), for privacy's export and erasure."""
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.timezones import iso
from courses.enrolment import withdraw
from courses.models import Enrolment, Run


def _enrolments(user):
    return db.session.scalars(select(Enrolment).where(Enrolment.user_id == user.id).order_by(Enrolment.id)).all()


def personal_data(user) -> dict:
    return {"enrolments": [{"run": e.run.name, "state": e.state.value, "since": iso(e.state_changed_at),
                            "enrolled_at": iso(e.created_at)} for e in _enrolments(user)]}


def erase(user, by) -> None:
    """Give up the person's seats and waitlist places in runs not yet over (the next person waiting moves up);
    enrolments in past runs stay with the nameless account, so a run's numbers still add up."""
    now = utcnow()
    for enrolment in _enrolments(user):
        if enrolment.is_active and db.session.get(Run, enrolment.run_id).ends_at > now:
            withdraw(enrolment, by)
