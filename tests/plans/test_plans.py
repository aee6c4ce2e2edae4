"""Plans from assessments: proposed with reasons, brought up to a newer assessment, progress from real records."""
from datetime import date, timedelta

import pytest

from core.db import utcnow
from courses.models import Run
from mentoring.models import Attendance
from modules.completion import ModuleFacts, ModuleState
from modules.models import SignOffState
from plans import planning
from plans.models import PlanChange, PlanItem, PlanItemKind
from plans.progress import item_progress, plan_progress
from tests.mentoring.helpers import open_every_day
from tests.plans.helpers import ANSWERS, assess

TODAY = utcnow().date()


@pytest.fixture
def leader(curriculum, make_organisation, make_user):
    return make_user("leader", make_organisation(), name="Lee Leader")


def _history(plan):
    from core.extensions import db

    return [c.text for c in db.session.scalars(db.select(PlanChange).where(PlanChange.plan_id == plan.id)
                                              .order_by(PlanChange.id))]


def test_saving_the_first_assessment_proposes_the_plan_with_a_reason_for_each_item(client, login_as, leader, make_run,
                                                                                    enrol, db):
    workshop = make_run("appeals-workshop", starts_in=timedelta(days=20))
    enrol(workshop, leader)
    login_as(leader)
    response = client.post(f"/plans/people/{leader.id}/assessment",
                           data=ANSWERS | {"q_stage": "setting-up", "q_appeals": "2", "q_evidence": "4",
                                           "request_key": "first"})
    assert response.headers["Location"].endswith(f"/plans/people/{leader.id}")
    plan = planning.plan_of(leader.id)
    assert [(i.module.slug, i.run_id) for i in plan.items] == [("appeals-basics", workshop.id),
                                                               ("evidence-basics", None)]
    page = client.get(f"/plans/people/{leader.id}").get_data(as_text=True)
    assert "You rated Appeals 2 of 5. Through Appeals workshop" in page and "where you hold a seat" in page
    assert "You rated Evidence 4 of 5; more urgent because you answered “Setting up”." in page
    assert "Ask for a run" in page
    assert "2 on each of your most urgent topics: Appeals (2 of 5), Evidence (4 of 5)" in page
    assert _history(plan) == [f"Proposed from the assessment of {plan.assessment.taken_at:%-d %B %Y}: 2 modules and "
                              "4 mentoring sessions"]


def test_a_newer_assessment_adds_what_the_plan_lacks_and_keeps_the_rest(client, login_as, leader, db):
    first = assess(leader, ratings={"appeals": 2, "evidence": 5}, taken_at=utcnow() - timedelta(days=30))
    plan = planning.create_plan(leader, leader, first, TODAY)
    db.session.commit()
    assert [i.module.slug for i in plan.items] == ["appeals-basics"]
    assess(leader, ratings={"appeals": 4, "evidence": 1})
    login_as(leader)
    page = client.get(f"/plans/people/{leader.id}").get_data(as_text=True)
    assert "There is a newer assessment" in page
    assert client.post(f"/plans/people/{leader.id}/propose").status_code == 302
    db.session.refresh(plan)
    assert [i.module.slug for i in plan.items] == ["appeals-basics", "evidence-basics"]
    assert plan.package_topics == ["evidence"] and plan.package_every_weeks == 1
    assert _history(plan)[-1].endswith("added Evidence basics")
    assert client.post(f"/plans/people/{leader.id}/propose").status_code == 302
    assert len(_history(plan)) == 2, "already up to date: nothing to record"


def test_without_an_assessment_there_is_nothing_to_propose_from(client, login_as, leader):
    login_as(leader)
    assert "Take the needs assessment" in client.get(f"/plans/people/{leader.id}").get_data(as_text=True)
    assert client.post(f"/plans/people/{leader.id}/propose").status_code == 400


@pytest.mark.parametrize("kind, facts, done_at, target, expected", [
    (PlanItemKind.MODULE, ModuleFacts(lessons_total=2), None, TODAY + timedelta(days=1),
     (False, False, ModuleState.NOT_STARTED, "0 of 2 lessons read")),
    (PlanItemKind.MODULE, ModuleFacts(lessons_total=2, lessons_read=1, has_quiz=True), None, TODAY - timedelta(days=1),
     (False, True, ModuleState.IN_PROGRESS, "1 of 2 lessons read; quiz not taken")),
    (PlanItemKind.MODULE, ModuleFacts(lessons_total=2, lessons_read=2, has_quiz=True, quiz_passed=True,
                                      sign_off_required=True, sign_off_state=SignOffState.REQUESTED),
     None, None, (False, False, ModuleState.AWAITING_SIGN_OFF, "2 of 2 lessons read; quiz passed; sign-off: awaiting sign-off")),
    (PlanItemKind.MODULE, ModuleFacts(lessons_total=1, lessons_read=1, has_quiz=True, quiz_passed=True), None,
     TODAY - timedelta(days=9), (True, False, ModuleState.COMPLETE, "1 of 1 lessons read; quiz passed")),
    (PlanItemKind.GOAL, None, None, TODAY - timedelta(days=1), (False, True, None, "open")),
    (PlanItemKind.GOAL, None, None, TODAY, (False, False, None, "open")),
    (PlanItemKind.ACTION, None, utcnow(), TODAY - timedelta(days=3), (True, False, None, "done")),
])
def test_item_progress(kind, facts, done_at, target, expected):
    assert item_progress(kind, facts, done_at, target, TODAY) == expected


