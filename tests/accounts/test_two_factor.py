"""Two-factor sign-in: the rules without HTTP, then set-up, sign-in, recovery, turning off and reset through HTTP."""
import re
import time

import pyotp
import pytest
from sqlalchemy import select

from accounts import two_factor as tf
from accounts.models import RecoveryCode, UserSession
from core.audit import AuditEntry
from core.config import ConfigError, load_config
from tests.accounts.security_helpers import SECRET, code_now, turn_on
from tests.conftest import TEST_PASSWORD


def _actions(db, user):
    return [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.subject_id == user.id)
                                                 .order_by(AuditEntry.id))]


@pytest.fixture
def required_roles(app):
    """Set TWO_FACTOR_REQUIRED_ROLES for one test."""
    saved = app.config["TWO_FACTOR_REQUIRED_ROLES"]

    def require(*roles):
        app.config["TWO_FACTOR_REQUIRED_ROLES"] = frozenset(roles)

    yield require
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = saved


# -- the rules, without HTTP ----------------------------------------------------------

def test_a_code_matches_its_step_and_its_neighbours_only():
    now = 1_800_000_000.0
    step = int(now // 30)
    totp = pyotp.TOTP(SECRET)
    assert tf.matching_step(SECRET, totp.at(now), None, now) == step
    assert tf.matching_step(SECRET, totp.at(now - 30), None, now) == step - 1
    assert tf.matching_step(SECRET, totp.at(now + 30), None, now) == step + 1
    assert tf.matching_step(SECRET, totp.at(now - 90), None, now) is None
    spaced = totp.at(now)[:3] + " " + totp.at(now)[3:]
    assert tf.matching_step(SECRET, spaced, None, now) == step


def test_a_code_is_accepted_once():
    now = 1_800_000_000.0
    code = pyotp.TOTP(SECRET).at(now)
    step = tf.matching_step(SECRET, code, None, now)
    assert tf.matching_step(SECRET, code, step, now) is None
    assert tf.matching_step(SECRET, code, step - 1, now) == step


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "１２３４５６"])
def test_malformed_codes_never_match(code):
    assert tf.matching_step(SECRET, code, None) is None


