"""Scheduling runs (administrators). Flush only; views commit."""
from sqlalchemy import select

from accounts.models import User
from core import audit
from core.db import lock_for_update
from core.extensions import db
from courses.enrolment import fill_from_waitlist
from courses.models import Run


def save_run(run: Run | None, values: dict, mentor_ids: list[int], admin: User) -> Run:
    """Create a run, or update one; a raised capacity at once seats the people waiting."""
    mentors = db.session.scalars(select(User).where(User.id.in_(mentor_ids), User.is_mentor.is_(True))).all()
    if run is None:
        run = Run(**values)
        run.mentors = list(mentors)
        db.session.add(run)
        db.session.flush()
        audit.record("run.create", actor=admin, detail={"run_id": run.id})
        return run
    lock_for_update(Run, run.id)
    for name, value in values.items():
        setattr(run, name, value)
    run.mentors = list(mentors)
    fill_from_waitlist(run)
    audit.record("run.edit", actor=admin, detail={"run_id": run.id})
    return run
