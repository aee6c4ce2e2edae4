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


def test_register_creates_a_pending_organisation_and_tells_the_admins(client, db, make_user, outbox):
    admin = make_user("admin")
    response = client.post("/register", data={
        "display_name": "Rowan Leader", "email": "Rowan@Example.org", "password": "a long enough password",
        "confirm": "a long enough password", "organisation_name": "Eastfield Innocence Project",
        "institution": "Eastfield University", "nation": "SCOTLAND"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "rowan@example.org"))
    assert user.is_leader and user.organisation.state is OrganisationState.PENDING
    assert user.organisation.nation.value == "Scotland"
    assert user.password_hash != "a long enough password"
    assert outbox(admin.email)[0]["Subject"] == "New organisation to approve: Eastfield Innocence Project"


def test_register_explains_each_bad_field_and_saves_nothing(client, db, make_user):
    make_user("trainee", email="taken@example.org")
    response = client.post("/register", data={
        "display_name": "", "email": "taken@example.org", "password": "short", "confirm": "different",
        "organisation_name": "", "institution": "X", "nation": "ATLANTIS"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter your name." in page
    assert "An account with this address exists already" in page
    assert "Use at least 10 characters." in page
    assert "The two passwords are not the same." in page
    assert "Not a valid choice" in page
    assert 'aria-describedby="email-error"' in page and 'id="email-error"' in page
    assert db.session.scalar(select(Organisation)) is None


def test_double_submitted_registration_creates_one_organisation(client, db):
    data = {"display_name": "Rowan", "email": "rowan@example.org", "password": "a long enough password",
            "confirm": "a long enough password", "organisation_name": "Westfield Project",
            "institution": "Westfield", "nation": "ENGLAND_AND_WALES"}
    client.post("/register", data=data)
    client.post("/sign-out")
    second = client.post("/register", data=data)
    assert second.status_code == 200
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