def test_recovery_codes_are_random_and_typed_loosely():
    codes = tf.new_recovery_codes()
    assert len(codes) == 10 == len(set(codes))
    assert all(re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", code) for code in codes)
    assert tf.hash_recovery_code(codes[0]) == tf.hash_recovery_code(" " + codes[0].lower().replace("-", " "))


def test_the_qr_code_is_an_inline_svg_with_the_secret_in_it():
    uri = tf.provisioning_uri("someone@example.org", SECRET)
    assert uri.startswith("otpauth://totp/Casework%20Academy:someone%40example.org?secret=" + SECRET)
    svg = tf.qr_svg(uri)
    assert svg.startswith("<svg") and "<script" not in svg and "style=" not in svg


def test_roles_that_require_it(make_user, required_roles):
    required_roles("admin", "mentor")
    mentor, trainee = make_user("mentor"), make_user("trainee")
    assert tf.required_for(mentor) and not tf.required_for(trainee)
    assert tf.must_set_up(mentor) and not tf.must_set_up(trainee)
    turn_on(mentor)
    assert not tf.must_set_up(mentor) and not tf.can_disable(mentor)
    turn_on(trainee)
    assert tf.can_disable(trainee)


def test_the_setting_defaults_by_environment_and_refuses_unknown_roles(tmp_path, monkeypatch):
    monkeypatch.delenv("TWO_FACTOR_REQUIRED_ROLES", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    assert load_config(tmp_path)["TWO_FACTOR_REQUIRED_ROLES"] == frozenset()
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    assert load_config(tmp_path)["TWO_FACTOR_REQUIRED_ROLES"] == {"admin", "mentor"}
    monkeypatch.setenv("TWO_FACTOR_REQUIRED_ROLES", " Admin, leader ,")
    assert load_config(tmp_path)["TWO_FACTOR_REQUIRED_ROLES"] == {"admin", "leader"}
    monkeypatch.setenv("TWO_FACTOR_REQUIRED_ROLES", "admin,boss")
    with pytest.raises(ConfigError, match="boss"):
        load_config(tmp_path)


def test_enabling_needs_a_right_code_from_the_secret_shown(db, make_user):
    user = make_user("trainee")
    secret = tf.secret_to_set_up(user)
    assert tf.secret_to_set_up(user) == secret and not user.has_two_factor
    with pytest.raises(tf.TwoFactorRefusal):
        tf.enable(user, "000000" if code_now(secret) != "000000" else "111111")
    codes = tf.enable(user, code_now(secret))
    assert user.has_two_factor and len(codes) == 10
    stored = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert sorted(stored) == sorted(tf.hash_recovery_code(code) for code in codes)
    assert not any(code in str(stored) for code in codes)
    assert _actions(db, user) == ["two_factor.failed", "two_factor.enabled"]
    with pytest.raises(tf.TwoFactorRefusal):
        tf.secret_to_set_up(user)


def test_a_recovery_code_works_once(db, make_user):
    user = make_user("trainee")
    tf.secret_to_set_up(user)
    codes = tf.enable(user, code_now(user.totp_secret))
    assert tf.verify(user, codes[3].lower(), "sign-in") == "recovery code"
    assert tf.recovery_codes_left(user) == 9
    with pytest.raises(tf.TwoFactorRefusal):
        tf.verify(user, codes[3], "sign-in")
    assert _actions(db, user)[-2:] == ["two_factor.recovery_code_used", "two_factor.failed"]


def test_an_app_code_works_once(db, make_user):
    user = make_user("trainee")
    turn_on(user)
    code = code_now()
    assert tf.verify(user, code, "sign-in") == "app"
    with pytest.raises(tf.TwoFactorRefusal):
        tf.verify(user, code, "sign-in")


def test_new_recovery_codes_retire_the_old_ones(db, make_user):
    user = make_user("trainee")
    turn_on(user)
    old = tf._replace_recovery_codes(user)
    new = tf.regenerate_recovery_codes(user, code_now())
    assert set(old).isdisjoint(new)
    with pytest.raises(tf.TwoFactorRefusal):
        tf.verify(user, old[0], "sign-in")
    assert tf.verify(user, new[0], "sign-in") == "recovery code"


def test_turning_off_needs_a_code_and_is_refused_when_the_role_requires_it(db, make_user, required_roles):
    user = make_user("trainee")
    turn_on(user)
    with pytest.raises(tf.TwoFactorRefusal):
        tf.disable(user, "not a code")
    assert user.has_two_factor
    tf.disable(user, code_now())
    assert not user.has_two_factor and user.totp_secret is None and tf.recovery_codes_left(user) == 0
    required_roles("trainee")
    turn_on(user)
    with pytest.raises(tf.TwoFactorRefusal, match="role requires"):
        tf.disable(user, code_now())


def test_an_administrators_reset_clears_it_and_signs_the_person_out(db, make_user):
    from accounts.sessions import new_session

    admin, mentor = make_user("admin"), make_user("mentor")
    turn_on(mentor)
    tf._replace_recovery_codes(mentor)
    row = new_session(mentor)
    tf.reset(mentor, admin)
    db.session.commit()
    assert not mentor.has_two_factor and tf.recovery_codes_left(mentor) == 0
    db.session.refresh(row)
    assert row.ended_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "two_factor.reset"))
    assert (entry.actor_id, entry.subject_id) == (admin.id, mentor.id)


def test_only_administrators_reset_and_never_their_own(make_user):
    admin, other_admin, mentor = make_user("admin"), make_user("admin"), make_user("mentor")
    for person in (admin, mentor):
        turn_on(person)
    assert mentor.can_reset_two_factor(admin)
    assert not admin.can_reset_two_factor(admin) and admin.can_reset_two_factor(other_admin)
    assert not admin.can_reset_two_factor(mentor)
    assert not other_admin.can_reset_two_factor(admin)  # other_admin has no second factor to reset


