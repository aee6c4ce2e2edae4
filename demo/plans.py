"""Demo needs assessments: the demo leader assessed themself ten weeks ago and again this week. Idempotent."""
from datetime import timedelta

from sqlalchemy import select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from plans.models import Assessment

FIRST_ANSWERS = {"stage": "setting-up", "team-size": "6-to-15", "caseload": 4, "jurisdictions": ["england-and-wales"],
                 "goals": "Open for applications in the spring with an intake system the students can run, and "
                          "know enough appeals law to supervise the first reviews."}
FIRST_RATINGS = {"appeals": 2, "ccrc": 1, "intake": 1, "evidence": 3, "investigation": 3, "forensic-science": 2,
                 "data-protection": 2, "protocols": 3, "team": 4, "other-jurisdictions": 3}
#: ten weeks on, after the first half of the plan: intake, the CCRC and data protection have moved
LATEST_RATINGS = FIRST_RATINGS | {"ccrc": 3, "intake": 4, "data-protection": 4, "appeals": 3}


def load_plans_demo(people: dict[str, User]) -> None:
    leader = people["leader@example.org"]
    if db.session.scalar(select(Assessment.id).where(Assessment.person_id == leader.id).limit(1)) is not None:
        return
    now = utcnow()
    db.session.add_all([
        Assessment(person_id=leader.id, taken_by_id=leader.id, taken_at=now - timedelta(weeks=10),
                   answers=FIRST_ANSWERS, ratings=FIRST_RATINGS, request_key="demo-first-assessment"),
        Assessment(person_id=leader.id, taken_by_id=leader.id, taken_at=now - timedelta(days=2),
                   answers=FIRST_ANSWERS | {"stage": "running", "caseload": 11}, ratings=LATEST_RATINGS,
                   request_key="demo-latest-assessment"),
    ])
    db.session.flush()
