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
    expect(page.get_by_role("heading", level=1)).to_contain_text("Needs assessment of")
    expect(page.get_by_role("row", name="Appeals 2 – A little confident")).to_be_visible()


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
