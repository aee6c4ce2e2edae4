import re

from sqlalchemy import select

from accounts.models import Organisation, OrganisationState, User
from tests.conftest import TEST_PASSWORD

REFUSAL = "The e-mail address or password is not right."


def test_sign_in_with_the_right_password(client, make_user):
    user = make_user("trainee")
    response = client.post("/sign-in", data={"email": user.email.upper(), "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(client, make_user):
    user = make_user("trainee")
    wrong = client.post("/sign-in", data={"email": user.email, "password": "not the password"})
    unknown = client.post("/sign-in", data={"email": "nobody@example.org", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 200
    assert REFUSAL in wrong.get_data(as_text=True)
    assert REFUSAL in unknown.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_a_deactivated_account_cannot_sign_in(client, make_user, db):
    user = make_user("trainee")
    user.is_active_account = False
    db.session.commit()
    response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert REFUSAL in response.get_data(as_text=True)


def test_next_only_follows_same_site_paths(client, make_user):
    user = make_user("trainee")
    response = client.post("/sign-in?next=//evil.example/x", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/dashboard"
    client.post("/sign-out")
    response = client.post("/sign-in?next=/profile", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/profile"


def test_failed_sign_ins_are_limited_per_account(client, make_user, rate_limits):
    user = make_user("trainee")
    for _ in range(5):
        assert client.post("/sign-in", data={"email": user.email, "password": "wrong"}).status_code == 200
    blocked = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert blocked.status_code == 429
    assert "Too many" in blocked.get_data(as_text=True)
    # Another account from the same address is not locked out by this one.
    other = make_user("trainee")
    assert client.post("/sign-in", data={"email": other.email, "password": TEST_PASSWORD}).status_code == 302


def test_sign_ins_are_limited_per_address(client, make_user, rate_limits):
    for number in range(20):
        client.post("/sign-in", data={"email": f"guess{number}@example.org", "password": "wrong"})
    user = make_user("trainee")
    assert client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD}).status_code == 429


def test_sign_out_needs_a_post(client, login_as, make_user):
    login_as(make_user("trainee"))
    assert client.get("/sign-out").status_code == 405
    client.post("/sign-out")
    assert client.get("/dashboard").status_code == 302


REGISTRATION = {"display_name": "Rowan Leader", "password": "a long enough password",
                "confirm": "a long enough password", "organisation_name": "Eastfield Innocence Project",
                "institution": "Eastfield University", "nation": "SCOTLAND"}
CHECK_YOUR_EMAIL = "Check your e-mail to finish registering"


def _registration_link(client, outbox, address):
    response = client.post("/register", data={"email": address})
    assert response.status_code == 200 and CHECK_YOUR_EMAIL in response.get_data(as_text=True)
    return re.search(r"http://localhost(/register/\S+)", outbox(address.lower())[-1].get_content()).group(1)


def test_register_creates_a_pending_organisation_and_tells_the_admins(client, db, make_user, outbox):
    admin = make_user("admin")
    path = _registration_link(client, outbox, "Rowan@Example.org")
    assert db.session.scalar(select(User).where(User.email == "rowan@example.org")) is None, (
        "nothing exists until the address is confirmed")
    form = client.get(path)
    assert form.status_code == 200 and "rowan@example.org" in form.get_data(as_text=True)
    response = client.post(path, data=REGISTRATION)
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get("/profile").status_code == 200, "the new leader is signed in"
    user = db.session.scalar(select(User).where(User.email == "rowan@example.org"))
    assert user.is_leader and user.organisation.state is OrganisationState.PENDING
    assert user.organisation.nation.value == "Scotland"
    assert user.password_hash != "a long enough password"
    assert outbox(admin.email)[0]["Subject"] == "New organisation to approve: Eastfield Innocence Project"


def test_registering_an_address_that_has_an_account_looks_the_same_and_tells_its_owner(
        client, make_user, outbox, count_queries):
    make_user("trainee", email="taken@example.org")
    with count_queries() as taken_queries:
        taken = client.post("/register", data={"email": "taken@example.org"})
    with count_queries() as fresh_queries:
        fresh = client.post("/register", data={"email": "fresh@example.org"})
    assert taken.status_code == fresh.status_code == 200
    assert len(taken_queries) == len(fresh_queries), "the same work either way, so timing tells nothing"
    assert CHECK_YOUR_EMAIL in taken.get_data(as_text=True)
    assert taken.get_data(as_text=True).replace("taken@", "fresh@") == fresh.get_data(as_text=True)
    [warning] = outbox("taken@example.org")
    body = warning.get_content()
    assert "tried to register" in warning["Subject"]
    assert "http://localhost/sign-in" in body and "http://localhost/password/forgot" in body
    assert "/register/" not in body
    [link] = outbox("fresh@example.org")
    assert "/register/" in link.get_content()


def test_a_registration_link_stops_working_once_the_account_exists(client, db, make_user, outbox):
    path = _registration_link(client, outbox, "rowan@example.org")
    make_user("trainee", email="rowan@example.org")
    response = client.get(path)
    assert response.status_code == 400 and "already been used" in response.get_data(as_text=True)
    assert client.get("/register/not-a-token").status_code == 400


def test_register_explains_each_bad_field_and_saves_nothing(client, db, make_organisation, outbox):
    make_organisation("Taken Project")
    bad_address = client.post("/register", data={"email": "not an address"})
    assert bad_address.status_code == 200 and "Enter an e-mail address like" in bad_address.get_data(as_text=True)
    assert outbox() == []
    path = _registration_link(client, outbox, "rowan@example.org")
    response = client.post(path, data={
        "display_name": "", "password": "short", "confirm": "different",
        "organisation_name": "taken project", "institution": "X", "nation": "ATLANTIS"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter your name." in page
    assert "A project with this name is registered already" in page
    assert "Use at least 10 characters." in page
    assert "The two passwords are not the same." in page
    assert "Not a valid choice" in page
    assert 'aria-describedby="password-hint password-error"' in page and 'id="password-error"' in page
    assert db.session.scalar(select(User).where(User.email == "rowan@example.org")) is None
    assert len(db.session.scalars(select(Organisation)).all()) == 1


def test_double_submitted_registration_creates_one_organisation(client, db, outbox):
    path = _registration_link(client, outbox, "rowan@example.org")
    data = dict(REGISTRATION, organisation_name="Westfield Project")
    client.post(path, data=data)
    client.post("/sign-out")
    second = client.post(path, data=data)
    assert second.status_code == 400 and "already been used" in second.get_data(as_text=True)
    assert len(db.session.scalars(select(Organisation)).all()) == 1


def test_password_reset_link_works_once(client, make_user, outbox, db):
    user = make_user("trainee")
    client.post("/password/forgot", data={"email": user.email})
    body = outbox(user.email)[0].get_content()
    path = re.search(r"http://localhost(/password/reset/\S+)", body).group(1)
    assert client.get(path).status_code == 200
    assert client.post(path, data={"password": "brand new password", "confirm": "brand new password"}).status_code == 302
    assert client.post("/sign-in", data={"email": user.email, "password": "brand new password"}).status_code == 302
    client.post("/sign-out")
    reused = client.get(path)
    assert reused.status_code == 400 and "already been used" in reused.get_data(as_text=True)


def test_password_reset_for_an_unknown_address_looks_the_same(client, outbox):
    response = client.post("/password/forgot", data={"email": "nobody@example.org"}, follow_redirects=True)
    assert "If that address has an account" in response.get_data(as_text=True)
    assert outbox() == []


def test_password_reset_link_expires_after_an_hour(client, app, make_user, monkeypatch):
    import itsdangerous.timed

    from accounts.operations import password_token

    user = make_user("trainee")
    with app.test_request_context():
        token = password_token(user)
    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 3601)
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def _token_payload(token: str) -> str:
    from itsdangerous import URLSafeTimedSerializer

    return str(URLSafeTimedSerializer("unused").loads_unsafe(token)[1])


def _leaks_the_hash(payload: str, password_hash: str) -> bool:
    return any(password_hash[i:i + 8] in payload for i in range(len(password_hash) - 7))


def test_reset_links_carry_nothing_from_the_password_hash(client, db, make_user, outbox):
    user = make_user("trainee")
    client.post("/password/forgot", data={"email": user.email})
    token = re.search(r"/password/reset/(\S+)", outbox(user.email)[0].get_content()).group(1)
    assert not _leaks_the_hash(_token_payload(token), user.password_hash)


def test_a_tampered_token_is_refused(client):
    response = client.get("/password/reset/not-a-real-token")
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)


def test_profile_changes_name_and_time_zone_and_refuses_unknown_zones(client, login_as, make_user, db):
    user = login_as(make_user("trainee"))
    assert client.post("/profile", data={"display_name": "New Name", "timezone": "Mars/Olympus"}).status_code == 200
    response = client.post("/profile", data={"display_name": "New Name", "timezone": "America/New_York"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.timezone) == ("New Name", "America/New_York")
