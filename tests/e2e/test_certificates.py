"""Certificate, verification and notice pages in the browser: axe clean at 1280 and 375 px, no sideways scroll."""
import pytest

from certificates import operations as certificates
from core.db import utcnow
from core.extensions import db
from curriculum.models import Module
from modules.models import SignOff, SignOffState


@pytest.fixture
def certified(app, make_user, make_organisation, make_run, enrol, finish_module):
    mentor = make_user("mentor", name="Siobhán Ó Briain")
    trainee = make_user("trainee", make_organisation(), name="Łucja Nguyễn")
    enrol(make_run(mentors=[mentor]), trainee)
    finish_module(trainee)
    module = db.session.scalar(db.select(Module).where(Module.slug == "appeals-basics"))
    db.session.add(SignOff(learner_id=trainee.id, module_id=module.id, state=SignOffState.SIGNED_OFF,
                           decided_by_id=mentor.id, state_changed_at=utcnow()))
    db.session.commit()
    with app.test_request_context():
        [certificate] = certificates.award_if_complete(trainee.id, [module.id])
        db.session.commit()
    return {"trainee": trainee, "code": certificate.code, "admin": make_user("admin")}


@pytest.mark.parametrize("who, path", [
    ("trainee", "/dashboard"),
    ("trainee", "/notices"),
    (None, "/verify"),
    (None, "/verify/{code}"),
    (None, "/verify/AAAA-AAAA-AAAA-AAAA"),
    ("admin", "/admin/certificates"),
])
def test_certificate_pages_have_no_accessibility_violations(certified, check_both_widths, who, path):
    check_both_widths(path.format(code=certified["code"]), certified.get(who), who or "public")
