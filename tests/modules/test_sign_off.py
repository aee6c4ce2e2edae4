"""Mentor sign-off: evidence checks, the whole request → return → resubmit → sign-off → revoke cycle, and its rules."""
import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from accounts.models import NotificationSettings
from accounts.notifications import save_settings
from core.audit import AuditEntry
from core.extensions import db
from core.notices import Notice
from core.uploads import UploadError
from modules import evidence
from modules.completion import ModuleState, is_complete, module_state
from modules.models import SIGN_OFF_TRANSITIONS, SignOff, SignOffAction, SignOffEvent, SignOffState, SignOffVersion
from modules.signoffs import facts_for
from tests.modules.signoff_helpers import (
    PNG_BYTES,
    docx_bytes,
    odt_bytes,
    pdf_bytes,
    post_decision,
    post_request,
    ready_trainee,
)

# -- evidence files, without HTTP -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, data, content_type", [
    ("answer.pdf", pdf_bytes(), "application/pdf"),
    ("Answer.PDF", pdf_bytes(), "application/pdf"),
    ("answer.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("answer.odt", odt_bytes(), "application/vnd.oasis.opendocument.text"),
])
def test_pdf_docx_and_odt_are_accepted_by_their_content(app, name, data, content_type):
    checked = evidence.check_file(name, data)
    assert checked.content_type == content_type and checked.data == data


