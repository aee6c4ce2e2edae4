from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from accounts.models import NotificationSettings, OrganisationState
from accounts.notifications import save_settings
from courses.models import Enrolment, EnrolmentState


def _state(db, run, user):
    return db.session.scalar(select(Enrolment.state).where(Enrolment.run_id == run.id, Enrolment.user_id == user.id))


def test_trainee_enrols_and_is_e_mailed(client, db, login_as, make_organisation, make_user, make_run, outbox):
    trainee = login_as(make_user("trainee", make_organisation()))
    run = make_run()
    response = client.post(f"/runs/{run.id}/enrol", follow_redirects=True)
    assert "You are enrolled" in response.get_data(as_text=True)
    assert _state(db, run, trainee) is EnrolmentState.ENROLLED
    assert outbox(trainee.email)[0]["Subject"].startswith("You are enrolled: Appeals workshop")


def test_a_double_submit_creates_one_enrolment(client, db, login_as, make_user, make_run, outbox):
    login_as(make_user("trainee"))
    run = make_run()
    client.post(f"/runs/{run.id}/enrol")
    client.post(f"/runs/{run.id}/enrol")
    assert db.session.scalar(select(func.count(Enrolment.id))) == 1
    assert len(outbox()) == 1


def test_a_full_run_offers_the_waitlist_and_a_freed_seat_goes_to_the_first_waiting(
        client, db, login_as, make_user, make_run, enrol, outbox):
    run = make_run(capacity=1)
    seated = make_user("trainee")
    seat = enrol(run, seated)
    first, second = make_user("trainee"), make_user("trainee")
    for person in (first, second):
        login_as(person)
        page = client.get(f"/runs/{run.id}").get_data(as_text=True)
        assert "Join the waitlist" in page
        client.post(f"/runs/{run.id}/enrol")
    assert _state(db, run, first) is EnrolmentState.WAITLISTED
    assert _state(db, run, second) is EnrolmentState.WAITLISTED
    login_as(seated)
    client.post(f"/enrolments/{seat.id}/withdraw")
    assert _state(db, run, seated) is EnrolmentState.WITHDRAWN
    assert _state(db, run, first) is EnrolmentState.ENROLLED
    assert _state(db, run, second) is EnrolmentState.WAITLISTED
    assert outbox(first.email)[-1]["Subject"].startswith("A seat is yours")


def test_enrolment_outside_the_window_is_refused(client, db, login_as, make_user, make_run):
    login_as(make_user("trainee"))
    not_open = make_run(opened_ago=timedelta(days=-1))
    closed = make_run(closes_before_start=timedelta(days=20))
    for run in (not_open, closed):
        assert client.post(f"/runs/{run.id}/enrol").status_code == 403
    assert db.session.scalar(select(func.count(Enrolment.id))) == 0


def test_members_of_an_unapproved_organisation_cannot_enrol(client, login_as, make_organisation, make_user, make_run):
    login_as(make_user("trainee", make_organisation(state=OrganisationState.PENDING)))
    assert client.post(f"/runs/{make_run().id}/enrol").status_code == 403


def test_withdrawing_after_the_start_is_refused(client, db, login_as, make_user, make_run, enrol):
    trainee = login_as(make_user("trainee"))
    run = make_run(starts_in=timedelta(days=-1), course_slug="two-week-programme")
    enrolment = enrol(run, trainee)
    assert client.post(f"/enrolments/{enrolment.id}/withdraw").status_code == 403
    assert _state(db, run, trainee) is EnrolmentState.ENROLLED


def test_leader_enrols_several_members_and_the_overflow_waits(client, db, login_as, make_organisation, make_user,
                                                              make_run):
    organisation = make_organisation()
    login_as(make_user("leader", organisation))
    members = [make_user("trainee", organisation, name=f"Member {n}") for n in range(3)]
    outsider = make_user("trainee", make_organisation())
    run = make_run(capacity=2)
    page = client.get(f"/runs/{run.id}/enrol-members").get_data(as_text=True)
    assert "Member 0" in page and outsider.display_name not in page
    response = client.post(f"/runs/{run.id}/enrol-members",
                           data={"member_ids": [m.id for m in members] + [outsider.id]})
    assert response.status_code == 200 and "not a valid choice" in response.get_data(as_text=True)
    client.post(f"/runs/{run.id}/enrol-members", data={"member_ids": [m.id for m in members]})
    states = [_state(db, run, m) for m in members]
    assert states.count(EnrolmentState.ENROLLED) == 2 and states.count(EnrolmentState.WAITLISTED) == 1
    assert _state(db, run, outsider) is None


def test_leader_of_an_unapproved_organisation_cannot_enrol_members(client, login_as, make_organisation,
                                                                   make_user, make_run):
    organisation = make_organisation(state=OrganisationState.PENDING)
    login_as(make_user("leader", organisation))
    assert client.get(f"/runs/{make_run().id}/enrol-members").status_code == 403


def test_leader_withdraws_a_member_but_not_someone_from_another_project(client, db, login_as, make_organisation,
                                                                        make_user, make_run, enrol):
    organisation = make_organisation()
    login_as(make_user("leader", organisation))
    run = make_run()
    mine = enrol(run, make_user("trainee", organisation))
    theirs = enrol(run, make_user("trainee", make_organisation()))
    assert client.post(f"/enrolments/{theirs.id}/withdraw").status_code == 403
    assert client.post(f"/enrolments/{mine.id}/withdraw").status_code == 302
    db.session.refresh(mine)
    assert mine.state is EnrolmentState.WITHDRAWN


