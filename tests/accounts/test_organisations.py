import re

from sqlalchemy import select

from accounts.models import Invitation, OrganisationState, User
from core.audit import AuditEntry


def _link(message) -> str:
    return re.search(r"http://localhost(/\S+)", message.get_content()).group(1)


def test_admin_approves_a_pending_organisation_and_the_leader_is_told(client, db, login_as, make_organisation,
                                                                     make_user, outbox):
    organisation = make_organisation(state=OrganisationState.PENDING)
    leader = make_user("leader", organisation)
    admin = login_as(make_user("admin"))
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert organisation.name in page
    response = client.post(f"/admin/organisations/{organisation.id}/decide", data={"decision": "approve"})
    assert response.status_code == 302
    db.session.refresh(organisation)
    assert organisation.state is OrganisationState.APPROVED and organisation.decided_by_id == admin.id
    assert "approved" in outbox(leader.email)[0]["Subject"]
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.actor_id == admin.id)) == "organisation.approve"
    # A decided organisation cannot be decided again.
    assert client.post(f"/admin/organisations/{organisation.id}/decide", data={"decision": "reject"}).status_code == 403


def test_a_bad_decision_value_is_a_400(client, login_as, make_organisation, make_user):
    organisation = make_organisation(state=OrganisationState.PENDING)
    login_as(make_user("admin"))
    assert client.post(f"/admin/organisations/{organisation.id}/decide", data={"decision": "maybe"}).status_code == 400


def test_leader_invites_and_the_invitee_joins_with_a_new_account(client, db, login_as, make_organisation,
                                                                 make_user, outbox):
    organisation = make_organisation()
    leader = login_as(make_user("leader", organisation))
    response = client.post(f"/organisations/{organisation.id}/invitations",
                           data={"emails": "new.caseworker@example.org\nSecond@Example.org, not-an-address"})
    assert response.status_code == 400
    assert "These are not e-mail addresses: not-an-address" in response.get_data(as_text=True)
    assert outbox() == []
    client.post(f"/organisations/{organisation.id}/invitations",
                data={"emails": "new.caseworker@example.org\nSecond@Example.org"})
    assert len(outbox()) == 2
    link = _link(outbox("new.caseworker@example.org")[0])
    client.post("/sign-out")
    page = client.get(link)
    assert page.status_code == 200 and organisation.name in page.get_data(as_text=True)
    response = client.post(link, data={"display_name": "New Caseworker", "password": "a long enough password",
                                       "confirm": "a long enough password"})
    assert response.status_code == 302
    member = User.find_by_email("new.caseworker@example.org")
    assert member.organisation_id == organisation.id and member.is_trainee and not member.is_leader
    # Single use.
    client.post("/sign-out")
    reused = client.get(link)
    assert reused.status_code == 400 and "already been accepted" in reused.get_data(as_text=True)
    assert leader.id != member.id


def test_reinviting_replaces_the_earlier_link(client, login_as, make_organisation, make_user, outbox):
    organisation = make_organisation()
    login_as(make_user("leader", organisation))
    client.post(f"/organisations/{organisation.id}/invitations", data={"emails": "x@example.org"})
    first = _link(outbox()[0])
    client.post(f"/organisations/{organisation.id}/invitations", data={"emails": "x@example.org"})
    second = _link(outbox()[-1])
    client.post("/sign-out")
    assert client.get(first).status_code == 400
    assert client.get(second).status_code == 200


def test_an_invitation_expires_after_seven_days(client, app, db, make_organisation, monkeypatch):
    import itsdangerous.timed

    from accounts.operations import invitation_token

    organisation = make_organisation()
    invitation = Invitation(organisation_id=organisation.id, email="late@example.org")
    db.session.add(invitation)
    db.session.commit()
    with app.test_request_context():
        token = invitation_token(invitation)
    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 7 * 86400 + 1)
    response = client.get(f"/invitations/accept/{token}")
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


