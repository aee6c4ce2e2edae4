"""Erasure: the request and its grace period, what erasing removes and what it leaves others, the command."""
from datetime import timedelta

import pytest

from accounts.models import User
from certificates.models import Certificate
from core.db import utcnow
from core.notices import Notice
from courses.models import Enrolment, EnrolmentState
from mentoring.models import Booking, BookingState
from modules.analysis import analyse
from modules.evidence import path_of
from modules.models import Attempt, AttemptAnswer, SignOff, SignOffVersion
from privacy import erasure
from privacy.models import ErasureRequest, ErasureState, NotesRequest
from tests.conftest import TEST_PASSWORD
from tests.modules.quiz_helpers import fixture_quiz
from tests.privacy.helpers import PRIVATE_NOTE, SHARED_NOTE, person_with_everything


@pytest.fixture
def people(make_user, make_organisation, make_run, enrol):
    organisation = make_organisation()
    trainee = make_user("trainee", organisation, name="Tessa Example", email="tessa@example.org")
    mentor = make_user("mentor", name="Max Mentor")
    run = make_run(mentors=[mentor])
    enrol(run, trainee)
    ids = person_with_everything(trainee, mentor, run)
    return {"trainee": trainee, "mentor": mentor, "admin": make_user("admin"), "run": run, "ids": ids}


def test_a_person_asks_and_may_withdraw_within_the_grace_period(client, login_as, people, db):
    trainee, admin = people["trainee"], people["admin"]
    login_as(trainee)
    unticked = client.post("/privacy/my-data/erasure", data={})
    assert unticked.status_code == 400 and b"Tick the box to confirm you understand." in unticked.data
    client.post("/privacy/my-data/erasure", data={"understood": "y"})
    client.post("/privacy/my-data/erasure", data={"understood": "y"})  # a double click opens one request
    [request] = db.session.scalars(db.select(ErasureRequest)).all()
    assert request.due_at - request.requested_at == timedelta(days=30)
    assert db.session.scalar(db.select(Notice).where(Notice.user_id == admin.id)).text == (
        "Tessa Example asked for their account to be erased.")
    assert b"Withdraw my request" in client.get("/privacy/my-data").data
    client.post(f"/privacy/erasure-requests/{request.id}/withdraw")
    assert db.session.get(ErasureRequest, request.id).state is ErasureState.WITHDRAWN
    assert client.post(f"/privacy/erasure-requests/{request.id}/withdraw").status_code == 403
    assert User.find_by_email("tessa@example.org") is not None


def test_the_administrator_confirms_only_after_the_grace_period(client, login_as, people, db):
    trainee, admin = people["trainee"], people["admin"]
    request = erasure.ask_for_erasure(trainee)
    db.session.commit()
    login_as(admin)
    assert b"Tessa Example" in client.get("/admin/privacy/erasures").data
    early = client.get(f"/admin/privacy/erasures/{request.id}")
    assert b"You can erase from" in early.data and b'name="understood"' not in early.data
    assert client.post(f"/admin/privacy/erasures/{request.id}", data={"understood": "y"}).status_code == 403

    request.due_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    unticked = client.post(f"/admin/privacy/erasures/{request.id}", data={})
    assert unticked.status_code == 400 and b"Tick the box to confirm the erasure." in unticked.data
    done = client.post(f"/admin/privacy/erasures/{request.id}", data={"understood": "y"})
    assert done.status_code == 302
    assert db.session.get(ErasureRequest, request.id).state is ErasureState.ERASED
    assert User.find_by_email("tessa@example.org") is None
    assert b"Erased" in client.get("/admin/privacy/erasures").data
    again = client.post(f"/admin/privacy/erasures/{request.id}", data={"understood": "y"})
    assert again.status_code == 403


def test_an_administrator_cannot_confirm_their_own_erasure(client, login_as, people, db):
    admin = people["admin"]
    request = erasure.ask_for_erasure(admin, now=utcnow() - timedelta(days=31))
    db.session.commit()
    login_as(admin)
    assert client.post(f"/admin/privacy/erasures/{request.id}", data={"understood": "y"}).status_code == 403