@pytest.mark.parametrize("name, data, message", [
    ("picture.pdf", PNG_BYTES, "its content is not a PDF"),
    ("answer.docx", pdf_bytes(), "its content is not a DOCX"),
    ("answer.odt", docx_bytes(), "its content is not a ODT"),
    ("answer.pdf", b"", "The file is empty."),
    ("answer.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "the limit is 10 MB"),
    ("answer.exe", pdf_bytes(), "Attach a PDF, Word (.docx) or OpenDocument (.odt) file."),
    ("no-extension", pdf_bytes(), "Attach a PDF"),
])
def test_wrong_type_empty_and_oversized_files_are_refused(app, name, data, message):
    with pytest.raises(UploadError, match=re.escape(message)):
        evidence.check_file(name, data)


def test_the_stored_name_never_carries_a_path(app):
    assert evidence.check_file("../../etc/answer.pdf", pdf_bytes()).name == "answer.pdf"
    assert evidence.check_file("C:\\Users\\me\\answer.pdf", pdf_bytes()).name == "answer.pdf"


def test_a_stored_file_goes_again_when_its_transaction_rolls_back(app, db):
    key = evidence.store(evidence.check_file("a.pdf", pdf_bytes()))
    assert evidence.path_of(key).is_file()
    db.session.rollback()
    assert not evidence.path_of(key).exists()
    kept = evidence.store(evidence.check_file("a.pdf", pdf_bytes()))
    db.session.commit()
    assert evidence.path_of(kept).is_file()


def _stored() -> str:
    return evidence.store(evidence.check_file("a.pdf", pdf_bytes()))


def test_a_file_stored_in_a_rolled_back_savepoint_goes_and_the_outer_transactions_file_stays(app, db):
    outer = _stored()
    savepoint = db.session.begin_nested()
    inner = _stored()
    savepoint.rollback()
    assert evidence.path_of(outer).is_file() and not evidence.path_of(inner).exists()
    db.session.rollback()
    assert not evidence.path_of(outer).exists()


def test_a_file_of_a_released_savepoint_goes_when_the_outer_transaction_rolls_back(app, db):
    savepoint = db.session.begin_nested()
    removed = _stored()
    savepoint.commit()
    assert evidence.path_of(removed).is_file()
    db.session.rollback()
    assert not evidence.path_of(removed).exists()
    savepoint = db.session.begin_nested()
    kept = _stored()
    savepoint.commit()
    db.session.commit()
    db.session.rollback()
    assert evidence.path_of(kept).is_file()


# -- the whole cycle over HTTP ------------------------------------------------------------------------------------

@pytest.fixture
def cycle(make_user, make_organisation, make_run, enrol, finish_module):
    mentor = make_user("mentor", name="Mina Mentor")
    trainee, run = ready_trainee(make_user, make_organisation, make_run, enrol, finish_module, mentors=[mentor])
    leader = make_user("leader", trainee.organisation, name="Lee Leader")
    return {"mentor": mentor, "trainee": trainee, "leader": leader, "run": run}


def _only_sign_off() -> SignOff:
    return db.session.scalars(db.select(SignOff)).one()


def test_request_return_resubmit_sign_off_and_revoke(client, login_as, cycle, outbox):
    mentor, trainee, leader = cycle["mentor"], cycle["trainee"], cycle["leader"]

    login_as(trainee)
    page = client.get("/modules/appeals-basics/sign-off")
    assert page.status_code == 200 and b"list the grounds" in page.data and b"Identifies the grounds" in page.data
    response = post_request(client, file=("my answer.pdf", pdf_bytes()))
    assert response.status_code == 302
    sign_off = _only_sign_off()
    assert sign_off.state is SignOffState.REQUESTED and sign_off.run_id == cycle["run"].id
    assert sign_off.latest_version.file_name == "my answer.pdf"
    assert evidence.path_of(sign_off.latest_version.file_key).read_bytes().startswith(b"%PDF")
    assert {m["To"] for m in outbox()} == {mentor.email, leader.email}
    assert db.session.scalar(db.select(db.func.count(Notice.id)).where(Notice.user_id == mentor.id)) == 1

    login_as(mentor)
    queue = client.get("/sign-offs")
    assert trainee.display_name.encode() in queue.data
    detail = client.get(f"/sign-offs/{sign_off.id}")
    assert b"fresh evidence and non-disclosure" in detail.data and b"Quiz results" in detail.data
    assert b"Passed" in detail.data and b"my answer.pdf" in detail.data
    assert client.get(f"/sign-offs/{sign_off.id}/versions/1/file").data.startswith(b"%PDF")
    downloaded = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "evidence.download")).one()
    assert (downloaded.actor_id, downloaded.subject_id, downloaded.detail) == (
        mentor.id, trainee.id, {"sign_off_id": sign_off.id, "version": 1})

    blank = post_decision(client, sign_off, "return", comment="  ")
    assert blank.status_code == 400 and b"Say what the trainee should change." in blank.data
    assert post_decision(client, sign_off, "return", comment="Name the second ground too.").status_code == 302
    assert _only_sign_off().state is SignOffState.RETURNED

    login_as(trainee)
    assert b"Name the second ground too." in client.get(f"/sign-offs/{sign_off.id}").data
    assert module_state(facts_for(trainee.id, sign_off.module)) is ModuleState.RETURNED
    assert post_request(client, answer="Fresh evidence; non-disclosure; and the second ground.").status_code == 302
    sign_off = _only_sign_off()
    assert sign_off.state is SignOffState.REQUESTED and [v.number for v in sign_off.versions] == [1, 2]
    assert sign_off.versions[0].answer.startswith("My grounds")  # the first version is kept as it was

    login_as(mentor)
    missing = post_decision(client, sign_off, "sign_off", criteria=("",))
    assert missing.status_code == 400 and b"Comment on this criterion before you sign off." in missing.data
    assert post_decision(client, sign_off, "sign_off", criteria=("Both grounds, well sourced.",),
                         comment="Ready for casework.").status_code == 302
    sign_off = _only_sign_off()
    assert sign_off.state is SignOffState.SIGNED_OFF and sign_off.decided_by_id == mentor.id
    assert is_complete(facts_for(trainee.id, sign_off.module))

    blank = client.post(f"/sign-offs/{sign_off.id}/revoke", data={"reason": ""})
    assert blank.status_code == 400 and b"Give the reason for revoking." in blank.data
    assert client.post(f"/sign-offs/{sign_off.id}/revoke",
                       data={"reason": "Missed a disclosure issue on a live case."}).status_code == 302
    assert _only_sign_off().state is SignOffState.REVOKED
    facts = facts_for(trainee.id, sign_off.module)
    assert not is_complete(facts) and module_state(facts) is ModuleState.REVOKED

    login_as(leader)
    assert b"Missed a disclosure issue on a live case." in client.get(f"/sign-offs/{sign_off.id}").data
    login_as(trainee)
    assert b"Send the revised answer" in client.get("/modules/appeals-basics/sign-off").data

    events = db.session.scalars(db.select(SignOffEvent).order_by(SignOffEvent.id)).all()
    assert [(e.action, e.version_number, e.actor_id) for e in events] == [
        (SignOffAction.REQUESTED, 1, trainee.id), (SignOffAction.RETURNED, 1, mentor.id),
        (SignOffAction.RESUBMITTED, 2, trainee.id), (SignOffAction.SIGNED_OFF, 2, mentor.id),
        (SignOffAction.REVOKED, 2, mentor.id)]
    assert events[3].criteria_comments == [{"criterion": "Identifies the grounds",
                                            "comment": "Both grounds, well sourced."}]
    revocation_mail = [m for m in outbox(leader.email) if "revoked" in m["Subject"]]
    assert revocation_mail and "Missed a disclosure issue" in revocation_mail[0].get_content()


