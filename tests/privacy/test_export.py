"""Subject access: the ZIP a person downloads, the private notes' approval, the administrator's and the CLI's export."""
import io
import json
import zipfile

import pytest

from privacy.models import NotesRequest, NotesRequestState
from tests.privacy.helpers import MARKER_COMMENT, PRIVATE_NOTE, SHARED_NOTE, WRITTEN_ANSWER, person_with_everything


@pytest.fixture
def people(make_user, make_organisation, make_run, enrol):
    organisation = make_organisation()
    trainee = make_user("trainee", organisation, name="Tessa Example", email="tessa@example.org")
    mentor = make_user("mentor", name="Max Mentor")
    run = make_run(mentors=[mentor])
    enrol(run, trainee)
    ids = person_with_everything(trainee, mentor, run)
    return {"trainee": trainee, "mentor": mentor, "admin": make_user("admin"), "run": run, "ids": ids,
            "other": make_user("trainee", organisation, name="Olive Other")}


def _archive(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_download_holds_everything_about_the_person_and_nothing_else(client, login_as, people):
    login_as(people["trainee"])
    archive = _archive(client.get("/privacy/my-data.zip"))
    data = json.loads(archive.read("data.json"))
    assert data["profile"]["email"] == "tessa@example.org" and data["profile"]["name"] == "Tessa Example"
    assert data["roles"] == ["Trainee"] and len(data["organisations"]) == 1
    assert data["enrolments"][0]["state"] == "Enrolled"
    assert data["lesson_reads"]
    answers = [a for attempt in data["quiz_attempts"] for a in attempt["answers"]]
    assert any(a["answer"] == WRITTEN_ANSWER and a["comment"] == MARKER_COMMENT for a in answers)
    assert {s["topic"] for s in data["mentoring_sessions"]} == {"Reading the papers", "Next steps"}
    assert any(s["shared_note"] == SHARED_NOTE for s in data["mentoring_sessions"])
    [sign_off] = data["sign_offs"]
    assert sign_off["decisions"] == [] and sign_off["versions"][0]["answer"] == "The grounds."
    assert archive.read(sign_off["versions"][0]["file"])[:4] == b"%PDF"
    assert data["certificates"][0]["status"] == "valid"
    assert [n["text"] for n in data["notices"]] == ["Your sign-off request was received."]
    summary = archive.read("summary.html").decode()
    assert "Tessa Example" in summary and SHARED_NOTE in summary and WRITTEN_ANSWER in summary
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert PRIVATE_NOTE.encode() not in everything  # not without an administrator's approval
    assert b"Olive Other" not in everything


def test_private_notes_are_added_once_an_administrator_approves(client, login_as, people, db):
    trainee, admin = people["trainee"], people["admin"]
    login_as(trainee)
    assert b"Ask for mentors" in client.get("/privacy/my-data").data
    client.post("/privacy/my-data/private-notes")
    client.post("/privacy/my-data/private-notes")  # a double click opens one request
    [request] = db.session.scalars(db.select(NotesRequest).where(NotesRequest.user_id == trainee.id)).all()
    assert b"an administrator\n      will decide soon" in client.get("/privacy/my-data").data

    login_as(admin)
    assert b"Read the notes and decide" in client.get("/admin/privacy").data
    page = client.get(f"/admin/privacy/notes-requests/{request.id}")
    assert PRIVATE_NOTE.encode() in page.data
    client.post(f"/admin/privacy/notes-requests/{request.id}", data={"decision": "approve"})
    assert db.session.get(NotesRequest, request.id).state is NotesRequestState.APPROVED

    login_as(trainee)
    assert b"includes the private notes until" in client.get("/privacy/my-data").data
    data = json.loads(_archive(client.get("/privacy/my-data.zip")).read("data.json"))
    assert [n["private_note"] for n in data["mentors_private_notes"]] == [PRIVATE_NOTE]


def test_a_decline_needs_a_reason_which_the_person_is_shown(client, login_as, people, db):
    request = NotesRequest(user_id=people["trainee"].id)
    db.session.add(request)
    db.session.commit()
    login_as(people["admin"])
    refused = client.post(f"/admin/privacy/notes-requests/{request.id}", data={"decision": "decline"})
    assert refused.status_code == 400 and b"Say why the notes are withheld" in refused.data
    client.post(f"/admin/privacy/notes-requests/{request.id}", data={"decision": "decline", "reason": "They name a client."})
    again = client.post(f"/admin/privacy/notes-requests/{request.id}", data={"decision": "approve"})
    assert again.status_code == 302 and db.session.get(NotesRequest, request.id).state is NotesRequestState.DECLINED
    login_as(people["trainee"])
    page = client.get("/privacy/my-data").data
    assert b"They name a client." in page and b"Ask for mentors" in page
    data = json.loads(_archive(client.get("/privacy/my-data.zip")).read("data.json"))
    assert "mentors_private_notes" not in data


def test_an_administrator_exports_anyones_data(client, login_as, people):
    login_as(people["admin"])
    archive = _archive(client.post("/admin/privacy/export", data={"email": " Tessa@Example.org "}))
    assert json.loads(archive.read("data.json"))["profile"]["name"] == "Tessa Example"
    with_notes = _archive(client.post("/admin/privacy/export", data={"email": "tessa@example.org", "private_notes": "y"}))
    assert json.loads(with_notes.read("data.json"))["mentors_private_notes"][0]["private_note"] == PRIVATE_NOTE
    unknown = client.post("/admin/privacy/export", data={"email": "nobody@example.org"})
    assert unknown.status_code == 400 and b"No account has this e-mail address." in unknown.data


def test_the_command_writes_the_same_export(runner, people, tmp_path):
    out = tmp_path / "tessa.zip"
    result = runner.invoke(args=["privacy", "export", "tessa@example.org", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(zipfile.ZipFile(out).read("data.json"))
    assert data["profile"]["email"] == "tessa@example.org" and "mentors_private_notes" not in data
    missing = runner.invoke(args=["privacy", "export", "nobody@example.org", "--out", str(tmp_path / "x.zip")])
    assert missing.exit_code == 1 and "no account" in missing.output
    assert not (tmp_path / "x.zip").exists()


def test_a_mentor_gets_their_own_private_notes_and_sessions(client, login_as, people):
    login_as(people["mentor"])
    data = json.loads(_archive(client.get("/privacy/my-data.zip")).read("data.json"))
    assert any(s["role"] == "mentor" and s["private_note"] == PRIVATE_NOTE for s in data["mentoring_sessions"])


def test_exports_and_reading_private_notes_are_audited(client, login_as, people, db):
    from core.audit import AuditEntry

    trainee, admin = people["trainee"], people["admin"]
    login_as(trainee)
    client.get("/privacy/my-data.zip")
    login_as(admin)
    client.post("/admin/privacy/export", data={"email": "tessa@example.org", "private_notes": "y"})
    request = NotesRequest(user_id=trainee.id)
    db.session.add(request)
    db.session.commit()
    client.get(f"/admin/privacy/notes-requests/{request.id}")
    entries = db.session.execute(db.select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.detail).where(
        AuditEntry.subject_id == trainee.id, AuditEntry.action.startswith("privacy.")).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.detail.get("private_notes")) for e in entries] == [
        ("privacy.export", trainee.id, False), ("privacy.export", admin.id, True),
        ("privacy.notes_read", admin.id, None)]
