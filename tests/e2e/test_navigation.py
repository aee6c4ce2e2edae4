"""The top bar: one line at 1280 px for every role, a menu per area, reachable by keyboard; a footer for everyone."""
import pytest

from tests.e2e.browser import expect

ONE_LINE = 64  # px: the bar's height with a single row of links


@pytest.mark.parametrize("role", ["trainee", "leader", "mentor", "admin"])
def test_the_top_bar_keeps_to_one_line_at_1280_px(page, db, make_organisation, make_user, sign_in, role, screenshot):
    person = make_user(role, make_organisation() if role in ("trainee", "leader") else None,
                       name="Professor Margaret Elizabeth Hollingsworth-Smythe")
    sign_in(page, person)
    screenshot(page, f"desktop-{role}-top-bar")
    assert page.locator("nav.site-nav").bounding_box()["height"] <= ONE_LINE
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_the_administration_menu_opens_from_the_keyboard(page, db, make_user, sign_in):
    sign_in(page, make_user("admin"))
    page.get_by_role("button", name="Administration").focus()
    page.keyboard.press("Enter")
    menu = page.locator(".site-nav .dropdown-menu")
    expect(menu).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/runs")
    section_nav = page.get_by_role("navigation", name="Administration")
    expect(section_nav.get_by_role("link", name="Runs")).to_have_attribute("aria-current", "page")


def test_a_visitor_finds_certificate_checks_in_the_footer_and_the_site_has_an_icon(page, db):
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Check a certificate").click()
    page.wait_for_url("**/verify")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(icon).status == 200