def test_a_double_submit_sends_one_version(client, login_as, cycle):
    login_as(cycle["trainee"])
    first, second = post_request(client), post_request(client)
    assert first.status_code == second.status_code == 302
    assert db.session.scalar(db.select(db.func.count(SignOffVersion.id))) == 1
    assert db.session.scalar(db.select(db.func.count(SignOffEvent.id))) == 1


def test_a_file_of_the_wrong_type_is_refused_beside_the_field_and_nothing_is_kept(client, login_as, cycle, app):
    login_as(cycle["trainee"])
    response = post_request(client, file=("scan.pdf", PNG_BYTES))
    assert response.status_code == 400
    assert b'id="attachment-error"' in response.data and b"its content is not a PDF" in response.data
    assert db.session.scalar(db.select(db.func.count(SignOff.id))) == 0


def test_sign_off_cannot_be_asked_for_before_the_quiz_is_passed(
        client, login_as, make_user, make_organisation, make_run, enrol, finish_module):
    trainee, _ = ready_trainee(make_user, make_organisation, make_run, enrol, finish_module, grade=40.0)
    login_as(trainee)
    assert b"pass the quiz, then come back" in client.get("/modules/appeals-basics/sign-off").data
    post_request(client)
    assert db.session.scalar(db.select(db.func.count(SignOff.id))) == 0


def test_a_decision_on_an_old_version_is_refused(client, login_as, cycle):
    login_as(cycle["trainee"])
    post_request(client)
    login_as(cycle["mentor"])
    post_decision(client, _only_sign_off(), "return", comment="More please.")
    login_as(cycle["trainee"])
    post_request(client, answer="More.")
    login_as(cycle["mentor"])
    response = post_decision(client, _only_sign_off(), "sign_off", version=1)
    assert response.status_code == 302
    assert _only_sign_off().state is SignOffState.REQUESTED
    assert b"newer version" in client.get(response.headers["Location"]).data


def test_only_the_runs_mentors_decide_and_a_decided_request_stays_decided(client, login_as, cycle, make_user, make_run):
    other_mentor = make_user("mentor")
    make_run(mentors=[other_mentor])
    login_as(cycle["trainee"])
    post_request(client)
    sign_off = _only_sign_off()
    login_as(other_mentor)
    assert client.get(f"/sign-offs/{sign_off.id}").status_code == 403
    assert post_decision(client, sign_off, "sign_off").status_code == 403
    assert cycle["trainee"].display_name.encode() not in client.get("/sign-offs").data
    login_as(cycle["mentor"])
    assert post_decision(client, sign_off, "sign_off").status_code == 302
    again = post_decision(client, sign_off, "return", comment="Changed my mind")
    assert again.status_code == 302 and _only_sign_off().state is SignOffState.SIGNED_OFF
    assert db.session.scalar(db.select(db.func.count(SignOffEvent.id))) == 2


