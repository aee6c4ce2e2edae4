"""The mentoring package: booked as one series against the plan, sessions feeding the plan, the summary PDF; and the
administrators' anonymised totals."""
from datetime import timedelta

import pytest

from core.db import utcnow
from core.extensions import db as _db
from mentoring import bookings
from mentoring.models import Booking
from plans import planning
from plans.models import PlanItem, PlanItemKind
from plans.overview import needs_totals
from plans.progress import plan_progress
from plans.summary import summarise
from tests.mentoring.helpers import open_every_day
from tests.plans.helpers import assess

TODAY = utcnow().date()


@pytest.fixture
def agreed(curriculum, make_organisation, make_user, db):
    """A leader's plan with an agreed package of 4 fortnightly hours with a mentor whose hours are open."""
    leader = make_user("leader", make_organisation(), name="Lee Leader")
    mentor = make_user("mentor", name="Morgan Mentor")
    profile = open_every_day(mentor)
    plan = planning.create_plan(leader, leader, assess(leader, ratings={"appeals": 1, "evidence": 3}), TODAY)
    plan.mentor_id, plan.package_sessions, plan.package_every_weeks = mentor.id, 4, 2
    plan.package_agreed_at, plan.package_agreed_by_id = utcnow(), leader.id
    plan.items.append(PlanItem(kind=PlanItemKind.GOAL, title="Open for applications", position=9))
    db.session.commit()
    return plan, profile


def _first_free(profile, plan):
    return bookings.free_slots(profile, plan.person_id, timedelta(hours=1))[0]


def test_booking_the_package_books_the_series_against_the_plan(client, login_as, agreed, db):
    plan, profile = agreed
    login_as(plan.person)
    assert "Book the package" in client.get(f"/plans/people/{plan.person_id}").get_data(as_text=True)
    page = client.get(f"/plans/{plan.id}/package/book")
    assert page.status_code == 200 and 'name="start"' in page.get_data(as_text=True)
    start = _first_free(profile, plan)
    data = {"start": start.isoformat(), "request_key": "package-1"}
    assert client.post(f"/plans/{plan.id}/package/book", data=data).status_code == 302
    _db.session.refresh(plan)
    sessions = _db.session.scalars(_db.select(Booking).where(Booking.series_id == plan.series_id)
                                   .order_by(Booking.starts_at)).all()
    assert [s.starts_at - start for s in sessions] == [timedelta(weeks=2 * n) for n in range(4)]
    assert sessions[0].topic == "Learning plan: Appeals, Evidence"
    assert "- Open for applications" in sessions[0].agenda
    assert client.get(f"/plans/{plan.id}/package/book").status_code == 403, "booked once"
    assert client.post(f"/plans/{plan.id}/package/book", data=data).status_code == 403
    assert _db.session.scalar(_db.select(_db.func.count(Booking.id))) == 4


def test_a_package_that_does_not_fit_books_nothing_and_says_which_sessions_clash(client, login_as, agreed, make_user,
                                                                                  db):
    plan, profile = agreed
    start = _first_free(profile, plan)
    other = make_user("trainee")
    clash = Booking(mentor_id=profile.mentor_id, learner_id=other.id, topic="Taken")
    bookings.set_times(clash, start + timedelta(weeks=4), timedelta(hours=1), profile.buffer_minutes)
    db.session.add(clash)
    db.session.commit()
    login_as(plan.person)
    response = client.post(f"/plans/{plan.id}/package/book", data={"start": start.isoformat(), "request_key": "k"})
    assert response.status_code == 409
    assert "Some sessions of the package are not free" in response.get_data(as_text=True)
    assert _db.session.scalar(_db.select(_db.func.count(Booking.id))) == 1
    _db.session.refresh(plan)
    assert plan.series_id is None


def test_an_unagreed_package_cannot_be_booked(client, login_as, agreed, db):
    plan, _ = agreed
    plan.package_agreed_at = None
    db.session.commit()
    login_as(plan.person)
    assert client.get(f"/plans/{plan.id}/package/book").status_code == 403


