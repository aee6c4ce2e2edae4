"""Retention: the schedule from settings, the purge (dry run, idempotent, one at a time), the pages that show it."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import update

from accounts.models import Organisation, OrganisationState, User
from core.audit import AuditEntry
from core.db import utcnow
from core.extensions import db
from core.mail import MailState, OutgoingMail, queue_mail
from mentoring.models import Booking
from modules.evidence import path_of
from modules.models import AttemptAnswer, SignOffVersion
from privacy import retention
from tests.privacy.helpers import PRIVATE_NOTE, SHARED_NOTE, WRITTEN_ANSWER, person_with_everything

LONG_AGO = timedelta(days=5 * 365)


def _age_everything(ids, when):
    """Move the person's session, evidence, attempt, audit entries and mail far into the past."""
    from modules.models import Attempt

    db.session.execute(update(Booking).where(Booking.id == ids["past_booking"]).values(
        starts_at=when, ends_at=when + timedelta(hours=1), blocked_from=when, blocked_until=when + timedelta(hours=1)))
    db.session.execute(update(SignOffVersion).values(submitted_at=when))
    db.session.execute(update(Attempt).where(Attempt.id == ids["attempt"]).values(submitted_at=when))
    db.session.execute(update(AuditEntry).values(at=when))
    db.session.execute(update(OutgoingMail).values(created_at=when, state=MailState.SENT))
    db.session.commit()


@pytest.fixture
def old_world(make_user, make_organisation, make_run, enrol):
    organisation = make_organisation()
    trainee = make_user("trainee", organisation, name="Tessa Example", email="tessa@example.org")
    trainee.last_sign_in_at = utcnow()
    mentor = make_user("mentor", name="Max Mentor")
    run = make_run(mentors=[mentor])
    enrol(run, trainee)
    ids = person_with_everything(trainee, mentor, run)
    queue_mail(trainee.email, "Hello", "An old message.")
    dormant = make_user("trainee", organisation, name="Dora Dormant")
    dormant.created_at = utcnow() - LONG_AGO
    declined = make_organisation(state=OrganisationState.REJECTED)
    declined.decided_at = utcnow() - LONG_AGO
    db.session.commit()
    files = [path_of(key) for key in db.session.scalars(db.select(SignOffVersion.file_key).where(
        SignOffVersion.file_key.is_not(None)))]
    _age_everything(ids, utcnow() - LONG_AGO)
    return {"trainee": trainee, "mentor": mentor, "dormant": dormant, "declined_id": declined.id, "ids": ids,
            "files": files, "organisation": organisation}


def _counts(result) -> dict[str, int]:
    return {kind.key: count for kind, count in result}


def test_a_dry_run_counts_and_changes_nothing_then_the_purge_removes_it_all_once(old_world, db):
    ids = old_world["ids"]
    dry = _counts(retention.purge(dry_run=True))
    db.session.commit()
    assert dry["private_notes"] == 1 and dry["session_notes"] == 1 and dry["evidence_files"] == 1
    assert dry["quiz_answers"] >= 1 and dry["audit_entries"] >= 1 and dry["sent_mail"] >= 1
    assert dry["inactive_accounts"] == 1 and dry["declined_organisations"] == 1
    assert db.session.get(Booking, ids["past_booking"]).private_note == PRIVATE_NOTE
    assert all(path.is_file() for path in old_world["files"])

    done = _counts(retention.purge())
    db.session.commit()
    assert done == dry
    past = db.session.get(Booking, ids["past_booking"])
    assert (past.private_note, past.shared_note, past.agenda, past.action_points) == ("", "", "", "")
    assert not any(path.exists() for path in old_world["files"])
    version = db.session.scalar(db.select(SignOffVersion))
    assert version.file_key is None and version.answer == "The grounds."  # the answer itself stays
    written = db.session.get(AttemptAnswer, ids["written"])
    assert written.answer is None and written.comment == "" and written.score == 1
    assert db.session.get(User, old_world["dormant"].id).display_name == "A former trainee"
    assert db.session.get(User, old_world["trainee"].id).display_name == "Tessa Example"  # signed in lately
    assert db.session.scalar(db.select(db.func.count(Organisation.id)).where(
        Organisation.id == old_world["declined_id"])) == 0
    [entry] = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "privacy.purge")).all()
    assert entry.detail["private_notes"] == 1

    again = _counts(retention.purge())
    db.session.commit()
    assert set(again.values()) == {0}


def test_recent_data_stays(make_user, make_run, enrol, db):
    trainee, mentor = make_user("trainee"), make_user("mentor")
    run = make_run(mentors=[mentor])
    enrol(run, trainee)
    ids = person_with_everything(trainee, mentor, run)
    assert set(_counts(retention.purge()).values()) == {0}
    db.session.commit()
    assert db.session.get(Booking, ids["past_booking"]).shared_note == SHARED_NOTE
    assert db.session.get(AttemptAnswer, ids["written"]).answer == WRITTEN_ANSWER