def test_raising_capacity_promotes_waiting_people(client, db, login_as, make_user, make_run, enrol):
    run = make_run(capacity=1)
    enrol(run, make_user("trainee"))
    waiting = enrol(run, make_user("trainee"), EnrolmentState.WAITLISTED)
    login_as(make_user("admin"))
    form = client.get(f"/admin/runs/{run.id}/edit").get_data(as_text=True)
    assert 'value="1"' in form
    local = run.starts_at.astimezone(run.zone)
    response = client.post(f"/admin/runs/{run.id}/edit", data={
        # Fixed clock times: the run's own start plus three hours would cross midnight in the evening.
        "course_id": run.course_id, "start_date": local.date().isoformat(), "session_start": "10:00",
        "session_end": "13:00", "timezone": "Europe/London",
        "venue": "Room 1", "enrol_opens": (local.date() - timedelta(days=10)).isoformat(),
        "enrol_closes": local.date().isoformat(), "capacity": 2})
    assert response.status_code == 302
    db.session.refresh(waiting)
    assert waiting.state is EnrolmentState.ENROLLED


def test_admin_creates_a_workshop_run_in_london_time(client, db, login_as, make_user, curriculum):
    from courses.models import Course, Run

    mentor = make_user("mentor")
    login_as(make_user("admin"))
    course = db.session.scalar(select(Course).where(Course.slug == "appeals-workshop"))
    data = {"course_id": course.id, "start_date": "2027-07-01", "session_start": "09:30", "session_end": "13:00",
            "timezone": "Europe/London", "venue": "", "video_link": "", "enrol_opens": "2027-05-01",
            "enrol_closes": "2027-06-30", "capacity": 20, "mentor_ids": [mentor.id]}
    refused = client.post("/admin/runs/new", data=data | {"session_end": "09:00"})
    page = refused.get_data(as_text=True)
    assert "The session must end after it starts." in page
    assert "Give a venue or a video link" in page
    assert db.session.scalar(select(func.count(Run.id))) == 0
    assert client.post("/admin/runs/new", data=data | {"venue": "Moot court"}).status_code == 302
    run = db.session.scalar(select(Run))
    # 09:30 British Summer Time is 08:30 UTC.
    assert run.starts_at.isoformat() == "2027-07-01T08:30:00+00:00"
    assert [m.id for m in run.mentors] == [mentor.id]


@pytest.mark.parametrize("capacity, applicants", [(5, 20)])
def test_capacity_holds_under_concurrent_enrolments(db, live_server, http_session_for, make_user, make_run,
                                                    capacity, applicants):
    run = make_run(capacity=capacity)
    sessions = [http_session_for(make_user("trainee")) for _ in range(applicants)]
    db.session.commit()

    def enrol(session):
        return session.post(f"{live_server}/runs/{run.id}/enrol", allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=applicants) as pool:
        statuses = list(pool.map(enrol, sessions))
    assert statuses == [302] * applicants
    counts = dict(db.session.execute(select(Enrolment.state, func.count(Enrolment.id)).group_by(Enrolment.state)).all())
    assert counts == {EnrolmentState.ENROLLED: capacity, EnrolmentState.WAITLISTED: applicants - capacity}


def test_mentor_relationships_follow_seats_in_the_mentors_runs(db, make_user, make_run, enrol):
    from courses.access import is_mentor_of, learners_overseen_by, mentor_ids_of

    mentor, other_mentor = make_user("mentor"), make_user("mentor")
    seated, waiting, withdrawn, elsewhere = (make_user("trainee") for _ in range(4))
    run = make_run(mentors=[mentor])
    other_run = make_run(mentors=[other_mentor])
    enrol(run, seated)
    enrol(run, waiting, EnrolmentState.WAITLISTED)
    enrol(run, withdrawn, EnrolmentState.WITHDRAWN)
    enrol(other_run, elsewhere)
    assert is_mentor_of(mentor.id, seated.id)
    assert not is_mentor_of(mentor.id, waiting.id)
    assert not is_mentor_of(mentor.id, withdrawn.id)
    assert not is_mentor_of(mentor.id, elsewhere.id)
    assert mentor_ids_of(seated.id) == {mentor.id}
    assert mentor_ids_of(elsewhere.id) == {other_mentor.id}
    assert set(db.session.scalars(learners_overseen_by(mentor.id))) == {seated.id}


def test_the_enrol_members_list_shows_roles_and_other_enrolments_in_a_fixed_number_of_statements(
        client, db, login_as, make_organisation, make_user, make_run, enrol, count_queries):
    organisation = make_organisation()
    login_as(make_user("leader", organisation, name="Lena Leader"))
    run, other_run = make_run(), make_run(course_slug="two-week-programme")
    run_id = run.id

    def statements_for(members: int) -> int:
        for _ in range(members):
            member = make_user("trainee", organisation)
            enrol(other_run, member)
        db.session.commit()
        other_run_name = other_run.name
        with count_queries() as queries:
            page = client.get(f"/runs/{run_id}/enrol-members").get_data(as_text=True)
        assert other_run_name in page and "Trainee" in page
        return len(queries)

    small = statements_for(2)
    large = statements_for(20)
    assert small == large
    already = make_user("trainee", organisation, name="Already Here")
    enrol(run, already)
    page = client.get(f"/runs/{run.id}/enrol-members").get_data(as_text=True)
    assert "enrolled here" in page and f'value="{already.id}"' not in page


def test_a_trainee_who_turned_run_mail_off_is_enrolled_without_an_e_mail(client, db, login_as, make_organisation,
                                                                         make_user, make_run, outbox):
    trainee = login_as(make_user("trainee", make_organisation()))
    save_settings(trainee, {**NotificationSettings.DEFAULTS, "email_run_changes": False})
    db.session.commit()
    run = make_run()
    assert client.post(f"/runs/{run.id}/enrol").status_code == 302
    assert _state(db, run, trainee) is EnrolmentState.ENROLLED
    assert outbox(trainee.email) == []