def test_the_mentor_ticks_goals_off_and_adds_action_points_from_a_session(client, login_as, agreed, make_user, db):
    plan, profile = agreed
    booked = bookings.book_series(profile, plan.person, plan.person, _first_free(profile, plan), timedelta(hours=1),
                                  4, 2, "Plan")
    plan.series_id = booked[0].series_id
    db.session.commit()
    goal = next(item for item in plan.items if item.kind is PlanItemKind.GOAL)
    login_as(make_user("mentor"))
    assert client.get(f"/plans/sessions/{booked[0].id}").status_code == 403
    login_as(profile.mentor)
    page = client.get(f"/plans/people/{plan.person_id}").get_data(as_text=True)
    assert "Tick off goals and add action points" in page
    response = client.post(f"/plans/sessions/{booked[0].id}", data={
        "done": [str(goal.id)], "new_actions": "Draft the intake form\nDraft the intake form\n\nCall the prison"})
    assert response.status_code == 302
    _db.session.expire_all()
    plan = _db.session.get(type(plan), plan.id)
    goal = _db.session.get(PlanItem, goal.id)
    assert goal.done_at is not None and goal.booking_id == booked[0].id and goal.done_by_id == profile.mentor_id
    actions = [(i.title, i.booking_id) for i in plan.items if i.kind is PlanItemKind.ACTION]
    assert actions == [("Draft the intake form", booked[0].id), ("Call the prison", booked[0].id)]
    assert client.post(f"/plans/sessions/{booked[0].id}", data={"done": ["99999"]}).status_code == 400


def test_the_summary_says_what_was_met_what_is_open_and_what_comes_next(client, login_as, agreed, finish_module, db):
    plan, profile = agreed
    booked = bookings.book_series(profile, plan.person, plan.person, _first_free(profile, plan), timedelta(hours=1),
                                  4, 2, "Plan")
    plan.series_id = booked[0].series_id
    finish_module(plan.person, "evidence-basics")
    goal = next(item for item in plan.items if item.kind is PlanItemKind.GOAL)
    goal.done_at = utcnow()
    plan.items[0].target_on = TODAY - timedelta(days=1)
    db.session.commit()
    summary = summarise(plan, plan_progress(plan, TODAY), utcnow())
    assert [e.item.label for e in summary.met] == ["Evidence basics", "Open for applications"]
    assert [e.item.label for e in summary.open] == ["Appeals basics"] and summary.open[0].is_overdue
    assert [e.item.label for e in summary.next_steps] == ["Appeals basics"]
    assert (summary.sessions, summary.held, summary.is_over) == (4, 0, False)
    login_as(plan.person)
    response = client.get(f"/plans/{plan.id}/summary.pdf")
    assert response.status_code == 200 and response.data[:4] == b"%PDF"
    assert response.mimetype == "application/pdf"


def test_administrators_see_totals_from_each_persons_latest_assessment_and_no_names(client, login_as, curriculum,
                                                                                      make_user, make_organisation,
                                                                                      db):
    first = make_user("leader", make_organisation(), name="Secret Name")
    assess(first, ratings={"appeals": 1, "evidence": 5}, taken_at=utcnow() - timedelta(days=9))
    planning.create_plan(first, first, assess(first, ratings={"appeals": 4, "evidence": 2}), TODAY)
    second = make_user("leader", make_organisation())
    planning.create_plan(second, second, assess(second, ratings={"appeals": 3, "evidence": 1}), TODAY)
    db.session.commit()
    people, topics, demand = needs_totals()
    assert people == 2
    assert [(t.title, t.needing, t.rated, t.average) for t in topics] == [("Evidence", 2, 2, 1.5),
                                                                        ("Appeals", 1, 2, 3.5)]
    assert [(d.module, d.asking) for d in demand] == [("Evidence basics", 2), ("Appeals basics", 1)]
    login_as(make_user("admin"))
    page = client.get("/admin/plans").get_data(as_text=True)
    assert "Evidence basics" in page and "2 of 2" in page and "Secret Name" not in page