def test_each_period_is_a_setting(app, make_user, make_run, enrol, db, monkeypatch):
    trainee, mentor = make_user("trainee"), make_user("mentor")
    run = make_run(mentors=[mentor])
    enrol(run, trainee)
    ids = person_with_everything(trainee, mentor, run)  # its past session ended three days ago
    monkeypatch.setitem(app.config, "RETENTION_DAYS", {**app.config["RETENTION_DAYS"], "private_notes": 2})
    assert _counts(retention.purge())["private_notes"] == 1
    db.session.commit()
    assert db.session.get(Booking, ids["past_booking"]).private_note == ""
    assert retention.configured_periods()["private_notes"] == 365
    monkeypatch.setenv("RETENTION_PRIVATE_NOTES_DAYS", "30")
    assert retention.configured_periods()["private_notes"] == 30


def test_the_command_lists_what_would_go_and_then_purges(runner, old_world, db):
    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"would erase (inactive): {old_world['dormant'].email}" in dry.output
    assert "Mentors' private notes on a session (kept 1 year): 1 would go" in dry.output
    assert db.session.get(Booking, old_world["ids"]["past_booking"]).private_note == PRIVATE_NOTE
    done = runner.invoke(args=["privacy", "purge"])
    assert "Mentors' private notes on a session (kept 1 year): 1 removed" in done.output
    assert "Mentors' private notes on a session (kept 1 year): 0 removed" in runner.invoke(args=["privacy", "purge"]).output


def test_two_purges_at_once_remove_everything_exactly_once(app, committed_db, make_user, make_organisation, make_run,
                                                           enrol):
    """On PostgreSQL the second waits for the first's advisory lock; on SQLite for the write lock.

    Only evidence files and accounts are due: both are found by a SELECT first, so without the lock both runs
    would find (and count, and erase) the same ones.
    """
    organisation = make_organisation()
    for _ in range(3):
        mentor = make_user("mentor")
        run = make_run(mentors=[mentor])
        trainee = make_user("trainee", organisation)
        enrol(run, trainee)
        person_with_everything(trainee, mentor, run)
    for _ in range(2):
        dormant = make_user("trainee", organisation)
        dormant.created_at = utcnow() - LONG_AGO
    db.session.execute(update(SignOffVersion).values(submitted_at=utcnow() - LONG_AGO))
    db.session.commit()
    files = [path_of(key) for key in db.session.scalars(db.select(SignOffVersion.file_key))]
    db.session.commit()  # and let go of SQLite's write lock, which even a read holds here (core/db.py)
    assert len(files) == 3

    start, results, errors = threading.Barrier(2), [], []

    def run_purge():
        try:
            with app.app_context():
                start.wait(timeout=30)
                results.append(_counts(retention.purge()))
                db.session.commit()
                db.session.remove()
        except Exception as error:  # reported below, with the thread's own traceback in the message
            errors.append(repr(error))

    threads = [threading.Thread(target=run_purge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and len(results) == 2
    for key, expected in {"evidence_files": 3, "inactive_accounts": 2}.items():
        assert sorted(result[key] for result in results) == [0, expected], (key, results)
    assert not any(path.exists() for path in files)


def test_the_privacy_page_is_public_and_shows_the_live_schedule(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_DAYS", {**app.config["RETENTION_DAYS"], "evidence_files": 45})
    monkeypatch.setitem(app.config, "PRIVACY_CONTROLLER", "Northtown University")
    page = client.get("/privacy")
    assert page.status_code == 200
    text = page.data.decode()
    assert "Northtown University" in text and "<strong>45 days</strong> after the request" in text
    assert "paragraph 33 of Schedule 1 to the Data" in text and "<strong>3 years</strong> after the last sign-in" in text
    assert 'href="/privacy"' in client.get("/").data.decode()  # the footer links it from every page


def test_leaders_see_their_schedule_and_the_members_about_to_be_erased(client, login_as, make_user,
                                                                       make_organisation, db):
    organisation = make_organisation()
    leader = make_user("leader", organisation)
    fading = make_user("trainee", organisation, name="Fay Fading")
    fading.last_sign_in_at = utcnow() - timedelta(days=3 * 365 - 30)
    make_user("trainee", organisation, name="Ada Active").last_sign_in_at = utcnow()
    db.session.commit()
    login_as(leader)
    text = client.get(f"/organisations/{organisation.id}/retention").data.decode()
    assert "Fay Fading" in text and "Ada Active" not in text and "<strong>3 years</strong> after the last sign-in" in text
    assert f"/organisations/{organisation.id}/retention" in client.get(f"/organisations/{organisation.id}").data.decode()


def test_periods_in_words():
    assert [retention.describe(timedelta(days=d)) for d in (365, 1095, 90, 180, 45, 1)] == [
        "1 year", "3 years", "3 months", "6 months", "45 days", "1 day"]