# -- through HTTP ----------------------------------------------------------------------

def _sign_in(client, user, remember=False):
    data = {"email": user.email, "password": TEST_PASSWORD}
    if remember:
        data["remember"] = "y"
    return client.post("/sign-in?next=/profile", data=data)


def test_setting_it_up_in_the_browser(client, db, login_as, make_user):
    user = login_as(make_user("trainee"))
    page = client.get("/profile/two-factor")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    db.session.refresh(user)
    secret = user.totp_secret
    assert "<svg" in text and " ".join(secret[i:i + 4] for i in range(0, 32, 4)) in text
    # The secret stays the same across reloads until it is confirmed.
    client.get("/profile/two-factor")
    db.session.refresh(user)
    assert user.totp_secret == secret

    wrong_password = client.post("/profile/two-factor", data={"password": "not it", "code": code_now(secret)})
    assert wrong_password.status_code == 400 and "That is not your password." in wrong_password.get_data(as_text=True)
    wrong_code = client.post("/profile/two-factor", data={"password": TEST_PASSWORD, "code": "12345x"})
    assert wrong_code.status_code == 400 and "That code is not right." in wrong_code.get_data(as_text=True)
    done = client.post("/profile/two-factor", data={"password": TEST_PASSWORD, "code": code_now(secret)})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<code>([A-Z2-9-]{19})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    db.session.refresh(user)
    assert user.has_two_factor
    # Shown once: the page now manages it and shows no codes.
    manage = client.get("/profile/two-factor").get_data(as_text=True)
    assert "10</strong> unused recovery codes" in manage and codes[0] not in manage
    assert "two_factor.enabled" in _actions(db, user)


def test_signing_in_takes_the_code_and_remember_me_waits_for_it(client, db, make_user):
    user = make_user("trainee")
    turn_on(user)
    response = _sign_in(client, user, remember=True)
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in/two-factor"
    # Half signed in: no session row, no remember-me cookie, no page.
    assert client.get_cookie("remember_token") is None
    assert db.session.scalar(select(UserSession.id).where(UserSession.user_id == user.id)) is None
    assert client.get("/dashboard").status_code == 302
    wrong = client.post("/sign-in/two-factor", data={"code": "000000" if code_now() != "000000" else "111111"})
    assert wrong.status_code == 200 and "That code is not right." in wrong.get_data(as_text=True)
    right = client.post("/sign-in/two-factor", data={"code": code_now()})
    assert right.status_code == 302 and right.headers["Location"] == "/profile"
    assert client.get_cookie("remember_token") is not None
    assert client.get("/dashboard").status_code == 200
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.subject_id == user.id)
                                 .order_by(AuditEntry.id)).all()
    assert [(e.action, e.detail) for e in entries] == [
        ("two_factor.failed", {"during": "sign-in"}), ("sign_in.succeeded", {"second_factor": "app"})]


def test_a_remembered_device_still_asks_a_new_device_for_the_code(app, client, db, make_user):
    user = make_user("trainee")
    turn_on(user)
    _sign_in(client, user, remember=True)
    client.post("/sign-in/two-factor", data={"code": code_now()})
    assert client.get_cookie("remember_token") is not None
    other_device = app.test_client()
    assert _sign_in(other_device, user, remember=True).headers["Location"] == "/sign-in/two-factor"
    assert other_device.get("/dashboard").status_code == 302


def test_a_recovery_code_signs_in_once(client, db, make_user):
    user = make_user("trainee")
    turn_on(user)
    codes = tf._replace_recovery_codes(user)
    db.session.commit()
    _sign_in(client, user)
    response = client.post("/sign-in/two-factor", data={"code": codes[0]}, follow_redirects=True)
    assert "9 of them left" in response.get_data(as_text=True)
    client.post("/sign-out")
    _sign_in(client, user)
    again = client.post("/sign-in/two-factor", data={"code": codes[0]})
    assert again.status_code == 200 and "That code is not right." in again.get_data(as_text=True)


