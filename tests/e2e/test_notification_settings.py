"""E-mail settings and the searchable time-zone select in the browser, axe clean at 1280 and 375 px."""
import pytest

from accounts.models import NotificationSettings, User
from tests.e2e.browser import expect


def _viewer(chromium, live_server, width, **options):
    context = chromium.new_context(base_url=live_server, viewport={"width": width, "height": 900}, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.mark.parametrize("width", [1280, 375])
def test_a_leader_chooses_reminders_and_notices(chromium, live_server, db, make_user, make_organisation, sign_in,
                                                axe_check, screenshot, width):
    leader = make_user("leader", make_organisation(), name="Lee Leader")
    context, page = _viewer(chromium, live_server, width)
    try:
        sign_in(page, leader)
        page.goto("/profile")
        page.get_by_role("link", name="Choose your session reminders and which notices we e-mail you").click()
        expect(page.get_by_role("heading", name="E-mail and reminders", level=1)).to_be_visible()
        reminders = page.get_by_role("group", name="Reminders of your mentoring sessions")
        expect(reminders.get_by_label("24 hours before")).to_be_checked()
        expect(reminders.get_by_label("1 hour before")).not_to_be_checked()
        screenshot(page, f"notification-settings-{width}")
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        reminders.get_by_label("1 hour before").check()
        page.get_by_label("Your quiz has been marked").uncheck()
        page.get_by_label("A weekly digest of my project").check()
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_role("status")).to_contain_text("Your e-mail settings are saved")
        expect(page.get_by_label("1 hour before")).to_be_checked()
        axe_check(page)
        settings = db.session.get(NotificationSettings, leader.id)
        assert (settings.remind_day_before, settings.remind_hour_before, settings.email_marking_finished,
                settings.weekly_digest) == (True, True, False, True)
        db.session.commit()
    finally:
        context.close()


@pytest.mark.parametrize("width, typed, zone", [(1280, "tokyo", "Asia/Tokyo"), (375, "york new", "America/New_York")])
def test_the_profiles_time_zone_is_found_by_typing(chromium, live_server, db, make_user, sign_in, axe_check,
                                                   screenshot, width, typed, zone):
    trainee = make_user("trainee")
    context, page = _viewer(chromium, live_server, width)
    try:
        sign_in(page, trainee)
        page.goto("/profile")
        search = page.get_by_label("Search the zones by city or region")
        search.fill(typed)
        select = page.get_by_label("Time zone", exact=True)
        expect(select).to_have_value(zone)
        expect(page.locator("#timezone-search-status")).to_contain_text(f"1 zone matches: {zone.replace('_', ' ')}.")
        screenshot(page, f"zone-search-profile-{width}")
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        search.press("Enter")  # moves to the select; does not send the form
        expect(select).to_be_focused()
        search.fill("zzzz")
        expect(page.locator("#timezone-search-status")).to_contain_text("No zone matches")
        expect(select).to_have_value(zone)
        page.get_by_role("button", name="Save profile").click()
        expect(page.get_by_role("status")).to_contain_text("Profile saved")
        db.session.expire_all()
        assert db.session.get(User, trainee.id).timezone == zone
        db.session.commit()
    finally:
        context.close()


def test_the_availability_editors_zone_is_searchable_too(chromium, live_server, db, make_user, sign_in, axe_check,
                                                         screenshot):
    mentor = make_user("mentor")
    context, page = _viewer(chromium, live_server, 375)
    try:
        sign_in(page, mentor)
        page.goto("/mentoring/availability")
        page.get_by_label("Search the zones by city or region").fill("kolk")
        expect(page.get_by_label("Your time zone")).to_have_value("Asia/Kolkata")
        screenshot(page, "zone-search-availability-375")
        axe_check(page)
    finally:
        context.close()


def test_without_javascript_the_zone_is_a_plain_select_that_saves(chromium, live_server, db, make_user, sign_in):
    trainee = make_user("trainee")
    context, page = _viewer(chromium, live_server, 1280, java_script_enabled=False)
    try:
        sign_in(page, trainee)
        page.goto("/profile")
        expect(page.get_by_label("Search the zones by city or region")).to_have_count(0)
        page.get_by_label("Time zone", exact=True).select_option("Europe/Lisbon")
        page.get_by_role("button", name="Save profile").click()
        expect(page.get_by_role("status")).to_contain_text("Profile saved")
        db.session.expire_all()
        assert db.session.get(User, trainee.id).timezone == "Europe/Lisbon"
        db.session.commit()
    finally:
        context.close()
