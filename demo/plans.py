"""Demo needs assessments and plan: the demo leader assessed themself ten weeks ago and again this week, and has the
plan proposed from the first, adjusted with their mentor, whose agreed mentoring package is half done. Idempotent."""
import secrets
from datetime import time, timedelta

from sqlalchemy import select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from core.timezones import local_to_utc
from demo.mentoring import _on
from mentoring.bookings import set_times
from mentoring.models import Attendance, Booking, BookingSeries
from plans.models import Assessment, PlanItem, PlanItemKind
from plans.planning import create_plan, record_change

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
    mentor = people["mentor@example.org"]
    now = utcnow()
    first = Assessment(person_id=leader.id, taken_by_id=leader.id, taken_at=now - timedelta(weeks=10),
                       answers=FIRST_ANSWERS, ratings=FIRST_RATINGS, request_key="demo-first-assessment")
    latest = Assessment(person_id=leader.id, taken_by_id=leader.id, taken_at=now - timedelta(days=2),
                        answers=FIRST_ANSWERS | {"stage": "running", "caseload": 11}, ratings=LATEST_RATINGS,
                        request_key="demo-latest-assessment")
    db.session.add_all([first, latest])
    db.session.flush()
    plan = create_plan(leader, leader, first, (now - timedelta(weeks=10)).date())
    plan.mentor_id = mentor.id
    plan.items.append(PlanItem(
        kind=PlanItemKind.GOAL, position=len(plan.items), title="Open the project to applications",
        success_criteria="The intake questionnaire is live and the first ten applications are triaged by students "
                         "using the eligibility checklist.", target_on=(now + timedelta(weeks=6)).date(),
        reason=f"Added by {mentor.display_name} with {leader.display_name}."))
    db.session.flush()
    record_change(plan, mentor, "Added the goal “Open the project to applications”")
    plan.package_agreed_at, plan.package_agreed_by_id = now - timedelta(weeks=9), leader.id
    record_change(plan, leader, f"Agreed the mentoring package: {plan.package_sessions} sessions")
    _book_half_done_package(plan, leader, mentor)


def _book_half_done_package(plan, leader: User, mentor: User) -> None:
    """The package as a weekly series on Thursdays at 14:00 London, half of it held, with notes fed into the plan."""
    count = plan.package_sessions or 6
    zone = "Europe/London"
    series = BookingSeries(count=count, every_weeks=1, request_key=secrets.token_urlsafe(24))
    sessions = []
    for week in range(-(count // 2), count - count // 2):
        booking = Booking(mentor_id=mentor.id, learner_id=leader.id, booked_by_id=leader.id, series=series,
                          topic="Learning plan: your most urgent topics")
        set_times(booking, local_to_utc(_on(3, week, zone), time(14), zone), timedelta(hours=1), 15)
        sessions.append(booking)
    db.session.add_all([series, *sessions])
    db.session.flush()
    plan.series_id = series.id
    held = [b for b in sessions if b.ends_at <= utcnow()]
    for booking in held:
        booking.attendance = Attendance.ATTENDED
        booking.shared_note = "We went through the plan's next steps and the intake questionnaire."
    record_change(plan, leader, f"Booked the mentoring package: {count} sessions with {mentor.display_name}")
    if held:
        first = held[0]
        for title, done in (("Draft the intake questionnaire", True), ("Write the data-protection notice", False)):
            plan.items.append(PlanItem(kind=PlanItemKind.ACTION, title=title, position=len(plan.items),
                                       booking_id=first.id, reason=f"Added by {mentor.display_name} in a mentoring "
                                                                   "session.",
                                       done_at=held[-1].ends_at if done else None,
                                       done_by_id=mentor.id if done else None,
                                       target_on=(utcnow() + timedelta(weeks=2 if not done else -1)).date()))
            record_change(plan, mentor, f"Added the action point “{title}”")
    db.session.flush()
