"""Choosing sessions in parallel streams: the rules as plain functions, the page, e-mail with the person's own
programme as a calendar file, cancellation freeing places, bad input, and per-session capacity under concurrent
choices over real HTTP to a multi-worker server on PostgreSQL."""
import csv
import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from core.extensions import db as _db
from events.choices import choice_groups, choice_problem, own_programme
from events.models import EventSession, SessionChoice, SessionChoiceState, SessionKind
from events.personal_data import personal_data
from tests.conftest import form_token, signed_in_at
from tests.events.helpers import new_event, new_registration, new_session, utc


def _session(id, start, end, capacity=10, kind=SessionKind.WORKSHOP):
    return EventSession(id=id, title=f"S{id}", kind=kind, starts_at=utc(2030, 5, 1, *start),
                        ends_at=utc(2030, 5, 1, *end), choice_capacity=capacity)


def test_sessions_that_overlap_directly_or_through_another_are_one_choice():
    a, b, c = _session(1, (10, 0), (11, 0)), _session(2, (10, 30), (11, 30)), _session(3, (11, 15), (12, 0))
    later, plenary = _session(4, (14, 0), (15, 0)), _session(5, (10, 0), (11, 0), capacity=None)
    assert choice_groups([later, c, plenary, a, b]) == [[a, b, c], [later]]
    back_to_back = [_session(6, (9, 0), (10, 0)), _session(7, (10, 0), (11, 0))]
    assert [len(group) for group in choice_groups(back_to_back)] == [1, 1]


def test_a_choice_takes_at_most_one_session_of_each_group_and_only_sessions_to_choose():
    groups = choice_groups([_session(1, (10, 0), (11, 0)), _session(2, (10, 0), (11, 0)),
                            _session(3, (14, 0), (15, 0))])
    assert choice_problem(groups, set()) is None
    assert choice_problem(groups, {1, 3}) is None
    assert choice_problem(groups, {1, 2}) == "These sessions run at the same time, so choose one of them: S1, S2."
    assert "not a session to choose" in choice_problem(groups, {99})


def test_the_own_programme_is_the_plenary_sessions_and_the_chosen_ones_in_time_order():
    plenary = _session(1, (9, 30), (10, 0), capacity=None, kind=SessionKind.TALK)
    lunch = _session(2, (12, 0), (13, 0), capacity=None, kind=SessionKind.BREAK)
    first, second = _session(3, (10, 0), (11, 0)), _session(4, (10, 0), (11, 0))
    assert own_programme([second, lunch, first, plenary], {4}) == [plenary, second, lunch]
    assert own_programme([second, lunch, first, plenary], {4}, with_breaks=False) == [plenary, second]


@pytest.fixture
def conference(make_user):
    """An event with a plenary talk, two parallel workshops (two places and one) and a later workshop."""
    organiser = make_user("mentor")
    event = new_event(organiser=organiser)
    sessions = {
        "plenary": new_session(event, "Opening", start=time(9, 30), minutes=30),
        "interviews": new_session(event, "Interviewing witnesses", start=time(10), room="Room 1",
                                  kind=SessionKind.WORKSHOP, choice_capacity=2),
        "files": new_session(event, "Reading case files", start=time(10), room="Room 2", kind=SessionKind.WORKSHOP,
                             choice_capacity=1),
        "forensics": new_session(event, "Forensic reports", start=time(14), room="Room 1",
                                 kind=SessionKind.WORKSHOP, choice_capacity=5),
    }
    return event, organiser, sessions


def _chosen(registration):
    return set(_db.session.scalars(select(SessionChoice.session_id).where(
        SessionChoice.registration_id == registration.id, SessionChoice.state == SessionChoiceState.CHOSEN)))


def _programme_file(message):
    [part] = [p for p in message.iter_attachments() if p.get_filename() == "programme.ics"]
    calendar = Calendar.from_ical(part.get_content())
    assert calendar["method"] == "PUBLISH"
    return {str(item["summary"]).split(" (")[0]: str(item["status"]) for item in calendar.walk("VEVENT")}