def test_erasure_removes_the_person_and_leaves_others_records_nameless(client, login_as, people, db, app):
    trainee, mentor, ids = people["trainee"], people["mentor"], people["ids"]
    quiz = fixture_quiz()
    before = analyse(quiz)
    evidence_keys = db.session.scalars(db.select(SignOffVersion.file_key).where(
        SignOffVersion.file_key.is_not(None))).all()
    assert all(path_of(key).is_file() for key in evidence_keys)
    db.session.add(NotesRequest(user_id=trainee.id))
    db.session.commit()

    erasure.erase(trainee, people["admin"])
    db.session.commit()

    person = db.session.get(User, trainee.id)
    assert person.email == f"erased-{trainee.id}@erased.invalid" and person.display_name == "A former trainee"
    assert not person.is_active_account and not person.check_password(TEST_PASSWORD) and person.organisation_id is None
    # attempts stay, scores and all, for item analysis; the words written and the marker's comment go
    after = analyse(quiz)
    assert after.attempts == before.attempts and [q.n for q in after.questions] == [q.n for q in before.questions]
    answers = db.session.scalars(db.select(AttemptAnswer).join(Attempt).where(Attempt.user_id == trainee.id)).all()
    assert answers and all(a.answer is None and a.comment == "" for a in answers)
    assert any(a.score is not None for a in answers)
    # the mentor's sessions: the past one is nameless and without notes, the one to come cancelled with a notice
    past, upcoming = db.session.get(Booking, ids["past_booking"]), db.session.get(Booking, ids["upcoming_booking"])
    assert past.learner.display_name == "A former trainee"
    assert (past.private_note, past.shared_note, past.agenda, past.action_points) == ("", "", "", "")
    assert upcoming.state is BookingState.CANCELLED
    mentor_notices = db.session.scalars(db.select(Notice.text).where(Notice.user_id == mentor.id)).all()
    assert "a former trainee asked for sign-off." in mentor_notices
    assert any("was cancelled: the other person's account was closed" in text for text in mentor_notices)
    assert not any("Tessa" in text for text in mentor_notices)
    # files, sign-offs, notices, requests gone; seats given up; certificates withdrawn
    assert not any(path_of(key).exists() for key in evidence_keys)
    assert db.session.scalar(db.select(db.func.count(SignOff.id)).where(SignOff.learner_id == trainee.id)) == 0
    assert db.session.scalar(db.select(db.func.count(Notice.id)).where(Notice.user_id == trainee.id)) == 0
    assert db.session.scalar(db.select(db.func.count(NotesRequest.id))) == 0
    assert db.session.scalar(db.select(Enrolment.state).where(Enrolment.user_id == trainee.id)) is EnrolmentState.WITHDRAWN
    certificate = db.session.get(Certificate, ids["certificate"])
    assert certificate.is_revoked and certificate.name == ""
    page = client.get(f"/verify/{certificate.code}")
    assert b"This certificate has been withdrawn" in page.data
    assert b"Tessa" not in page.data and certificate.run.course.title.encode() not in page.data
    # the mentor's own view of the past session names nobody
    login_as(mentor)
    view = client.get(f"/mentoring/sessions/{past.id}").data
    assert b"A former trainee" in view and b"Tessa" not in view and PRIVATE_NOTE.encode() not in view
    assert SHARED_NOTE.encode() not in view


def test_the_erased_person_cannot_sign_in_and_loses_their_second_factor(client, people, db):
    from accounts.models import RecoveryCode

    trainee = people["trainee"]
    trainee.totp_secret, trainee.two_factor_enabled_at = "JBSWY3DPEHPK3PXP", utcnow()
    db.session.add(RecoveryCode(user_id=trainee.id, code_hash="0" * 64))
    db.session.commit()
    erasure.erase(trainee, None)
    db.session.commit()
    person = db.session.get(User, trainee.id)
    assert person.totp_secret is None and person.two_factor_enabled_at is None
    assert db.session.scalar(db.select(db.func.count(RecoveryCode.id))) == 0
    response = client.post("/sign-in", data={"email": "tessa@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 200 and b"Sign out" not in response.data


def test_the_command_erases_at_once_and_asks_first(runner, people, db):
    declined = runner.invoke(args=["privacy", "erase", "tessa@example.org"], input="n\n")
    assert declined.exit_code == 1 and User.find_by_email("tessa@example.org") is not None
    result = runner.invoke(args=["privacy", "erase", "Tessa@example.org", "--yes"])
    assert result.exit_code == 0, result.output
    assert User.find_by_email("tessa@example.org") is None
    missing = runner.invoke(args=["privacy", "erase", "tessa@example.org", "--yes"])
    assert missing.exit_code == 1 and "no account" in missing.output
    placeholder = f"erased-{people['trainee'].id}@erased.invalid"
    twice = runner.invoke(args=["privacy", "erase", placeholder, "--yes"])
    assert twice.exit_code == 1 and "already been erased" in twice.output


def test_erasure_is_audited_and_the_persons_addresses_leave_the_log(people, db):
    from core import audit
    from core.audit import AuditEntry

    trainee, admin = people["trainee"], people["admin"]
    entry = audit.record("sign_in.succeeded", actor=trainee, subject=trainee)
    db.session.execute(db.update(AuditEntry).where(AuditEntry.id == entry.id).values(ip_address="192.0.2.7"))
    db.session.commit()
    erasure.erase(trainee, admin)
    db.session.commit()
    assert db.session.scalar(db.select(AuditEntry.ip_address).where(AuditEntry.id == entry.id)) == ""
    last = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "privacy.erase"))
    assert (last.actor_id, last.subject_id) == (admin.id, trainee.id)


def test_erasure_deletes_a_leaders_needs_assessments(make_user, make_organisation, db):
    from plans.models import Assessment
    from tests.plans.helpers import assess

    leader = make_user("leader", make_organisation())
    assess(leader, answers={"goals": "Fewer backlogs."})
    erasure.erase(leader, None)
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(Assessment.id))) == 0
