"""The audit log: what is recorded, that it is append-only, and who reads it."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from core import audit
from core.audit import AuditEntry
from tests.conftest import TEST_PASSWORD


def _entries(db, action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def _entry_at(db, at, action, actor=None, subject=None, detail=None):
    """An entry as `record` makes it, but at a given time (record's entries are final once flushed)."""
    entry = AuditEntry(at=at, action=action, actor_id=actor and actor.id, subject_id=subject and subject.id,
                       detail=detail or {})
    db.session.add(entry)
    db.session.flush()
    return entry


# -- the rules, without HTTP ------------------------------------------------------

def test_record_adds_an_entry_to_the_transaction_and_rolls_back_with_it(db, make_user):
    admin, trainee = make_user("admin"), make_user("trainee")
    entry = audit.record("user.view", actor=admin, subject=trainee.id, detail={"page": "edit"})
    assert entry.id is not None  # flushed
    assert (entry.actor_id, entry.subject_id, entry.detail, entry.ip_address) == (admin.id, trainee.id,
                                                                                   {"page": "edit"}, "")
    db.session.rollback()
    assert _entries(db, "user.view") == []


def test_entries_are_never_changed_or_deleted_by_the_application(db, make_user):
    trainee = make_user("trainee")
    entry = audit.record("sign_in.succeeded", actor=trainee, subject=trainee)
    db.session.commit()
    entry.action = "sign_in.failed"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEntry, entry.id))
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).action == "sign_in.succeeded"


def test_deleting_a_person_keeps_the_entries_without_them(db, make_user):
    admin, trainee = make_user("admin"), make_user("trainee")
    entry = audit.record("user.view", actor=admin, subject=trainee)
    db.session.commit()
    db.session.execute(db.delete(type(trainee)).where(type(trainee).id == trainee.id))
    db.session.commit()
    db.session.expire_all()
    assert (entry.actor_id, entry.subject_id) == (admin.id, None)


def test_search_filters_by_people_action_prefix_and_time(db, make_user):
    first, second = make_user("trainee"), make_user("trainee")
    now = datetime.now(timezone.utc)
    old = _entry_at(db, now - timedelta(days=10), "sign_in.failed", subject=first)
    recent = audit.record("sign_in.succeeded", actor=first, subject=first)
    by_first = audit.record("invitation.send", actor=first)
    about_second = audit.record("sign_in.succeeded", actor=second, subject=second)
    db.session.flush()

    def ids(**filters):
        return [entry.id for entry in db.session.scalars(audit.search(**filters))
                if entry.id in {old.id, recent.id, by_first.id, about_second.id}]

    assert ids(user_ids=[first.id]) == [by_first.id, recent.id, old.id]
    assert ids(user_ids=[first.id], action="sign_in") == [recent.id, old.id]
    assert ids(action="sign_in.succeeded") == [about_second.id, recent.id]
    assert ids(user_ids=[first.id], since=now - timedelta(days=1)) == [by_first.id, recent.id]
    assert ids(user_ids=[first.id], before=now - timedelta(days=1)) == [old.id]
    # A prefix is matched literally: "_" is not a wildcard.
    assert ids(action="sign_in_") == []


def test_about_is_what_a_person_did_and_what_concerned_them(db, make_user):
    person, admin = make_user("trainee"), make_user("admin")
    viewed = audit.record("user.view", actor=admin, subject=person)
    own = audit.record("invitation.send", actor=person)
    audit.record("user.view", actor=admin, subject=admin)
    db.session.flush()
    assert list(db.session.scalars(audit.about(person.id))) == [own, viewed]


def test_every_action_has_words():
    assert audit.describe("sign_in.failed") == "Failed sign-in"
    assert audit.describe("something.new") == "something.new"


# -- what the app records ------------------------------------------------------------

def test_sign_ins_and_failures_are_recorded_with_the_address(client, db, make_user):
    user = make_user("trainee")
    client.post("/sign-in", data={"email": user.email, "password": "not the password"},
                environ_base={"REMOTE_ADDR": "203.0.113.9"})
    client.post("/sign-in", data={"email": "nobody@example.org", "password": "not the password"})
    client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    failed = _entries(db, "sign_in.failed")
    assert [(e.subject_id, e.detail["reason"]) for e in failed] == [(user.id, "wrong password"),
                                                                   (None, "unknown address")]
    assert failed[0].ip_address == "203.0.113.9" and failed[0].actor_id is None
    assert "nobody@example.org" not in str(failed[1].detail)
    [succeeded] = _entries(db, "sign_in.succeeded")
    assert (succeeded.actor_id, succeeded.subject_id) == (user.id, user.id)


def test_a_deactivated_account_failing_is_recorded_as_such(client, db, make_user):
    user = make_user("trainee", is_active_account=False)
    client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
    assert [e.detail for e in _entries(db, "sign_in.failed")] == [{"reason": "account deactivated"}]


def test_a_form_error_before_any_check_records_nothing(client, db):
    client.post("/sign-in", data={"email": "not an address", "password": "x"})
    assert _entries(db, "sign_in.failed") == []


def test_signing_out_everywhere_is_recorded(client, db, login_as, make_user):
    user = login_as(make_user("trainee"))
    client.post("/profile/sessions/end-others")
    [entry] = _entries(db, "sign_out.everywhere")
    assert (entry.actor_id, entry.subject_id, entry.detail) == (user.id, user.id, {"ended": 0})


def test_a_password_reset_is_recorded(client, db, app, make_user):
    from accounts.operations import password_token

    user = make_user("trainee")
    with app.test_request_context():
        token = password_token(user)
    client.post(f"/password/reset/{token}", data={"password": "a new long password", "confirm": "a new long password"})
    [entry] = _entries(db, "password.set")
    assert entry.subject_id == user.id


