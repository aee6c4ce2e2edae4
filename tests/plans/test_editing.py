"""Adjusting a plan together: add, drop, reorder, edit, tick off, shape and agree the package; every change kept."""

import pytest

from core.db import utcnow
from core.extensions import db as _db
from plans import planning
from plans.models import PlanChange, PlanItem, PlanItemKind
from tests.mentoring.helpers import open_every_day
from tests.plans.helpers import assess, book_session

TODAY = utcnow().date()


@pytest.fixture
def plan(curriculum, make_organisation, make_user, db):
    leader = make_user("leader", make_organisation(), name="Lee Leader")
    plan = planning.create_plan(leader, leader, assess(leader, ratings={"appeals": 1, "evidence": 2}), TODAY)
    db.session.commit()
    return plan


def _steps(plan):
    _db.session.expire_all()
    return [(item.kind.name, item.label) for item in _db.session.get(type(plan), plan.id).items]


def _history(plan):
    return [(c.by.display_name if c.by else None, c.text) for c in _db.session.scalars(
        _db.select(PlanChange).where(PlanChange.plan_id == plan.id).order_by(PlanChange.id))][1:]


def _goal(client, plan, title="Open for applications", **fields):
    return client.post(f"/plans/{plan.id}/steps", data={"kind": "goal", "title": title,
                                                        "success_criteria": "Ten applications triaged",
                                                        "target_on": "2027-03-01"} | fields)


def test_the_leader_adds_a_goal_with_success_criteria_and_a_module(client, login_as, plan, db):
    login_as(plan.person)
    assert _goal(client, plan).status_code == 302
    assert _goal(client, plan).status_code == 302, "a double submit is refused with a message, not a second goal"
    evidence = [i for i in plan.items if i.module and i.module.slug == "evidence-basics"][0]
    module_id = evidence.module_id
    client.post(f"/plans/{plan.id}/steps/{evidence.id}/drop")
    assert client.post(f"/plans/{plan.id}/steps", data={"kind": "module", "module_id": module_id,
                                                        "target_on": ""}).status_code == 302
    assert _steps(plan) == [("MODULE", "Appeals basics"), ("GOAL", "Open for applications"),
                            ("MODULE", "Evidence basics")]
    goal = next(i for i in _db.session.get(type(plan), plan.id).items if i.kind is PlanItemKind.GOAL)
    assert (goal.success_criteria, str(goal.target_on)) == ("Ten applications triaged", "2027-03-01")
    assert _history(plan) == [
        ("Lee Leader", "Added the goal “Open for applications”, target 1 March 2027"),
        ("Lee Leader", "Dropped the module Evidence basics"),
        ("Lee Leader", "Added the module Evidence basics, target none"),
    ]


def test_reorder_edit_and_tick_off(client, login_as, plan, db):
    login_as(plan.person)
    _goal(client, plan)
    goal = _db.session.scalar(_db.select(PlanItem).where(PlanItem.plan_id == plan.id,
                                                        PlanItem.kind == PlanItemKind.GOAL))
    client.post(f"/plans/{plan.id}/steps/{goal.id}/move", data={"direction": "up"})
    client.post(f"/plans/{plan.id}/steps/{goal.id}/move", data={"direction": "up"})
    client.post(f"/plans/{plan.id}/steps/{goal.id}/move", data={"direction": "up"})  # already first: nothing
    assert [label for _, label in _steps(plan)] == ["Open for applications", "Appeals basics", "Evidence basics"]
    assert client.post(f"/plans/{plan.id}/steps/{goal.id}/edit", data={
        "target_on": "2027-04-01", "title": "Open to applications", "success_criteria": "Twenty triaged"}).status_code == 302
    assert client.post(f"/plans/{plan.id}/steps/{goal.id}/done", data={"done": "1"}).status_code == 302
    _db.session.refresh(goal)
    assert goal.done_at is not None and goal.done_by_id == plan.person_id
    assert [text for _, text in _history(plan)][1:] == [
        "Moved Open for applications up to place 2", "Moved Open for applications up to place 1",
        "Changed Open to applications: target 1 March 2027 → 1 April 2027; now “Open to applications”; "
        "success criteria changed",
        "Ticked off the goal Open to applications"]
    module = next(i for i in _db.session.get(type(plan), plan.id).items if i.module)
    response = client.post(f"/plans/{plan.id}/steps/{module.id}/done", data={"done": "1"})
    assert response.status_code == 302
    assert "A module is done when it is complete" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_package_is_shaped_agreed_and_agreed_again_after_a_change(client, login_as, plan, make_user, db):
    mentor = make_user("mentor", name="Morgan Mentor")
    login_as(plan.person)
    response = client.post(f"/plans/{plan.id}/package/agree")
    assert "Choose a mentor" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert client.post(f"/plans/{plan.id}/package", data={"sessions": "6", "every_weeks": "2", "minutes": "60",
                                                          "mentor_id": str(mentor.id)}).status_code == 302
    client.post(f"/plans/{plan.id}/package/agree")
    _db.session.refresh(plan)
    assert plan.is_package_agreed and plan.mentor_id == mentor.id and plan.package_sessions == 6
    client.post(f"/plans/{plan.id}/package", data={"sessions": "4", "every_weeks": "1", "minutes": "60",
                                                   "mentor_id": str(mentor.id)})
    _db.session.refresh(plan)
    assert not plan.is_package_agreed
    assert [text for _, text in _history(plan)] == [
        "Changed the mentoring package: 6 sessions of 60 minutes every 2 week(s); mentor: Morgan Mentor",
        "Agreed the mentoring package: 6 sessions",
        "Changed the mentoring package: 4 sessions of 60 minutes every 1 week(s); to be agreed again"]

    # the plan's mentor adjusts it too, and the history says so
    login_as(mentor)
    client.post(f"/plans/{plan.id}/package/agree")
    _db.session.refresh(plan)
    assert plan.package_agreed_by_id == mentor.id
    assert _history(plan)[-1] == ("Morgan Mentor", "Agreed the mentoring package: 4 sessions")


