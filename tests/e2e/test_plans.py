"""Needs assessment and learning plan in the browser: axe clean, usable at 1280 and 375 px."""
from tests.e2e.browser import expect
from tests.plans.helpers import assess


def test_a_leader_takes_the_needs_assessment(db, curriculum, make_organisation, make_user, page, sign_in,
                                            check_both_widths):
    leader = make_user("leader", make_organisation(), name="Lee Leader")
    check_both_widths(f"/plans/people/{leader.id}/assessment", leader, "assessment")

    page.goto(f"/plans/people/{leader.id}/assessment")
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_role("alert")).to_contain_text("What stage is your project at?: Choose one of the options.")
    page.get_by_role("group", name="What stage is your project at?").get_by_label("Running").check()
    page.get_by_label("How many cases are open?").fill("12")
    page.get_by_role("group", name="Appeals").get_by_label("2 – A little confident").check()
    page.get_by_role("group", name="Evidence").get_by_label("4 – Confident").check()
    page.get_by_label("What do you want to be able to do?").fill("Supervise the first reviews.")
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your learning plan")
    expect(page.get_by_text("You rated Appeals 2 of 5.")).to_be_visible()
    expect(page.get_by_text("Ask for a run").first).to_be_visible()


def test_the_plan_page_reads_at_both_widths_with_overdue_steps_marked(db, curriculum, make_organisation, make_user,
                                                                       make_run, enrol, check_both_widths, phone_page):
    from datetime import timedelta

    from core.db import utcnow
    from plans.models import PlanItem, PlanItemKind
    from plans.planning import create_plan

    leader = make_user("leader", make_organisation(), name="Lee Leader")
    enrol(make_run("appeals-workshop"), leader)
    plan = create_plan(leader, leader, assess(leader, ratings={"appeals": 1, "evidence": 2}), utcnow().date())
    plan.items.append(PlanItem(kind=PlanItemKind.GOAL, position=5, title="Open for applications",
                               success_criteria="Ten applications triaged with the checklist",
                               target_on=utcnow().date() - timedelta(days=3)))
    db.session.commit()
    check_both_widths(f"/plans/people/{leader.id}", leader, "plan")
    overdue = phone_page.locator(".plan-item.is-overdue")
    expect(overdue).to_contain_text("Open for applications")
    expect(overdue.get_by_text("Overdue")).to_be_visible()


def test_the_change_in_confidence_reads_at_both_widths(db, curriculum, make_organisation, make_user,
                                                       check_both_widths, phone_page):
    from datetime import timedelta

    from core.db import utcnow

    leader = make_user("leader", make_organisation(), name="Lee Leader")
    assess(leader, ratings={"appeals": 1, "evidence": 3}, taken_at=utcnow() - timedelta(days=70))
    assess(leader, ratings={"appeals": 4, "evidence": 3})
    check_both_widths(f"/plans/people/{leader.id}/assessments", leader, "assessments")
    expect(phone_page.get_by_role("region", name="Confidence per topic, then and now")
           .get_by_role("row", name="Appeals")).to_contain_text("+3")
    check_both_widths("/dashboard", None, "leader-dashboard")  # still signed in on both pages


def test_the_leader_books_the_agreed_package_at_both_widths(db, curriculum, make_organisation, make_user,
                                                             check_both_widths, page):
    from core.db import utcnow
    from plans.planning import create_plan
    from tests.mentoring.helpers import open_every_day

    leader = make_user("leader", make_organisation(), name="Lee Leader")
    mentor = make_user("mentor", name="Morgan Mentor")
    open_every_day(mentor)
    plan = create_plan(leader, leader, assess(leader, ratings={"appeals": 1, "evidence": 2}), utcnow().date())
    plan.mentor_id, plan.package_agreed_at = mentor.id, utcnow()
    db.session.commit()
    check_both_widths(f"/plans/{plan.id}/package/book", leader, "book-package")

    page.get_by_role("group").first.get_by_role("radio").first.check()
    page.get_by_role("button", name="Book the package").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your learning plan")
    expect(page.get_by_role("status")).to_contain_text("4 sessions are booked with Morgan Mentor")
    expect(page.get_by_text("0 of 4 sessions held")).to_be_visible()
    check_both_widths(f"/plans/people/{leader.id}", None, "plan-with-package")
