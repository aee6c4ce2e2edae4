"""Sessions end: on sign-out, password reset, deactivation, role removal and "sign out of all other devices"."""
import re

import pytest

from tests.conftest import TEST_PASSWORD


@pytest.fixture
def device(app, db):
    """Another browser: a fresh test client that signs in over the sign-in form and can copy its cookies."""
    from tests.conftest import IsolatedRequestClient

    def open_device(user=None, remember=False):
        app.test_client_class = IsolatedRequestClient
        browser = app.test_client()
        if user is not None:
            data = {"email": user.email, "password": TEST_PASSWORD}
            if remember:
                data["remember"] = "y"
            assert browser.post("/sign-in", data=data).status_code == 302
        return browser

    return open_device


def _copy(browser, *names):
    """A second browser holding a copy of these cookies, as a thief with the cookie jar would."""
    thief = browser.application.test_client()
    for name in names:
        cookie = browser.get_cookie(name)
        assert cookie is not None, f"no {name} cookie to copy"
        thief.set_cookie(name, cookie.value)
    return thief


def _signed_in(browser) -> bool:
    return browser.get("/profile").status_code == 200


def test_a_session_cookie_copied_before_sign_out_is_dead_after_it(device, make_user):
    browser = device(make_user("trainee"))
    thief = _copy(browser, "session")
    assert _signed_in(thief)
    browser.post("/sign-out")
    assert not _signed_in(browser)
    response = thief.get("/profile")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_a_remember_me_cookie_copied_before_sign_out_is_dead_after_it(device, make_user):
    browser = device(make_user("trainee"), remember=True)
    assert _signed_in(_copy(browser, "remember_token")), "the remember-me cookie alone signs in"
    stolen = browser.get_cookie("remember_token").value
    browser.post("/sign-out")
    thief = browser.application.test_client()
    thief.set_cookie("remember_token", stolen)
    assert not _signed_in(thief)


def test_a_password_reset_ends_every_session(device, make_user, outbox, client):
    user = make_user("trainee")
    laptop, phone = device(user, remember=True), device(user)
    remembered = _copy(laptop, "remember_token")
    client.post("/password/forgot", data={"email": user.email})
    path = re.search(r"http://localhost(/password/reset/\S+)", outbox(user.email)[0].get_content()).group(1)
    assert client.post(path, data={"password": "brand new password", "confirm": "brand new password"}).status_code == 302
    assert not _signed_in(laptop) and not _signed_in(phone) and not _signed_in(remembered)


def test_deactivating_an_account_ends_its_sessions(device, make_user, login_as, client):
    user = make_user("trainee")
    browser = device(user)
    login_as(make_user("admin"))
    response = client.post(f"/admin/users/{user.id}", data={"is_trainee": "y"})
    assert response.status_code == 302
    assert not _signed_in(browser)


def test_taking_a_role_away_ends_the_sessions_but_adding_one_does_not(device, make_user, login_as, client):
    user = make_user("mentor")
    browser = device(user)
    login_as(make_user("admin"))
    client.post(f"/admin/users/{user.id}", data={"is_mentor": "y", "is_trainee": "y", "is_active_account": "y"})
    assert _signed_in(browser), "a role added keeps the session"
    client.post(f"/admin/users/{user.id}", data={"is_trainee": "y", "is_active_account": "y"})
    assert not _signed_in(browser), "a role taken away ends it"


def test_sign_out_of_all_other_devices_keeps_this_one(device, make_user):
    user = make_user("trainee")
    laptop, phone = device(user), device(user, remember=True)
    remembered = _copy(phone, "remember_token")
    page = laptop.get("/profile").get_data(as_text=True)
    assert "Sign out of all other devices" in page and "This device" in page
    response = laptop.post("/profile/sessions/end-others")
    assert response.status_code == 302 and response.headers["Location"] == "/profile"
    assert _signed_in(laptop)
    assert not _signed_in(phone) and not _signed_in(remembered)


def test_the_profile_lists_the_devices_signed_in(device, make_user):
    user = make_user("trainee")
    device(user)
    laptop = device(user)
    page = laptop.get("/profile").get_data(as_text=True)
    assert page.count("This device") == 1
    assert page.count("<tr>") == 1 + 2, "a header row and one row per open session"


def test_a_request_loads_the_session_and_its_user_in_one_query_and_rarely_writes(
        client, db, login_as, make_user, count_queries):
    from datetime import timedelta

    from accounts.sessions import LAST_SEEN_EVERY
    from core.db import utcnow

    user = login_as(make_user("trainee"))
    with count_queries() as queries:
        assert client.get("/notices").status_code == 200
    assert sum("user_sessions" in query for query in queries) == 1
    assert not [query for query in queries if query.lstrip().upper().startswith("UPDATE")]

    row = user.current_session
    row.last_seen_at = utcnow() - LAST_SEEN_EVERY - timedelta(seconds=1)
    db.session.commit()
    with count_queries() as queries:
        client.get("/notices")
    assert len([query for query in queries if query.lstrip().upper().startswith("UPDATE USER_SESSIONS")]) == 1
    db.session.refresh(row)
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)
    with count_queries() as queries:
        client.get("/notices")
    assert not [query for query in queries if query.lstrip().upper().startswith("UPDATE")]


FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


@pytest.mark.parametrize("user_agent, expected", [
    (FIREFOX_ON_WINDOWS, "Firefox on Windows"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
     "Chrome on Android"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iOS"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 "
     "Safari/537.36 Edg/131.0", "Edge on macOS"),
    ("curl/8.5.0", "Unknown browser"),
])
def test_devices_are_named_briefly(user_agent, expected):
    from accounts.sessions import describe_device

    assert describe_device(user_agent) == expected


def test_signing_in_as_someone_else_ends_the_session_this_browser_had(client, db, login_as, make_user, outbox):
    from tests.accounts.test_sign_in import REGISTRATION, _registration_link

    earlier = login_as(make_user("trainee"))
    path = _registration_link(client, outbox, "rowan@example.org")
    assert client.post(path, data=REGISTRATION).status_code == 302
    db.session.refresh(earlier.current_session)
    assert earlier.current_session.is_ended
