"""Helpers for the plans tests (and the world of the access matrix)."""
from datetime import timedelta

from core.db import utcnow
from core.extensions import db
from mentoring import bookings
from mentoring.models import Booking
from plans.models import Assessment, PlanItem, PlanItemKind

#: a complete, valid answer to the fixture questionnaire (tests/fixtures/content/assessment.yaml)
ANSWERS = {"q_stage": "running", "q_caseload": "12", "q_jurisdictions": ["england-and-wales"],
           "q_goals": "Run intake without a backlog.", "q_appeals": "2", "q_evidence": "4"}


def assess(person, ratings=None, answers=None, by=None, key=None, taken_at=None) -> Assessment:
    assessment = Assessment(person_id=person.id, taken_by_id=(by or person).id,
                            answers=answers if answers is not None else {"stage": "running", "caseload": 12},
                            ratings=ratings if ratings is not None else {"appeals": 2, "evidence": 4},
                            request_key=key or f"assessment-{person.id}-{db.session.scalar(db.select(db.func.count(Assessment.id)))}")
    if taken_at is not None:
        assessment.taken_at = taken_at
    db.session.add(assessment)
    db.session.commit()
    return assessment


def book_session(mentor, learner, index=0) -> Booking:
    """A confirmed hour with the mentor (whose hours must be open), `index` free starts from now."""
    profile = bookings.profile_of(mentor.id)
    start = bookings.free_slots(profile, learner.id, timedelta(hours=1))[index]
    booking = Booking(mentor_id=mentor.id, learner_id=learner.id, topic="Learning plan")
    bookings.set_times(booking, start, timedelta(hours=1), profile.buffer_minutes)
    db.session.add(booking)
    db.session.commit()
    return booking


def add_plans_world(people) -> dict:
    """For the access matrix: the leader's assessment and plan (with a goal; the mentor is the plan's mentor), and a
    session between the leader and the mentor."""
    from plans.planning import create_plan

    session = book_session(people["mentor"], people["leader"])
    assessment = assess(people["leader"], key="world-assessment")
    plan = create_plan(people["leader"], people["leader"], assessment, utcnow().date())
    plan.mentor_id, plan.package_agreed_at = people["mentor"].id, utcnow()
    goal = PlanItem(kind=PlanItemKind.GOAL, title="World goal", position=len(plan.items))
    plan.items.append(goal)
    db.session.commit()
    free = bookings.free_slots(bookings.profile_of(people["mentor"].id), people["leader"].id, timedelta(hours=1))
    return {"leader_id": people["leader"].id, "assessment": assessment.id, "plan": plan.id, "plan_item": goal.id,
            "plan_booking": session.id, "package_start": free[0].isoformat()}
