from datetime import timedelta

from tests.e2e.browser import expect


def test_the_administrator_copies_a_run_and_finds_a_mentor_by_typing(page, db, make_user, make_run, sign_in,
                                                                      axe_check, screenshot, phone_page):
    mentors = [make_user("mentor", name=name) for name in ("Ada Okafor", "Bina Shah", "Carys Evans")]
    old = make_run(mentors=[mentors[0]], starts_in=timedelta(days=-90), capacity=24)
    admin = make_user("admin")
    sign_in(page, admin)
    page.goto("/admin/runs")
    page.get_by_role("link", name="Copy run of").first.click()
    expect(page.get_by_role("status")).to_contain_text("A copy of")
    expect(page.get_by_label("Seats")).to_have_value("24")
    page.get_by_label("Find a mentor").fill("shah")
    expect(page.get_by_label("Bina Shah")).to_be_visible()
    expect(page.get_by_label("Carys Evans")).to_be_hidden()
    page.get_by_label("Bina Shah").check()
    axe_check(page)
    screenshot(page, "desktop-admin-copy-run")
    page.get_by_role("button", name="Save run").click()
    expect(page.get_by_role("status").first).to_contain_text("Run created")
    sign_in(phone_page, admin)
    phone_page.goto(f"/admin/runs/new?course={old.course_id}")
    axe_check(phone_page)
    screenshot(phone_page, "phone-admin-new-run-defaults")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
