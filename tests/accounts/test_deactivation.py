"""Deactivation: leaders close their own trainees' accounts, administrators anyone's; sessions end, records stay."""
from datetime import timedelta

from sqlalchemy import select

from accounts import operations as ops
from accounts.models import UserSession
from accounts.sessions import new_session
from core.audit import AuditEntry
from mentoring.models import Booking, BookingState
from tests.conftest import TEST_PASSWORD
from tests.mentoring.helpers import first_free, open_every_day


def _open_sessions(db, user):
    return db.session.scalar(select(db.func.count(UserSession.id)).where(UserSession.user_id == user.id,
                                                                          UserSession.ended_at.is_(None)))


# -- the rules, without HTTP ----------------------------------------------------------

def test_who_may_deactivate_whom(make_user, make_organisation):
    home, other = make_organisation(), make_organisation()
    leader, co_leader = make_user("leader", home), make_user("leader", home)
    trainee, stranger = make_user("trainee", home), make_user("trainee", other)
    mentor_member = make_user("mentor", home)
    admin, other_admin = make_user("admin"), make_user("admin")
    assert trainee.can_deactivate(leader) and trainee.can_deactivate(admin)
    assert not stranger.can_deactivate(leader), "only their own project's members"
    assert not co_leader.can_deactivate(leader) and co_leader.can_deactivate(admin)
    assert not mentor_member.can_deactivate(leader)
    assert not trainee.can_deactivate(trainee) and not leader.can_deactivate(leader)
    assert not admin.can_deactivate(admin) and admin.can_deactivate(other_admin)
    assert not trainee.can_deactivate(mentor_member)


def test_deactivating_ends_every_session_keeps_the_records_and_is_audited(db, make_user, make_organisation,
                                                                          make_run, enrol, finish_module):
    home = make_organisation()
    leader, trainee = make_user("leader", home), make_user("trainee", home)
    enrolment = enrol(make_run(), trainee)
    finish_module(trainee)
    new_session(trainee), new_session(trainee)
    db.session.commit()
    ops.deactivate(trainee, leader)
    db.session.commit()
    assert not trainee.is_active and trainee.deactivated_at is not None
    assert _open_sessions(db, trainee) == 0
    assert db.session.get(type(enrolment), enrolment.id) is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "account.deactivate"))
    assert (entry.actor_id, entry.subject_id, entry.detail) == (leader.id, trainee.id, {"sessions_ended": 2})
    # Twice changes nothing more.
    ops.deactivate(trainee, leader)
    assert db.session.scalar(select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "account.deactivate")) == 1
    assert not trainee.can_deactivate(leader)


def test_future_sessions_are_cancelled_and_past_ones_kept(db, make_user, make_organisation, outbox):
    mentor, trainee = make_user("mentor"), make_user("trainee", make_organisation())
    profile = open_every_day(mentor)
    upcoming = Booking(mentor_id=mentor.id, learner_id=trainee.id, topic="Next week")
    from mentoring import bookings

    bookings.set_times(upcoming, first_free(profile, trainee), timedelta(hours=1), profile.buffer_minutes)
    past = Booking(mentor_id=mentor.id, learner_id=trainee.id, topic="Last month")
    bookings.set_times(past, upcoming.starts_at - timedelta(days=40), timedelta(hours=1), profile.buffer_minutes)
    db.session.add_all([upcoming, past])
    db.session.commit()
    admin = make_user("admin")
    ops.deactivate(trainee, admin)
    db.session.commit()
    assert upcoming.state is BookingState.CANCELLED and upcoming.cancel_reason == "The account was deactivated."
    assert past.state is BookingState.CONFIRMED
    assert any("cancelled" in message["Subject"].lower() for message in outbox(mentor.email))


def test_reactivating_opens_the_account_again(db, make_user):
    admin, trainee = make_user("admin"), make_user("trainee")
    ops.deactivate(trainee, admin)
    ops.reactivate(trainee, admin)
    db.session.commit()
    assert trainee.is_active and trainee.deactivated_at is None
    assert [e.action for e in db.session.scalars(select(AuditEntry).where(AuditEntry.subject_id == trainee.id)
                                                 .order_by(AuditEntry.id))] == ["account.deactivate",
                                                                                "account.reactivate"]


# -- through HTTP ----------------------------------------------------------------------

def test_a_leader_deactivates_a_member_who_is_signed_out_at_once(app, client, db, login_as, make_user,
                                                                 make_organisation):
    home = make_organisation()
    leader, trainee = make_user("leader", home, name="Lee Leader"), make_user("trainee", home, name="Tam Leaving")
    their_device = app.test_client()
    their_device.post("/sign-in", data={"email": trainee.email, "password": TEST_PASSWORD})
    assert their_device.get("/dashboard").status_code == 200

    login_as(leader)
    page = client.get(f"/organisations/{home.id}").get_data(as_text=True)
    assert f"/organisations/{home.id}/members/{trainee.id}/deactivate" in page
    assert f"/members/{leader.id}/deactivate" not in page
    confirm = client.get(f"/organisations/{home.id}/members/{trainee.id}/deactivate")
    assert confirm.status_code == 200 and "signed out on every device" in confirm.get_data(as_text=True)
    response = client.post(f"/organisations/{home.id}/members/{trainee.id}/deactivate")
    assert response.status_code == 302
    assert their_device.get("/dashboard").status_code == 302, "their open session ended"
    refused = their_device.post("/sign-in", data={"email": trainee.email, "password": TEST_PASSWORD})
    assert refused.status_code == 200 and "not right" in refused.get_data(as_text=True)
    page = client.get(f"/organisations/{home.id}").get_data(as_text=True)
    assert "Deactivated" in page and "Tam Leaving" in page
    # A second press finds nothing to do.
    assert client.post(f"/organisations/{home.id}/members/{trainee.id}/deactivate").status_code == 403


def test_a_member_is_reached_only_through_their_own_project(client, db, login_as, make_user, make_organisation):
    home, other = make_organisation(), make_organisation()
    leader = login_as(make_user("leader", home))
    stranger = make_user("trainee", other)
    assert client.get(f"/organisations/{home.id}/members/{stranger.id}/deactivate").status_code == 404
    assert client.get(f"/organisations/{other.id}/members/{stranger.id}/deactivate").status_code == 403
    assert client.post(f"/organisations/{home.id}/members/{leader.id}/deactivate").status_code == 403


def test_an_administrator_deactivates_and_reactivates_from_the_account_page(client, db, login_as, make_user,
                                                                            make_organisation):
    admin = login_as(make_user("admin"))
    trainee = make_user("trainee", make_organisation())
    client.post(f"/admin/users/{trainee.id}", data={"is_trainee": "y"})
    db.session.refresh(trainee)
    assert not trainee.is_active and trainee.deactivated_at is not None
    assert "Deactivated on" in client.get(f"/admin/users/{trainee.id}").get_data(as_text=True)
    client.post(f"/admin/users/{trainee.id}", data={"is_trainee": "y", "is_active_account": "y"})
    db.session.refresh(trainee)
    assert trainee.is_active and trainee.deactivated_at is None
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.subject_id == trainee.id,
                                                                 AuditEntry.actor_id == admin.id)).all()
    assert "account.deactivate" in actions and "account.reactivate" in actions
