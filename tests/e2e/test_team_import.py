from tests.e2e.browser import expect


def test_the_leader_brings_a_team_in_from_a_spreadsheet(page, phone_page, db, make_organisation, make_user, sign_in,
                                                        axe_check, screenshot, tmp_path):
    organisation = make_organisation()
    leader = make_user("leader", organisation)
    sheet = tmp_path / "team.csv"
    sheet.write_text("name,email,role\nAmira Khan,amira@example.org,trainee\n=cmd,evil@example.org,trainee\n"
                     "Ben Cole,ben@example.org,leader\n")
    sign_in(page, leader)
    page.goto(f"/organisations/{organisation.id}")
    page.get_by_role("link", name="Bring them in from a spreadsheet").click()
    axe_check(page)
    page.get_by_label("Spreadsheet (CSV)").set_input_files(str(sheet))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("2 invitations ready to send")).to_be_visible()
    expect(page.get_by_role("row", name="=cmd")).to_contain_text("spreadsheets run as a formula")
    axe_check(page)
    screenshot(page, "desktop-leader-import-preview")
    page.get_by_role("button", name="Send 2 invitations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations sent")
    expect(page.get_by_text("amira@example.org")).to_be_visible()
    sign_in(phone_page, leader)
    phone_page.goto(f"/organisations/{organisation.id}/import")
    phone_page.get_by_label("Spreadsheet (CSV)").set_input_files(str(sheet))
    phone_page.get_by_role("button", name="Check the file").click()
    axe_check(phone_page)
    screenshot(phone_page, "phone-leader-import-preview")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
