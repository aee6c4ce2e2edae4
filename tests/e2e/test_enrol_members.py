from tests.e2e.browser import expect


def test_the_leader_finds_chooses_and_enrols_members(page, phone_page, db, make_organisation, make_user, make_run,
                                                     sign_in, axe_check, screenshot):
    organisation = make_organisation()
    leader = make_user("leader", organisation)
    for name in ("Amira Khan", "Ben Cole", "Bea Stone", "Carl Dunn"):
        make_user("trainee", organisation, name=name)
    run = make_run(capacity=1)
    sign_in(page, leader)
    page.goto(f"/runs/{run.id}/enrol-members")
    page.get_by_label("Find a member").fill("b")
    expect(page.get_by_label("Amira Khan")).to_be_hidden()
    page.get_by_label("Choose every member shown").check()
    expect(page.locator("#chosen-count")).to_have_text("2 members chosen: 1 get a seat, 1 join the waitlist.")
    axe_check(page)
    screenshot(page, "desktop-leader-enrol-members")
    page.get_by_role("button", name="Enrol the chosen members").click()
    expect(page.get_by_role("status").first).to_contain_text("Enrolled:")
    expect(page.get_by_role("status").nth(1)).to_contain_text("waitlist")
    sign_in(phone_page, leader)
    phone_page.goto(f"/runs/{run.id}/enrol-members")
    axe_check(phone_page)
    screenshot(phone_page, "phone-leader-enrol-members")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
