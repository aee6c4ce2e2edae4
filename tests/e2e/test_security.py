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