def test_history_cannot_be_rewritten(client, login_as, cycle):
    login_as(cycle["trainee"])
    post_request(client)
    event = db.session.scalars(db.select(SignOffEvent)).one()
    event.comment = "rewritten"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    version = db.session.scalars(db.select(SignOffVersion)).one()
    db.session.delete(version)
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


def test_the_queue_is_oldest_first_and_only_the_mentors_runs(
        client, login_as, make_user, make_organisation, make_run, enrol, finish_module):
    mentor = make_user("mentor")
    names = []
    for number in range(3):
        trainee, _ = ready_trainee(make_user, make_organisation, make_run, enrol, finish_module, mentors=[mentor])
        names.append(trainee.display_name)
        login_as(trainee)
        post_request(client)
    outsider, _ = ready_trainee(make_user, make_organisation, make_run, enrol, finish_module)
    login_as(outsider)
    post_request(client)
    login_as(mentor)
    page = client.get("/sign-offs").get_data(as_text=True)
    positions = [page.index(name + "<") for name in names]
    assert positions == sorted(positions)
    assert outsider.display_name + "<" not in page


def test_signing_off_the_last_module_awards_the_certificate_and_revoking_withdraws_it(client, login_as, cycle):
    from certificates.models import Certificate

    login_as(cycle["trainee"])
    post_request(client)
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 0
    login_as(cycle["mentor"])
    post_decision(client, _only_sign_off(), "sign_off")
    certificate = db.session.scalars(db.select(Certificate)).one()
    assert certificate.learner_id == cycle["trainee"].id and certificate.run_id == cycle["run"].id
    assert certificate.revoked_at is None
    client.post(f"/sign-offs/{_only_sign_off().id}/revoke", data={"reason": "Not ready for live casework."})
    db.session.refresh(certificate)
    assert certificate.revoked_at is not None and "Not ready for live casework." in certificate.revoke_reason
    login_as(cycle["trainee"])
    assert client.get(f"/verify/{certificate.code}").status_code == 200
    assert b"revoked" in client.get(f"/verify/{certificate.code}").data.lower()


def test_a_sign_off_moves_only_along_its_transitions():
    now = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
    sign_off, mentor = SignOff(), SimpleNamespace(id=7)
    with pytest.raises(ValueError, match="from new to SIGNED_OFF"):
        sign_off.move_to(SignOffState.SIGNED_OFF, now, mentor)
    sign_off.move_to(SignOffState.REQUESTED, now)
    sign_off.move_to(SignOffState.SIGNED_OFF, now + timedelta(days=1), mentor)
    assert (sign_off.state, sign_off.state_changed_at, sign_off.decided_by_id) == (
        SignOffState.SIGNED_OFF, now + timedelta(days=1), 7)
    for illegal in (SignOffState.REQUESTED, SignOffState.RETURNED, SignOffState.SIGNED_OFF):
        with pytest.raises(ValueError):
            sign_off.move_to(illegal, now)
    assert sign_off.state is SignOffState.SIGNED_OFF
    sign_off.move_to(SignOffState.REVOKED, now)
    sign_off.move_to(SignOffState.REQUESTED, now)
    assert set(SIGN_OFF_TRANSITIONS) == {None, *SignOffState}


def test_a_leader_who_turned_sign_off_mail_off_still_gets_the_notice(client, login_as, cycle, outbox):
    leader, mentor = cycle["leader"], cycle["mentor"]
    save_settings(leader, {**NotificationSettings.DEFAULTS, "email_sign_off_steps": False})
    db.session.commit()
    login_as(cycle["trainee"])
    assert post_request(client).status_code == 302
    assert {m["To"] for m in outbox()} == {mentor.email}
    assert db.session.scalar(db.select(db.func.count(Notice.id)).where(Notice.user_id == leader.id)) == 1