def test_progress_comes_from_lessons_read_quizzes_and_sessions_held(leader, finish_module, make_user, db):
    from mentoring import bookings

    plan = planning.create_plan(leader, leader, assess(leader, ratings={"appeals": 1, "evidence": 1}), TODAY)
    plan.items[0].target_on = TODAY - timedelta(days=2)
    finish_module(leader, "evidence-basics")
    mentor = make_user("mentor")
    profile = open_every_day(mentor)
    first = bookings.free_slots(profile, leader.id, timedelta(hours=1))[0]
    sessions = bookings.book_series(profile, leader, leader, first, timedelta(hours=1), 3, 1, "Plan")
    plan.series_id = sessions[0].series_id
    sessions[0].starts_at, sessions[0].ends_at = utcnow() - timedelta(hours=3), utcnow() - timedelta(hours=2)
    sessions[0].attendance = Attendance.ATTENDED
    db.session.commit()

    progress = plan_progress(plan, TODAY)
    appeals, evidence = progress.items
    assert evidence.is_done and evidence.state is ModuleState.COMPLETE
    assert appeals.is_overdue and not appeals.is_done
    assert (progress.done, progress.overdue) == (1, 1)
    assert (progress.package.booked, progress.package.held, progress.package.next_session) == (3, 1, sessions[1])


def test_the_plan_page_highlights_overdue_items(client, login_as, leader, db):
    plan = planning.create_plan(leader, leader, assess(leader, ratings={"appeals": 1, "evidence": 5}), TODAY)
    plan.items[0].target_on = TODAY - timedelta(days=1)
    db.session.add(PlanItem(plan=plan, kind=PlanItemKind.GOAL, title="Open for applications", position=1,
                            target_on=date(2999, 1, 1), success_criteria="Ten applications triaged"))
    db.session.commit()
    login_as(leader)
    page = client.get(f"/plans/people/{leader.id}").get_data(as_text=True)
    assert page.count('class="overdue-badge"') == 2, "the summary and the overdue step"
    assert "1 overdue" in page and "Success looks like:</strong> Ten applications triaged" in page


def test_the_plan_page_runs_a_fixed_number_of_queries(client, login_as, leader, make_run, count_queries, db):
    from plans.planning import record_change

    plan = planning.create_plan(leader, leader, assess(leader, ratings={"appeals": 1, "evidence": 1}), TODAY)
    db.session.commit()
    login_as(leader)

    def queries():
        with count_queries() as statements:
            assert client.get(f"/plans/people/{leader.id}").status_code == 200
        return len(statements)

    small = queries()
    for n in range(10):
        db.session.add(PlanItem(plan=plan, kind=PlanItemKind.GOAL, title=f"Goal {n}", position=10 + n))
        record_change(plan, leader, f"Added goal {n}")
        assess(leader, ratings={"appeals": 2, "evidence": 2})
        make_run("two-week-programme", starts_in=timedelta(days=30 + n))
    db.session.commit()
    assert queries() == small
    assert small <= 20, small


def test_runs_the_rules_see(leader, make_run, enrol, db):
    workshop = make_run("appeals-workshop", starts_in=timedelta(days=5))
    programme = make_run("two-week-programme", starts_in=timedelta(days=3))
    full = make_run("evidence-day", starts_in=timedelta(days=9), capacity=1)
    enrol(full, leader)
    make_run("appeals-workshop", starts_in=timedelta(days=-30))  # over
    options = {o.run_id: o for o in planning.run_options(leader.id, {"appeals-basics", "evidence-basics"})}
    assert set(options) == {workshop.id, programme.id, full.id}
    assert options[full.id].holds_seat and not options[full.id].is_open
    start = db.session.get(Run, programme.id).starts_at.date()
    assert options[programme.id].due_on == {"appeals-basics": start + timedelta(days=6),
                                            "evidence-basics": start + timedelta(days=13)}


def test_the_demo_leader_has_assessments_and_a_plan_with_reasons(runner, client, login_as, db, curriculum, monkeypatch):
    from accounts.models import User

    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    leader = User.find_by_email("leader@example.org")
    plan = planning.plan_of(leader.id)
    assert plan.mentor.email == "mentor@example.org" and plan.items
    assert any(item.kind is PlanItemKind.GOAL for item in plan.items)
    login_as(leader)
    page = client.get(f"/plans/people/{leader.id}").get_data(as_text=True)
    assert "Why:" in page and "There is a newer assessment" in page
    history = _history(plan)
    assert plan.is_package_agreed and plan.series_id is not None
    progress = plan_progress(plan, TODAY)
    assert 0 < progress.package.held < plan.package_sessions, "the package is half done"
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert _history(plan) == history, "a second load changes nothing"


def test_erasure_deletes_the_plan_with_its_steps_and_history_and_the_export_holds_it(leader, client, login_as, db):
    import io
    import json
    import zipfile

    from privacy import erasure

    plan_id = planning.create_plan(leader, leader, assess(leader, ratings={"appeals": 1, "evidence": 5}), TODAY).id
    db.session.commit()
    login_as(leader)
    data = json.loads(zipfile.ZipFile(io.BytesIO(client.get("/privacy/my-data.zip").data)).read("data.json"))
    assert data["learning_plan"]["steps"][0]["what"] == "Appeals basics"
    erasure.erase(leader, None)
    db.session.commit()
    assert planning.plan_of(leader.id) is None
    for model in (PlanItem, PlanChange):
        assert db.session.scalar(db.select(db.func.count(model.id)).where(model.plan_id == plan_id)) == 0
