"""Invitations with a role: who may invite to what, what the e-mail and the acceptance page say, what accepting gives."""
import re

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts import operations as ops
from accounts.models import Invitation, InvitationRole, Organisation, OrganisationState, User
from core.audit import AuditEntry
from tests.conftest import TEST_PASSWORD


def _link(message) -> str:
    return re.search(r"http://localhost(/\S+)", message.get_content()).group(1)


def _accept_as_newcomer(client, link, name="New Person"):
    client.post("/sign-out")
    return client.post(link, data={"display_name": name, "password": "a long enough password",
                                   "confirm": "a long enough password"})


def test_who_may_invite_to_which_role(db, make_organisation, make_user):
    home, other = make_organisation(), make_organisation()
    leader, admin = make_user("leader", home), make_user("admin")
    assert Invitation.roles_for(leader, home) == [InvitationRole.TRAINEE, InvitationRole.LEADER]
    assert Invitation.roles_for(leader, other) == []
    assert Invitation.roles_for(leader, None) == []
    assert Invitation.roles_for(admin, other) == [InvitationRole.TRAINEE, InvitationRole.LEADER]
    assert Invitation.roles_for(admin, None) == [InvitationRole.MENTOR]
    for someone in (make_user("trainee", home), make_user("mentor")):
        assert Invitation.roles_for(someone, home) == [] and Invitation.roles_for(someone, None) == []
    assert User.can_invite_mentors(admin) and not User.can_invite_mentors(leader)
    assert Organisation.can_create(admin) and not Organisation.can_create(leader)
    mentor_invitation = Invitation(email="m@example.org", role=InvitationRole.MENTOR)
    assert mentor_invitation.can_revoke(admin) and not mentor_invitation.can_revoke(leader)


def test_accepting_gives_exactly_the_invitations_role(app, db, make_organisation, make_user):
    home = make_organisation()
    leader, admin = make_user("leader", home), make_user("admin")
    with app.test_request_context():
        ops.invite(home, ["t@example.org"], InvitationRole.TRAINEE, leader)
        ops.invite(home, ["l@example.org"], InvitationRole.LEADER, leader)
        ops.invite(None, ["m@example.org"], InvitationRole.MENTOR, admin)
    made = {}
    for invitation in db.session.scalars(select(Invitation)):
        made[invitation.email] = ops.accept_invitation(invitation, None, "Someone", "a long enough password")
    roles = {email: (user.is_trainee, user.is_leader, user.is_mentor, user.organisation_id)
             for email, user in made.items()}
    assert roles == {"t@example.org": (True, False, False, home.id), "l@example.org": (False, True, False, home.id),
                     "m@example.org": (False, False, True, None)}


def test_a_leader_invites_a_co_leader_who_leads_after_accepting(client, db, login_as, make_organisation, make_user,
                                                                 outbox):
    organisation = make_organisation()
    leader = login_as(make_user("leader", organisation))
    page = client.get(f"/organisations/{organisation.id}").text
    assert '<option selected value="TRAINEE">Trainee</option>' in page and ">Co-leader</option>" in page
    client.post(f"/organisations/{organisation.id}/invitations", data={"emails": "co@example.org", "role": "LEADER"})
    [message] = outbox("co@example.org")
    assert message["Subject"] == f"Join {organisation.name} on Casework Academy as a project leader"
    body = message.get_content()
    assert f"{leader.display_name} has invited you to join {organisation.name}" in body
    assert "As a project leader you run the project here" in body
    assert "co@example.org (co-leader)" in client.get(f"/organisations/{organisation.id}").text
    link = _link(message)
    client.post("/sign-out")
    page = client.get(link).text
    assert "Join" in page and "as a project leader" in page and "What a project leader does" in page
    assert _accept_as_newcomer(client, link).status_code == 302
    co_leader = User.find_by_email("co@example.org")
    assert co_leader.is_leader and not co_leader.is_trainee and co_leader.organisation_id == organisation.id
    login_as(co_leader)
    assert client.get(f"/organisations/{organisation.id}").status_code == 200


def test_a_leader_cannot_invite_a_mentor_or_to_another_project(client, db, login_as, make_organisation, make_user,
                                                               outbox):
    home, other = make_organisation(), make_organisation()
    login_as(make_user("leader", home))
    response = client.post(f"/organisations/{home.id}/invitations", data={"emails": "m@example.org", "role": "MENTOR"})
    assert response.status_code == 400 and "Not a valid choice" not in response.text
    assert 'id="role-error"' in response.text
    assert client.post(f"/organisations/{other.id}/invitations", data={"emails": "x@example.org"}).status_code == 403
    assert client.get("/admin/mentors/invite").status_code == 403
    assert client.post("/admin/mentors/invite", data={"emails": "m@example.org"}).status_code == 403
    assert outbox() == [] and db.session.scalar(select(Invitation)) is None


