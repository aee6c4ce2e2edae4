import re

import pytest


def test_every_response_carries_the_security_headers(client, curriculum):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert client.get("/no-such-page").headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script(client, curriculum):
    page = client.get("/").get_data(as_text=True)
    assert "<script>" not in page and "onclick=" not in page
    assert "cdn.jsdelivr" not in page and 'src="/bootstrap/static/' in page


def test_session_cookie_is_http_only_and_same_site(client, make_user):
    from tests.conftest import TEST_PASSWORD

    user = make_user("trainee")
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("url", ["/sign-in", "/register", "/password/forgot"])
def test_forms_refuse_a_post_without_a_csrf_token(client, csrf_enabled, url):
    response = client.post(url, data={"email": "someone@example.org", "password": "whatever password"})
    assert response.status_code == 400
    assert "Go back, reload the page and try again." in response.get_data(as_text=True)


def test_action_buttons_refuse_a_post_without_a_csrf_token(client, db, csrf_enabled, login_as, make_user, make_run):
    login_as(make_user("trainee"))
    run = make_run()
    assert client.post(f"/runs/{run.id}/enrol").status_code == 400
    from courses.models import Enrolment

    assert db.session.scalar(db.select(Enrolment)) is None


def test_a_form_with_its_token_goes_through(client, csrf_enabled, make_user):
    import re

    from tests.conftest import TEST_PASSWORD

    user = make_user("trainee")
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_error_pages_leak_nothing(app, client, db):
    from app import create_app

    exploding = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                            "SECRET_KEY": "x", "TESTING": False,
                            # init_app would switch the shared limiter back on for every later test
                            "RATELIMIT_ENABLED": False})

    @exploding.route("/__explode")
    def explode():
        raise RuntimeError("secret internals")

    response = exploding.test_client().get("/__explode")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong" in body and "secret internals" not in body and "Traceback" not in body
    missing = client.get("/runs/999999")
    assert missing.status_code == 404 and "There is nothing at this address." in missing.get_data(as_text=True)


@pytest.fixture
def page_size(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    return 2


def test_lists_page_by_the_one_page_size_setting(client, login_as, make_user, make_organisation, page_size):
    from core.extensions import db
    from core.notices import notify

    organisation = make_organisation()
    leader = make_user("leader", organisation, name="Lee Leader")
    for number in range(1, 4):
        make_user("trainee", organisation, name=f"Member {number}")
    notify([leader.id], "Notice one")
    notify([leader.id], "Notice two")
    notify([leader.id], "Notice three")
    db.session.commit()
    login_as(leader)
    notices = [client.get("/notices", query_string={"page": page}).text for page in (1, 2)]
    assert [sum(f"Notice {word}" in text for word in ("one", "two", "three")) for text in notices] == [2, 1]
    members = [client.get(f"/organisations/{organisation.id}", query_string={"page": page}).text for page in (1, 2)]
    # Ordered by name: Lee Leader and Member 1, then Members 2 and 3.
    assert [sum(f"Member {number}" in text for number in range(1, 4)) for text in members] == [1, 2]


def test_production_asks_browsers_to_use_https_only(app, db, monkeypatch):
    from app import create_app

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    production = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                             "RATELIMIT_ENABLED": False})
    assert production.config["APP_ENV"] == "production"
    for path in ("/sign-in", "/no-such-page"):
        hsts = production.test_client().get(path).headers.get("Strict-Transport-Security", "")
        max_age = int(re.search(r"max-age=(\d+)", hsts).group(1)) if "max-age" in hsts else 0
        assert max_age >= 365 * 24 * 3600 and "includeSubDomains" in hsts, path


def test_development_sends_no_hsts(client):
    assert "Strict-Transport-Security" not in client.get("/sign-in").headers