def test_a_registered_person_chooses_sessions_and_is_e_mailed_their_programme(client, db, login_as, make_user,
                                                                              outbox, conference):
    event, _, sessions = conference
    trainee = login_as(make_user("trainee"))
    registration = new_registration(event, trainee)
    page = client.get(f"/event-registrations/{registration.id}/sessions")
    assert page.status_code == 200
    assert "2 of 2 places left" in page.text and "1 of 1 place left" in page.text
    interviews, files, forensics = sessions["interviews"], sessions["files"], sessions["forensics"]
    response = client.post(f"/event-registrations/{registration.id}/sessions",
                           data={f"group_{interviews.id}": interviews.id, f"group_{forensics.id}": forensics.id})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/event-registrations/{registration.id}/ticket")
    assert _chosen(registration) == {interviews.id, forensics.id}
    [message] = outbox(trainee.email)
    assert message["Subject"] == f"Your programme: {event.title}"
    assert _programme_file(message) == {"Opening": "CONFIRMED", "Interviewing witnesses": "CONFIRMED",
                                        "Forensic reports": "CONFIRMED"}
    ticket = client.get(f"/event-registrations/{registration.id}/ticket").text
    assert "Interviewing witnesses" in ticket and "Reading case files" not in ticket and "Opening" in ticket
    assert "1 of 2 places left" in client.get(f"/events/{event.id}").text

    # the same choice again changes nothing and sends nothing; a new one drops the old in the calendar file
    client.post(f"/event-registrations/{registration.id}/sessions",
                data={f"group_{interviews.id}": interviews.id, f"group_{forensics.id}": forensics.id})
    assert len(outbox(trainee.email)) == 1
    client.post(f"/event-registrations/{registration.id}/sessions",
                data={f"group_{interviews.id}": files.id, f"group_{forensics.id}": 0})
    assert _chosen(registration) == {files.id}
    assert _programme_file(outbox(trainee.email)[-1]) == {
        "Opening": "CONFIRMED", "Reading case files": "CONFIRMED", "Interviewing witnesses": "CANCELLED",
        "Forensic reports": "CANCELLED"}
    [exported] = personal_data(trainee)["event_registrations"]
    assert exported["sessions_chosen"] == ["Reading case files"]


def test_a_full_session_is_refused_and_a_cancelled_registration_frees_its_places(client, db, login_as, make_user,
                                                                                 outbox, conference):
    event, _, sessions = conference
    files = sessions["files"]
    first, second = make_user("trainee"), make_user("trainee")
    mine, theirs = new_registration(event, first), new_registration(event, second)
    login_as(first)
    client.post(f"/event-registrations/{mine.id}/sessions", data={f"group_{sessions['interviews'].id}": files.id})
    login_as(second)
    page = client.get(f"/event-registrations/{theirs.id}/sessions").text
    [radio] = re.findall(rf'<input[^>]*value="{files.id}"[^>]*>', page)
    assert "disabled" in radio and "Full" in page
    assert all("disabled" not in none for none in re.findall(r'<input[^>]*value="0"[^>]*>', page))
    response = client.post(f"/event-registrations/{theirs.id}/sessions",
                           data={f"group_{sessions['interviews'].id}": files.id}, follow_redirects=True)
    assert "Reading case files has just filled up. Choose another session at that time." in response.text
    assert _chosen(theirs) == set()

    login_as(first)
    assert client.post(f"/event-registrations/{mine.id}/cancel").status_code == 302
    assert _chosen(mine) == set()
    assert _programme_file(outbox(first.email)[-1]) == {"Opening": "CANCELLED", "Reading case files": "CANCELLED"}
    login_as(second)
    client.post(f"/event-registrations/{theirs.id}/sessions", data={f"group_{sessions['interviews'].id}": files.id})
    assert _chosen(theirs) == {files.id}


def test_only_people_holding_a_place_choose_before_the_event_begins(client, db, login_as, make_user, conference):
    from events.models import RegistrationState

    event, _, _ = conference
    waiting = login_as(make_user("trainee"))
    registration = new_registration(event, waiting, RegistrationState.WAITLISTED)
    assert client.get(f"/event-registrations/{registration.id}/sessions").status_code == 403
    started = new_event(starts_in=timedelta(days=-1))
    assert client.get(f"/event-registrations/{new_registration(started, waiting).id}/sessions").status_code == 403


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "-1", "1\x00", "1" * 5000])
def test_bad_choices_are_refused_beside_the_field(client, db, login_as, make_user, conference, value):
    event, _, sessions = conference
    registration = new_registration(event, login_as(make_user("trainee")))
    response = client.post(f"/event-registrations/{registration.id}/sessions",
                           data={f"group_{sessions['interviews'].id}": value})
    assert response.status_code == 400
    assert _chosen(registration) == set()