def test_an_administrator_opening_an_account_is_recorded_but_not_their_own(client, db, login_as, make_user):
    admin = login_as(make_user("admin"))
    trainee = make_user("trainee")
    client.get(f"/admin/users/{trainee.id}")
    client.get(f"/admin/users/{admin.id}")
    assert [(e.actor_id, e.subject_id) for e in _entries(db, "user.view")] == [(admin.id, trainee.id)]


def test_invitations_sent_accepted_and_revoked_are_recorded(client, db, login_as, make_organisation, make_user):
    from accounts.models import Invitation
    from accounts.operations import accept_invitation, revoke_invitation

    organisation = make_organisation()
    leader = login_as(make_user("leader", organisation))
    client.post(f"/organisations/{organisation.id}/invitations", data={"emails": "one@example.org, two@example.org"})
    one, two = db.session.scalars(select(Invitation).order_by(Invitation.email)).all()
    revoke_invitation(two, leader)
    joined = accept_invitation(one, None, "One", "a long password here")
    sent = _entries(db, "invitation.send")
    assert [e.detail["invitation_id"] for e in sent] == [one.id, two.id] and {e.actor_id for e in sent} == {leader.id}
    assert all("@" not in str(e.detail) for e in sent)
    assert _entries(db, "invitation.revoke")[0].detail["invitation_id"] == two.id
    accepted = _entries(db, "invitation.accept")[0]
    assert (accepted.actor_id, accepted.subject_id) == (joined.id, joined.id)


def test_the_create_admin_command_is_recorded(runner, db):
    result = runner.invoke(args=["accounts", "create-admin", "root@example.org", "--name", "Root",
                                 "--password", "a long password here"])
    assert result.exit_code == 0, result.output
    [entry] = _entries(db, "user.create_admin")
    assert entry.actor_id is None and entry.subject.email == "root@example.org"


# -- the pages ------------------------------------------------------------------------

def test_a_person_sees_their_own_entries_only(client, db, login_as, make_user):
    me, someone = make_user("trainee"), make_user("trainee", name="Somebody Else")
    audit.record("sign_in.failed", subject=me, detail={"reason": "wrong password"})
    audit.record("sign_in.failed", subject=someone, detail={"reason": "unknown address"})
    audit.record("sign_out.everywhere", actor=me, subject=me, detail={"ended": 2})
    db.session.commit()
    login_as(me)
    page = client.get("/profile/security").get_data(as_text=True)
    assert "Failed sign-in" in page and "wrong password" in page
    assert "Signed out of all other devices" in page and "You" in page and "ended: 2" in page
    assert "unknown address" not in page
    assert "/profile/security" in client.get("/profile").get_data(as_text=True)


def test_administrators_search_by_person_action_and_dates(client, db, login_as, make_user):
    admin = login_as(make_user("admin"))
    alice = make_user("trainee", name="Alice Example", email="alice@example.org")
    bob = make_user("trainee", name="Bob Example", email="bob@example.org")
    audit.record("sign_in.failed", subject=alice, detail={"reason": "wrong password"})
    audit.record("user.view", actor=admin, subject=bob)
    _entry_at(db, datetime(2020, 5, 1, 12, tzinfo=timezone.utc), "sign_in.succeeded", actor=alice, subject=alice,
              detail={"marker": "long-ago"})
    db.session.commit()

    page = client.get("/admin/audit?person=ALICE").get_data(as_text=True)
    assert "alice@example.org" in page and "bob@example.org" not in page and "long-ago" in page
    page = client.get("/admin/audit?person=alice&action=sign_in.failed").get_data(as_text=True)
    assert "wrong password" in page and "long-ago" not in page
    page = client.get("/admin/audit?person=alice&since=2020-05-01&until=2020-05-01").get_data(as_text=True)
    assert "long-ago" in page and "wrong password" not in page
    page = client.get("/admin/audit?action=user.view").get_data(as_text=True)
    assert "bob@example.org" in page and "Account opened by an administrator" in page


@pytest.mark.parametrize("query", ["since=2020-13-01", "since=2020-05-02&until=2020-05-01", "action=" + "x" * 65,
                                   "since=0001-01-01", "person=" + "p" * 300])
def test_a_bad_search_is_answered_beside_the_field(client, login_as, make_user, query):
    login_as(make_user("admin"))
    response = client.get(f"/admin/audit?{query}")
    assert response.status_code == 400
    assert "invalid-feedback" in response.get_data(as_text=True)


def test_the_audit_page_pages_and_keeps_the_search(client, db, login_as, make_user, app):
    login_as(make_user("admin"))
    subject = make_user("trainee", email="paged@example.org")
    for _ in range(app.config["PAGE_SIZE"] + 1):
        audit.record("sign_in.failed", subject=subject, detail={"reason": "wrong password"})
    db.session.commit()
    page = client.get("/admin/audit?person=paged&action=sign_in").get_data(as_text=True)
    assert "page=2" in page and "person=paged" in page
    second = client.get("/admin/audit?person=paged&action=sign_in&page=2").get_data(as_text=True)
    assert second.count("wrong password") == 1


def test_the_audit_page_reads_entries_and_people_in_a_bounded_number_of_queries(client, db, login_as, make_user,
                                                                                 count_queries):
    login_as(make_user("admin"))
    for number in range(20):
        person = make_user("trainee")
        audit.record("sign_in.succeeded", actor=person, subject=person)
    db.session.commit()
    with count_queries() as queries:
        assert client.get("/admin/audit").status_code == 200
    assert len(queries) <= 6
