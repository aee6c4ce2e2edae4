"""Account security in the browser: the audit pages (and the two-factor set-up), axe clean at 1280 and 375 px."""
import pytest

from core import audit


@pytest.fixture
def logged(db, make_user):
    admin = make_user("admin")
    trainee = make_user("trainee", name="Tess Trainee")
    audit.record("sign_in.failed", subject=trainee, detail={"reason": "wrong password"})
    audit.record("user.view", actor=admin, subject=trainee)
    audit.record("invitation.send", actor=trainee, detail={"invitation_id": 12345, "organisation_id": 678})
    db.session.commit()
    return {"admin": admin, "trainee": trainee}


def test_the_audit_log_is_accessible(logged, check_both_widths):
    check_both_widths("/admin/audit?person=tess", logged["admin"], "admin")


def test_a_persons_security_activity_is_accessible(logged, check_both_widths):
    check_both_widths("/profile/security", logged["trainee"], "trainee")


def test_setting_up_two_factor_sign_in_is_accessible_and_works(db, make_user, check_both_widths, page, axe_check):
    import pyotp

    from tests.conftest import TEST_PASSWORD

    trainee = make_user("trainee", name="Tess Trainee")
    check_both_widths("/profile/two-factor", trainee, "trainee")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    assert page.locator(".qr-box svg").is_visible()
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    axe_check(page)
    assert page.get_by_role("list", name="Recovery codes").locator("li").count() == 10


def test_the_second_step_of_signing_in_is_accessible(db, make_user, page, phone_page, axe_check):
    import pyotp

    from tests.accounts.security_helpers import SECRET, turn_on
    from tests.conftest import TEST_PASSWORD

    mentor = make_user("mentor")
    turn_on(mentor)
    for viewer in (page, phone_page):
        viewer.goto("/sign-in")
        viewer.get_by_label("E-mail address").fill(mentor.email)
        viewer.get_by_label("Password", exact=True).fill(TEST_PASSWORD)
        viewer.get_by_role("button", name="Sign in").click()
        viewer.wait_for_url("**/sign-in/two-factor")
        axe_check(viewer)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("Code").fill(pyotp.TOTP(SECRET).now())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/dashboard")


def test_managing_two_factor_sign_in_is_accessible(db, make_user, page, phone_page, sign_in, axe_check):
    from tests.accounts.security_helpers import turn_on

    trainee = make_user("trainee")
    for viewer in (page, phone_page):
        sign_in(viewer, trainee)  # before it is on: a signed-in device keeps its session
    turn_on(trainee)
    for viewer in (page, phone_page):
        viewer.goto("/profile/two-factor")
        viewer.get_by_role("heading", name="Make new recovery codes").wait_for()
        axe_check(viewer)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375


def test_deactivating_a_member_is_accessible(db, make_user, make_organisation, check_both_widths):
    home = make_organisation()
    leader = make_user("leader", home)
    trainee = make_user("trainee", home, name="Tam Leaving")
    check_both_widths(f"/organisations/{home.id}/members/{trainee.id}/deactivate", leader, "leader")
