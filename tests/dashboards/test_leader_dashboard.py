"""The leader's part of the dashboard: the project's counts and its members' enrolments on runs not yet ended.

The enrolments table is the same for every leader of a project and is kept in the cache (dashboards.sections), so
each test here shows that a change is on the very next view, on each cache backend."""
from datetime import timedelta

from accounts.models import Invitation
from core.db import utcnow
from core.extensions import db
from courses.models import EnrolmentState
from dashboards import sections


def _team_rows(page: str) -> str:
    return page.split("Team enrolments", 1)[1].split("</table>", 1)[0]


def _project(make_organisation, make_user, make_run, enrol):
    organisation = make_organisation(name="Northern Innocence Project")
    leader = make_user("leader", organisation=organisation, name="Lena Leader")
    member = make_user("trainee", organisation=organisation, name="Tom Trainee")
    run = make_run(course_slug="two-week-programme", starts_in=-timedelta(days=2))
    return leader, member, run


def test_a_new_enrolment_a_withdrawal_and_a_new_name_show_at_once(client, login_as, make_organisation, make_user,
                                                                     make_run, enrol, cache_backend):
    leader, member, run = _project(make_organisation, make_user, make_run, enrol)
    login_as(leader)
    assert "Nobody from your project is enrolled yet" in _team_rows(client.get("/dashboard").text)
    enrolment = enrol(run, member)
    rows = _team_rows(client.get("/dashboard").text)
    assert "Tom Trainee" in rows and run.name in rows and "Enrolled" in rows
    member.display_name = "Thomas Trainee"
    db.session.commit()
    assert "Thomas Trainee" in _team_rows(client.get("/dashboard").text)
    enrolment.state = EnrolmentState.WITHDRAWN
    db.session.commit()
    assert "Thomas Trainee" not in _team_rows(client.get("/dashboard").text)


def test_a_run_leaves_the_table_when_it_ends(client, login_as, make_organisation, make_user, make_run, enrol,
                                             monkeypatch, cache_backend):
    leader, member, run = _project(make_organisation, make_user, make_run, enrol)
    enrol(run, member)
    login_as(leader)
    assert "Tom Trainee" in _team_rows(client.get("/dashboard").text)
    ended = run.ends_at + timedelta(seconds=1)
    monkeypatch.setattr(sections, "utcnow", lambda: ended)
    assert "Tom Trainee" not in _team_rows(client.get("/dashboard").text)


def test_a_run_moved_to_end_earlier_leaves_the_table(client, login_as, make_organisation, make_user, make_run, enrol,
                                                     cache_backend):
    leader, member, run = _project(make_organisation, make_user, make_run, enrol)
    enrol(run, member)
    login_as(leader)
    assert "Tom Trainee" in _team_rows(client.get("/dashboard").text)
    run.ends_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert "Tom Trainee" not in _team_rows(client.get("/dashboard").text)


def test_each_project_sees_only_its_own_members(client, login_as, make_organisation, make_user, make_run, enrol,
                                               cache_backend):
    leader, member, run = _project(make_organisation, make_user, make_run, enrol)
    enrol(run, member)
    other = make_organisation(name="Southern Project")
    other_leader = make_user("leader", organisation=other)
    enrol(run, make_user("trainee", organisation=other, name="Sam Southern"))
    for person, shown, hidden in ((leader, "Tom Trainee", "Sam Southern"), (other_leader, "Sam Southern", "Tom Trainee"),
                                  (leader, "Tom Trainee", "Sam Southern")):
        login_as(person)
        rows = _team_rows(client.get("/dashboard").text)
        assert shown in rows and hidden not in rows


def test_the_counts_follow_invitations_and_members(client, login_as, make_organisation, make_user, make_run, enrol):
    leader, member, run = _project(make_organisation, make_user, make_run, enrol)
    login_as(leader)
    assert "2 members · 0 invitations waiting" in client.get("/dashboard").text
    db.session.add(Invitation(organisation_id=leader.organisation_id, email="new@example.org", invited_by_id=leader.id))
    db.session.commit()
    make_user("trainee", organisation=leader.organisation)
    assert "3 members · 1 invitation waiting" in client.get("/dashboard").text