def test_an_admin_invites_a_mentor_by_e_mail_who_becomes_a_mentor_not_a_trainee(client, db, login_as, make_user,
                                                                                outbox):
    admin = login_as(make_user("admin", name="Ada Admin"))
    page = client.get("/admin/mentors/invite").text
    assert "As a mentor you publish the hours you are free" in page
    bad = client.post("/admin/mentors/invite", data={"emails": "not an address"})
    assert bad.status_code == 400 and "These are not e-mail addresses" in bad.text
    assert client.post("/admin/mentors/invite", data={"emails": "Dr.Mentor@Example.org"}).status_code == 302
    [message] = outbox("dr.mentor@example.org")
    assert message["Subject"] == "Join Casework Academy as a mentor"
    assert "Ada Admin has invited you to Casework Academy" in message.get_content()
    assert "As a mentor you publish" in message.get_content()
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.role, invitation.organisation_id, invitation.invited_by_id) == (InvitationRole.MENTOR, None,
                                                                                      admin.id)
    assert "dr.mentor@example.org (mentor)" in client.get("/admin/mentors/invite").text
    # Inviting again refreshes the one invitation: the first link stops working.
    first = _link(message)
    client.post("/admin/mentors/invite", data={"emails": "dr.mentor@example.org"})
    assert db.session.scalar(select(db.func.count(Invitation.id))) == 1
    link = _link(outbox("dr.mentor@example.org")[-1])
    client.post("/sign-out")
    assert client.get(first).status_code == 400
    page = client.get(link).text
    assert "Join Casework Academy as a mentor" in page and "What a mentor does" in page
    response = _accept_as_newcomer(client, link, "Dr Mentor")
    assert response.status_code == 302
    mentor = User.find_by_email("dr.mentor@example.org")
    assert mentor.is_mentor and not mentor.is_trainee and not mentor.is_leader and mentor.organisation_id is None
    assert "You are now a mentor" in client.get("/dashboard").text
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "invitation.accept"))
    assert entry.detail["role"] == "MENTOR"


def test_an_existing_account_accepts_a_mentor_invitation_and_keeps_its_project(client, db, login_as,
                                                                                make_organisation, make_user, outbox):
    project = make_organisation()
    leader = make_user("leader", project, email="lead@example.org")
    login_as(make_user("admin"))
    client.post("/admin/mentors/invite", data={"emails": "lead@example.org"})
    link = _link(outbox("lead@example.org")[0])
    client.post("/sign-out")
    assert "/sign-in" in client.get(link).headers["Location"]
    login_as(leader)
    assert "accepting adds the role to your account" in client.get(link).text
    assert client.post(link).status_code == 302
    db.session.refresh(leader)
    assert leader.is_mentor and leader.is_leader and leader.organisation_id == project.id
    # Someone who already is a mentor is not invited again.
    login_as(make_user("admin"))
    client.post("/admin/mentors/invite", data={"emails": "lead@example.org"})
    assert len(outbox("lead@example.org")) == 1


def test_an_admin_sets_up_a_project_and_invites_its_leader(client, db, login_as, make_organisation, make_user,
                                                           outbox):
    taken = make_organisation()
    login_as(make_user("admin"))
    form = {"organisation_name": "Eastgate Innocence Project", "institution": "Eastgate University",
            "nation": "SCOTLAND", "leader_emails": "lead@eastgate.example.org"}
    refused = client.post("/admin/projects/new", data=form | {"organisation_name": taken.name.upper()})
    assert refused.status_code == 200 and "registered already" in refused.text
    assert client.post("/admin/projects/new", data=form | {"leader_emails": "x"}).status_code == 200
    response = client.post("/admin/projects/new", data=form)
    project = db.session.scalar(select(Organisation).where(Organisation.name == "Eastgate Innocence Project"))
    assert response.headers["Location"] == f"/organisations/{project.id}"
    assert project.state is OrganisationState.APPROVED and project.decided_at is not None
    [message] = outbox("lead@eastgate.example.org")
    assert "As a project leader" in message.get_content()
    assert _accept_as_newcomer(client, _link(message), "Lee Leader").status_code == 302
    lead = User.find_by_email("lead@eastgate.example.org")
    assert lead.is_leader and lead.organisation_id == project.id and not lead.is_trainee


def test_the_project_a_member_belongs_to_still_blocks_joining_another(client, db, login_as, make_organisation,
                                                                      make_user, outbox):
    home, other = make_organisation(), make_organisation()
    member = make_user("trainee", other, email="taken@example.org")
    login_as(make_user("leader", home))
    client.post(f"/organisations/{home.id}/invitations", data={"emails": "taken@example.org", "role": "LEADER"})
    login_as(member)
    assert client.post(_link(outbox()[0])).status_code == 409
    db.session.refresh(member)
    assert member.organisation_id == other.id and not member.is_leader


def test_a_withdrawn_mentor_invitation_returns_to_the_mentor_page(client, db, login_as, make_user, outbox):
    login_as(make_user("admin"))
    client.post("/admin/mentors/invite", data={"emails": "gone@example.org"})
    invitation = db.session.scalar(select(Invitation))
    response = client.post(f"/invitations/{invitation.id}/revoke")
    assert response.headers["Location"] == "/admin/mentors/invite"
    client.post("/sign-out")
    assert "Ask whoever invited you" in client.get(_link(outbox()[0])).text


def test_one_mentor_invitation_per_address_even_when_two_requests_race(db, make_user):
    admin = make_user("admin")
    db.session.add(Invitation(email="race@example.org", role=InvitationRole.MENTOR, invited_by_id=admin.id))
    db.session.commit()
    db.session.add(Invitation(email="race@example.org", role=InvitationRole.MENTOR, invited_by_id=admin.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_the_mentor_signs_in_with_the_password_they_chose(client, db, login_as, make_user, outbox):
    login_as(make_user("admin"))
    client.post("/admin/mentors/invite", data={"emails": "pw@example.org"})
    _accept_as_newcomer(client, _link(outbox("pw@example.org")[0]))
    client.post("/sign-out")
    assert client.post("/sign-in", data={"email": "pw@example.org", "password": TEST_PASSWORD}).status_code == 200
    assert client.post("/sign-in", data={"email": "pw@example.org",
                                         "password": "a long enough password"}).status_code == 302
