"""Due dates in the browser: the trainee's to-do list and the leader's list of who is behind, at 1280 and 375 px."""
from datetime import timedelta

from modules.models import SignOff, SignOffState
from tests.e2e.browser import expect


def test_the_trainee_reads_the_to_do_list_and_opens_the_overdue_module(db, make_organisation, make_user, make_run,
                                                                        enrol, finish_module, check_both_widths,
                                                                        page, phone_page):
    trainee = make_user("trainee", make_organisation(), name="Taylor Trainee")
    programme = make_run(course_slug="two-week-programme", starts_in=-timedelta(days=10))
    enrol(programme, trainee)
    module = finish_module(trainee, "appeals-basics")
    db.session.add(SignOff(learner_id=trainee.id, module_id=module.id, run_id=programme.id,
                           state=SignOffState.RETURNED))
    db.session.commit()

    check_both_widths("/dashboard", trainee, "trainee-todo")

    for viewer in (page, phone_page):
        todo = viewer.get_by_role("region", name="To do")
        expect(todo.get_by_text("2 things to do, 1 overdue.")).to_be_visible()
        expect(todo.get_by_role("listitem").first).to_contain_text("Overdue by 4 days")
        expect(todo.get_by_role("listitem").last).to_contain_text("Due in 3 days")
        expect(todo.get_by_role("link", name="Finish: Evidence basics")).to_be_visible()
        expect(todo.get_by_role("link", name="Revise your answer and send it again: Appeals basics")).to_be_visible()
    page.get_by_role("region", name="To do").get_by_role("link", name="Finish: Evidence basics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence basics")


def test_the_leader_sees_who_is_behind_and_opens_a_report(db, make_organisation, make_user, make_run, enrol,
                                                          check_both_widths, page, phone_page):
    organisation = make_organisation(name="Northtown Innocence Project")
    leader = make_user("leader", organisation, name="Lee Leader")
    programme = make_run(course_slug="two-week-programme", starts_in=-timedelta(days=20))
    workshop = make_run(course_slug="appeals-workshop", starts_in=-timedelta(days=3))
    for name, run in (("Ana Behind", programme), ("Ben Late", workshop), ("Cai Early", make_run())):
        enrol(run, make_user("trainee", organisation, name=name))

    check_both_widths(f"/organisations/{organisation.id}/behind-schedule", leader, "leader-behind")

    for viewer in (page, phone_page):
        table = viewer.get_by_role("table", name="Members behind schedule")
        expect(table.get_by_role("row")).to_have_count(3)
        expect(table.get_by_role("row", name="Ana Behind")).to_contain_text("14 days late")
        expect(table.get_by_role("row", name="Ben Late")).to_contain_text("1 module")
    page.get_by_role("link", name="Ana Behind").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Behind")

    page.goto("/dashboard")
    page.get_by_role("link", name="Who is behind schedule").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Behind schedule")
