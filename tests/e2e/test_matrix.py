"""The competency matrix in the browser: axe clean and no sideways page scroll at 1280 and 375 px."""
from modules.models import SignOffState
from tests.e2e.browser import expect
from tests.team.matrix_helpers import add_team, sign_off


def test_the_leader_reads_the_matrix_at_both_widths(db, make_organisation, make_user, make_run, enrol, finish_module,
                                                     check_both_widths, page, phone_page):
    team = add_team(make_organisation, make_user, make_run, enrol, finish_module)
    for name, state in (("Fay Waiting", SignOffState.REQUESTED), ("Gus Returned", SignOffState.RETURNED)):
        member = make_user("trainee", team["organisation"], name=name)
        enrol(team["run"], member)
        finish_module(member)
        sign_off(member, state)

    check_both_widths(f"/organisations/{team['organisation'].id}/matrix", team["leader"], "leader")

    for viewer in (page, phone_page):
        grid = viewer.get_by_role("table", name="Modules by member")
        expect(grid.get_by_role("rowheader", name="Fay Waiting")).to_be_visible()
        expect(grid.get_by_role("cell", name="Awaiting sign-off").first).to_be_visible()
        expect(viewer.get_by_text("1 of 8 members signed off on Appeals basics")).to_be_visible()
    scroller = phone_page.locator(".matrix-scroll")
    assert scroller.evaluate("box => box.scrollWidth > box.clientWidth"), "the grid scrolls inside its box on a phone"
    scroller.evaluate("box => { box.scrollLeft = box.scrollWidth }")
    name_cell = phone_page.get_by_role("rowheader", name="Ada Signed")
    assert name_cell.bounding_box()["x"] >= 0, "the member column stays in view (sticky) while the grid scrolls"


def test_the_administrators_list_of_matrices_is_accessible(db, make_organisation, make_user, check_both_widths):
    make_organisation(name="Northern Innocence Project")
    check_both_widths("/admin/matrix", make_user("admin"), "admin")


def test_the_leader_opens_a_members_report_from_a_matrix_cell(db, make_organisation, make_user, make_run, enrol,
                                                              finish_module, check_both_widths, page):
    team = add_team(make_organisation, make_user, make_run, enrol, finish_module)
    check_both_widths(f"/organisations/{team['organisation'].id}/matrix", team["leader"], "leader")
    grid = page.get_by_role("table", name="Modules by member")
    grid.get_by_role("row", name="Ada Signed").get_by_role("link", name="Signed off").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Signed")
    expect(page.get_by_role("img", name="Lessons read")).to_be_visible()
    report = page.url.removeprefix(page.url.split("/organisations")[0])
    check_both_widths(report, None, "leader")  # both pages are signed in already
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == f"training-report-{team['ada'].id}.pdf"