def test_a_session_from_another_group_or_event_is_refused(client, db, login_as, make_user, conference):
    event, _, sessions = conference
    registration = new_registration(event, login_as(make_user("trainee")))
    elsewhere = new_session(new_event("Another event"), "Elsewhere", choice_capacity=3)
    for value in (sessions["forensics"].id, elsewhere.id, sessions["plenary"].id):
        response = client.post(f"/event-registrations/{registration.id}/sessions",
                               data={f"group_{sessions['interviews'].id}": value})
        assert response.status_code == 400 and "Not a valid choice" in response.text
    assert _chosen(registration) == set()


def test_the_organiser_sets_places_but_not_below_those_already_chosen(client, db, login_as, make_user, conference):
    event, organiser, sessions = conference
    interviews = sessions["interviews"]
    for person in (make_user("trainee"), make_user("trainee")):
        registration = new_registration(event, person)
        db.session.add(SessionChoice(registration_id=registration.id, session_id=interviews.id,
                                     state=SessionChoiceState.CHOSEN))
    db.session.commit()
    login_as(organiser)
    form = {"title": "Interviewing witnesses", "kind": "workshop", "day": event.days[0].isoformat(), "starts": "10:00",
            "ends": "11:00", "room": "Room 1"}
    response = client.post(f"/events/{event.id}/sessions/{interviews.id}/edit", data=form | {"choice_capacity": "1"})
    assert response.status_code == 400 and "2 people have chosen this session" in response.text
    assert client.post(f"/events/{event.id}/sessions/{interviews.id}/edit",
                       data=form | {"choice_capacity": "3"}).status_code == 302
    db.session.refresh(interviews)
    assert interviews.choice_capacity == 3
    plenary = sessions["plenary"]
    client.post(f"/events/{event.id}/sessions/{plenary.id}/edit", data=form | {"title": "Opening", "starts": "09:30",
                                                                               "ends": "10:00", "room": ""})
    db.session.refresh(plenary)
    assert plenary.choice_capacity is None

    rows = list(csv.reader(io.StringIO(client.get(f"/events/{event.id}/attendance.csv").text)))
    assert rows[0][-1] == "Sessions chosen" and [row[-1] for row in rows[1:]] == ["Interviewing witnesses"] * 2


@pytest.mark.parametrize("capacity, people", [(5, 20)])
def test_capacity_holds_under_concurrent_choices(gunicorn, make_user, capacity, people):
    event = new_event()
    workshop = new_session(event, "Interviewing witnesses", kind=SessionKind.WORKSHOP, choice_capacity=capacity)
    new_session(event, "Reading case files", room="Room 2", kind=SessionKind.WORKSHOP, choice_capacity=capacity)
    registrations = [new_registration(event, make_user("trainee")) for _ in range(people)]
    forms = []
    for registration in registrations:
        session = signed_in_at(gunicorn, registration.user)
        url = f"{gunicorn}/event-registrations/{registration.id}/sessions"
        page = session.get(url, timeout=60)
        assert page.status_code == 200, page.text[:300]
        forms.append((session, url, {"csrf_token": form_token(page.text, "csrf_token"),
                                     f"group_{workshop.id}": str(workshop.id)}))
    barrier = threading.Barrier(len(forms))

    def submit(form):
        session, url, data = form
        barrier.wait(timeout=60)
        return session.post(url, data=data, timeout=60, allow_redirects=False)

    with ThreadPoolExecutor(max_workers=len(forms)) as pool:
        responses = list(pool.map(submit, forms, timeout=120))
    statuses = [r.status_code for r in responses]
    assert statuses == [302] * people, statuses
    won = [r for r in responses if r.headers["Location"].endswith("/ticket")]
    assert len(won) == capacity
    _db.session.expire_all()
    assert _db.session.scalar(select(func.count(SessionChoice.id)).where(
        SessionChoice.session_id == workshop.id, SessionChoice.state == SessionChoiceState.CHOSEN)) == capacity