def test_the_second_step_expires_and_needs_the_first(client, db, make_user, monkeypatch):
    assert client.get("/sign-in/two-factor").headers["Location"].startswith("/sign-in")
    user = make_user("trainee")
    turn_on(user)
    _sign_in(client, user)
    later = time.time() + 301
    monkeypatch.setattr("accounts.security_views.clock.time", lambda: later)
    response = client.post("/sign-in/two-factor", data={"code": code_now()})
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_wrong_codes_are_rate_limited_per_account(client, db, make_user, rate_limits):
    user = make_user("trainee")
    turn_on(user)
    _sign_in(client, user)
    wrong = "000000" if code_now() != "000000" else "111111"
    for _ in range(5):
        assert client.post("/sign-in/two-factor", data={"code": wrong}).status_code == 200
    assert client.post("/sign-in/two-factor", data={"code": code_now()}).status_code == 429


def test_turning_it_off_takes_password_and_code(client, db, login_as, make_user):
    user = login_as(make_user("trainee"))
    turn_on(user)
    refused = client.post("/profile/two-factor/disable", data={"disable-password": TEST_PASSWORD,
                                                               "disable-code": "nonsense"})
    assert refused.status_code == 400 and "That code is not right." in refused.get_data(as_text=True)
    refused = client.post("/profile/two-factor/disable", data={"disable-password": "wrong one",
                                                               "disable-code": code_now()})
    assert refused.status_code == 400 and "That is not your password." in refused.get_data(as_text=True)
    done = client.post("/profile/two-factor/disable", data={"disable-password": TEST_PASSWORD,
                                                            "disable-code": code_now()})
    assert done.status_code == 302
    db.session.refresh(user)
    assert not user.has_two_factor and "two_factor.disabled" in _actions(db, user)


def test_new_recovery_codes_through_the_page(client, db, login_as, make_user):
    user = login_as(make_user("trainee"))
    turn_on(user)
    response = client.post("/profile/two-factor/recovery-codes", data={"codes-password": TEST_PASSWORD,
                                                                        "codes-code": code_now()})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert len(re.findall(r"<code>([A-Z2-9-]{19})</code>", response.get_data(as_text=True))) == 10


def test_a_required_role_is_sent_to_set_it_up_and_cannot_turn_it_off(client, db, login_as, make_user,
                                                                      required_roles):
    required_roles("mentor")
    mentor = login_as(make_user("mentor"))
    response = client.get("/mentoring/week")
    assert response.status_code == 302 and response.headers["Location"] == "/profile/two-factor"
    assert "requires two-factor sign-in" in client.get("/profile/two-factor").get_data(as_text=True)
    assert client.post("/sign-out").status_code == 302
    turn_on(mentor)
    login_as(mentor)
    assert client.get("/mentoring/week").status_code == 200
    assert "stays on" in client.get("/profile/two-factor").get_data(as_text=True)
    refused = client.post("/profile/two-factor/disable", data={"disable-password": TEST_PASSWORD,
                                                               "disable-code": code_now()})
    assert refused.status_code == 403
    # Outside the required roles, nobody is sent anywhere.
    login_as(make_user("trainee"))
    assert client.get("/dashboard").status_code == 200


def test_an_administrator_resets_a_second_factor_from_the_account_page(client, db, login_as, make_user):
    admin = login_as(make_user("admin"))
    mentor = make_user("mentor")
    turn_on(mentor)
    page = client.get(f"/admin/users/{mentor.id}").get_data(as_text=True)
    assert "second factor" in page
    response = client.post(f"/admin/users/{mentor.id}/two-factor/reset")
    assert response.status_code == 302
    db.session.refresh(mentor)
    assert not mentor.has_two_factor
    assert client.post(f"/admin/users/{mentor.id}/two-factor/reset").status_code == 403  # nothing left to reset
    assert client.post(f"/admin/users/{admin.id}/two-factor/reset").status_code == 403
    # Their next sign-in takes the password alone.
    client.post("/sign-out")
    assert _sign_in(client, mentor).headers["Location"] == "/profile"