def test_a_withdrawn_invitation_cannot_be_accepted(client, db, login_as, make_organisation, make_user, outbox):
    organisation = make_organisation()
    login_as(make_user("leader", organisation))
    client.post(f"/organisations/{organisation.id}/invitations", data={"emails": "gone@example.org"})
    invitation = db.session.scalar(select(Invitation))
    client.post(f"/invitations/{invitation.id}/revoke")
    client.post("/sign-out")
    response = client.get(_link(outbox()[0]))
    assert response.status_code == 400 and "withdrawn" in response.get_data(as_text=True)


def test_an_existing_account_accepts_after_signing_in(client, db, login_as, make_organisation, make_user, outbox):
    organisation = make_organisation()
    login_as(make_user("leader", organisation))
    existing = make_user("trainee", email="known@example.org")
    client.post(f"/organisations/{organisation.id}/invitations", data={"emails": "known@example.org"})
    link = _link(outbox()[0])
    client.post("/sign-out")
    assert "/sign-in" in client.get(link).headers["Location"]
    login_as(existing)
    assert client.post(link).status_code == 302
    db.session.refresh(existing)
    assert existing.organisation_id == organisation.id


def test_a_member_of_another_project_cannot_join_by_invitation(client, db, login_as, make_organisation,
                                                               make_user, outbox):
    home, other = make_organisation(), make_organisation()
    member = make_user("trainee", other, email="taken@example.org")
    login_as(make_user("leader", home))
    client.post(f"/organisations/{home.id}/invitations", data={"emails": "taken@example.org"})
    link = _link(outbox()[0])
    login_as(member)
    assert client.post(link).status_code == 409
    db.session.refresh(member)
    assert member.organisation_id == other.id


def test_organisation_page_lists_members_and_open_invitations(client, db, login_as, make_organisation, make_user):
    organisation = make_organisation()
    login_as(make_user("leader", organisation))
    member = make_user("trainee", organisation, name="Visible Member")
    db.session.add(Invitation(organisation_id=organisation.id, email="waiting@example.org"))
    db.session.commit()
    page = client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert member.display_name in page and "waiting@example.org" in page


def test_admin_user_list_is_paginated_and_searchable(client, login_as, make_user):
    login_as(make_user("admin", name="Admin Person"))
    for number in range(30):
        make_user("trainee", name=f"Learner {number:02d}")
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Learner 00" in first and "Learner 29" not in first
    assert 'href="/admin/users?page=2' in first
    found = client.get("/admin/users?q=learner 29").get_data(as_text=True)
    assert "Learner 29" in found and "Learner 00" not in found


def test_admin_changes_roles_and_deactivates_an_account(client, db, login_as, make_organisation, make_user):
    from tests.conftest import TEST_PASSWORD

    admin = login_as(make_user("admin"))
    trainee = make_user("trainee", make_organisation())
    response = client.post(f"/admin/users/{trainee.id}", data={"is_trainee": "y", "is_leader": "y", "is_mentor": "y"})
    assert response.status_code == 302
    db.session.refresh(trainee)
    assert trainee.is_leader and trainee.is_mentor and not trainee.is_active_account
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.update_roles"))
    assert entry.detail == {"is_mentor": True, "is_leader": True}
    assert (entry.actor_id, entry.subject_id) == (admin.id, trainee.id)
    client.post("/sign-out")
    refused = client.post("/sign-in", data={"email": trainee.email, "password": TEST_PASSWORD})
    assert "not right" in refused.get_data(as_text=True)
    assert admin.is_admin


def test_admin_cannot_lock_themself_out(client, db, login_as, make_user):
    admin = login_as(make_user("admin"))
    response = client.post(f"/admin/users/{admin.id}", data={"is_trainee": "y"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "cannot remove your own administrator role" in page and "cannot deactivate your own account" in page
    db.session.refresh(admin)
    assert admin.is_admin and admin.is_active_account


def test_only_project_members_can_be_made_leaders(client, db, login_as, make_user):
    login_as(make_user("admin"))
    mentor = make_user("mentor")
    response = client.post(f"/admin/users/{mentor.id}", data={"is_mentor": "y", "is_leader": "y",
                                                             "is_active_account": "y"})
    assert "Only a member of a project can lead it." in response.get_data(as_text=True)
