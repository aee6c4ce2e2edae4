"""Browser tests: Playwright driving Debian's Chromium against the live server."""
import re
from pathlib import Path

import pytest

from tests.e2e.browser import CHROMIUM, UNDER_CI, missing, sync_playwright

ARTIFACTS = Path(__file__).parent.parent.parent / "test-artifacts"


def pytest_collection_modifyitems(items):
    # Locally a missing browser skips at collection, before any database or server is set up;
    # under CI the `chromium` fixture fails instead.
    problem = None if UNDER_CI else missing()
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(pytest.mark.browser)
            if problem:
                item.add_marker(pytest.mark.skip(reason=problem))


@pytest.fixture(scope="session")
def chromium():
    problem = missing()
    if problem:
        if UNDER_CI:
            pytest.fail(f"{problem} (CI must run the browser tests)")
        pytest.skip(problem)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium, live_server):
    context = chromium.new_context(base_url=live_server, viewport={"width": 375, "height": 800},
                                   is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def axe_check():
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check


@pytest.fixture
def sign_in():
    from tests.conftest import TEST_PASSWORD

    def do(page, user):
        page.goto("/sign-in")
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/dashboard")

    return do


@pytest.fixture
def check_both_widths(page, phone_page, sign_in, axe_check, screenshot):
    """Open `url` at 1280 px and at 375 px (signed in as `user`, if any): axe finds nothing, nothing scrolls sideways."""

    def check(url, user=None, label="public"):
        for viewer, size in ((page, "desktop"), (phone_page, "phone")):
            if user is not None:
                sign_in(viewer, user)
            viewer.goto(url)
            axe_check(viewer)
            screenshot(viewer, f"{size}-{label}-{re.sub(r'[^a-z0-9]+', '-', url.lower()).strip('-') or 'home'}")
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375

    return check