@pytest.mark.parametrize("url, data, message", [
    ("steps", {"kind": "goal", "title": ""}, "Say what the goal or action point is."),
    ("steps", {"kind": "goal", "title": "x" * 201}, "Keep it under 200 characters."),
    ("steps", {"kind": "goal", "title": "Fine", "target_on": "2027-02-30"}, "Not a valid date value."),
    ("steps", {"kind": "module", "module_id": "0"}, "Choose the module to add."),
    ("steps", {"kind": "module", "module_id": "99999999999"}, "Choose one of the options in the list."),
    ("steps", {"kind": "anything", "title": "x"}, "Not a valid choice"),
    ("package", {"sessions": "13", "every_weeks": "2", "minutes": "60", "mentor_id": "0"}, "from 0 to 12 sessions"),
    ("package", {"sessions": "2", "every_weeks": "9", "minutes": "60", "mentor_id": "0"}, "Choose one of the options"),
])
def test_bad_input_is_refused_beside_the_field(client, login_as, plan, url, data, message):
    login_as(plan.person)
    response = client.post(f"/plans/{plan.id}/{url}", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_other_people_cannot_adjust_the_plan(client, login_as, plan, make_user, make_organisation, db):
    mentor = make_user("mentor")
    open_every_day(mentor)
    book_session(mentor, plan.person)
    login_as(mentor)
    assert client.get(f"/plans/people/{plan.person_id}").status_code == 200, "a mentor with a session reads it"
    assert _goal(client, plan).status_code == 403, "only the plan's own mentor changes it"
    login_as(make_user("leader", make_organisation()))
    assert client.get(f"/plans/people/{plan.person_id}").status_code == 403


def test_the_mentor_sees_the_plans_of_the_people_they_mentor_soonest_session_first(client, login_as, curriculum,
                                                                                   make_user, make_organisation,
                                                                                   count_queries, db):
    mentor = make_user("mentor")
    open_every_day(mentor)
    people = []
    for name, index in (("Later Leader", 3), ("Sooner Leader", 0)):
        person = make_user("leader", make_organisation(), name=name)
        planning.create_plan(person, person, assess(person, ratings={"appeals": 1, "evidence": 1}), TODAY)
        book_session(mentor, person, index=index)
        people.append(person)
    db.session.commit()
    login_as(mentor)
    page = client.get("/plans/mentees").get_data(as_text=True)
    assert page.index("Sooner Leader") < page.index("Later Leader")

    def queries():
        with count_queries() as statements:
            client.get("/plans/mentees")
        return len(statements)

    small = queries()
    for n in range(10):
        person = make_user("leader", make_organisation())
        planning.create_plan(person, person, assess(person, ratings={"appeals": 2, "evidence": 2}), TODAY)
        book_session(mentor, person, index=6 + n)
    db.session.commit()
    assert queries() == small


def test_a_leader_sees_the_plans_of_their_projects_members(client, login_as, plan, make_user, db):
    trainee = make_user("trainee", plan.person.organisation, name="Tess Trainee")
    login_as(plan.person)
    page = client.get(f"/plans/organisations/{plan.person.organisation_id}").get_data(as_text=True)
    assert "Lee Leader" in page and "0 of 2" in page and "Tess Trainee" in page and "No plan yet" in page
    assert client.get(f"/plans/people/{trainee.id}/assessment").status_code == 200, "the leader sets it up"
