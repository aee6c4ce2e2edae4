"""Search in the browser: from the top bar at 1280 px and from the phone menu at 375 px, axe clean, no sideways scroll."""
from tests.e2e.browser import expect


def test_a_trainee_searches_from_the_top_bar_and_opens_a_lesson(db, curriculum, make_user, make_run, enrol, page,
                                                                 sign_in, axe_check, screenshot):
    trainee = make_user("trainee", name="Tess Trainee")
    enrol(make_run("appeals-workshop"), trainee)
    sign_in(page, trainee)

    page.get_by_role("searchbox", name="Search courses, lessons and resources").fill("appeal")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=appeal")
    for heading in ("Courses", "Modules", "Lessons", "Resources"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    lessons = page.get_by_role("region", name="Lessons")
    expect(lessons.locator("mark").first).to_have_text("appeal")
    axe_check(page)
    screenshot(page, "desktop-trainee-search-appeal")

    lessons.get_by_role("link", name="Routes of appeal").click()
    page.wait_for_url("**/modules/appeals-basics/lessons/01-routes")
    expect(page.get_by_role("heading", name="Routes of appeal", level=1)).to_be_visible()


def test_a_leader_finds_a_member_from_the_phone_menu(db, curriculum, make_user, make_organisation, phone_page,
                                                     sign_in, axe_check, screenshot):
    project = make_organisation("Northern Clinic")
    leader = make_user("leader", project, name="Lena Leader")
    make_user("trainee", project, name="Priya Quayle", email="priya@example.org")
    make_user("trainee", make_organisation("Southern Clinic"), name="Sam Quayle")
    sign_in(phone_page, leader)

    phone_page.get_by_role("button", name="Show the menu").click()
    box = phone_page.get_by_role("searchbox", name="Search courses, lessons and resources")
    expect(box).to_be_visible()
    box.fill("quayle")
    phone_page.get_by_role("search", name="Search").get_by_role("button", name="Search").click()
    phone_page.wait_for_url("**/search?q=quayle")
    people = phone_page.get_by_role("region", name="People")
    expect(people.get_by_role("link", name="Priya Quayle")).to_be_visible()
    expect(phone_page.get_by_text("Sam Quayle")).to_have_count(0)
    axe_check(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone_page, "phone-leader-search-people")


def test_results_nothing_found_and_bad_input_are_accessible_at_both_widths(db, curriculum, make_user,
                                                                           check_both_widths, page):
    check_both_widths("/search?q=appeal&section=resources")
    check_both_widths("/search?q=habeas+corpus")
    check_both_widths("/search?q=appeal", make_user("admin"), "admin")  # signs both pages in: admin from here on
    for url in ("/search?q=habeas+corpus", "/search?q=%22", "/search?q=" + "x" * 201, "/search"):
        check_both_widths(url, label="admin")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280, "the top bar's box widens no page"
