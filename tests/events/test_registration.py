"""Registration: places and the waitlist, cancellation and promotion, leaders registering members, e-mail with
calendar invitations, and capacity under concurrent registrations over real HTTP."""
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from events.models import EventRegistration, RegistrationState
from tests.events.helpers import new_event, new_registration


def _registration(db, event, user):
    return db.session.scalar(select(EventRegistration).where(EventRegistration.event_id == event.id,
                                                             EventRegistration.user_id == user.id))


def _invitation(message):
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), Calendar.from_ical(part.get_content())


def test_a_person_registers_once_and_gets_a_calendar_invitation(client, db, login_as, make_user, outbox):
    event = new_event(capacity=2)
    trainee = login_as(make_user("trainee"))
    assert client.post(f"/events/{event.id}/register").status_code == 302
    assert client.post(f"/events/{event.id}/register").status_code == 302  # a double click
    registration = _registration(db, event, trainee)
    assert registration.state is RegistrationState.REGISTERED and len(registration.code) == 19
    [message] = outbox(trainee.email)
    assert message["Subject"] == f"You are registered: {event.title}"
    assert registration.code in message.get_body().get_content()
    method, calendar = _invitation(message)
    [item] = calendar.walk("VEVENT")
    assert method == "REQUEST" and str(item["uid"]).startswith(f"event-{event.id}-registration-")
    assert item.decoded("dtstart") == event.starts_at and item.decoded("dtend") == event.ends_at
    assert "1 of 2 places left" in client.get(f"/events/{event.id}").text


def test_a_full_event_waitlists_and_a_cancelled_place_goes_to_the_first_waiting(client, db, login_as, make_user,
                                                                                   outbox):
    event = new_event(capacity=1)
    first, second, third = (make_user("trainee") for _ in range(3))
    for person in (first, second, third):
        login_as(person)
        client.post(f"/events/{event.id}/register")
    assert [_registration(db, event, p).state for p in (first, second, third)] == [
        RegistrationState.REGISTERED, RegistrationState.WAITLISTED, RegistrationState.WAITLISTED]
    assert outbox(second.email)[0]["Subject"].startswith("You are on the waitlist")
    assert not list(outbox(second.email)[0].iter_attachments())

    login_as(first)
    mine = _registration(db, event, first)
    assert client.post(f"/event-registrations/{mine.id}/cancel").status_code == 302
    assert client.post(f"/event-registrations/{mine.id}/cancel").status_code == 403  # already cancelled
    assert [_registration(db, event, p).state for p in (first, second, third)] == [
        RegistrationState.CANCELLED, RegistrationState.REGISTERED, RegistrationState.WAITLISTED]
    method, calendar = _invitation(outbox(first.email)[-1])
    assert method == "CANCEL" and str(calendar.walk("VEVENT")[0]["status"]) == "CANCELLED"
    promoted = outbox(second.email)[-1]
    assert promoted["Subject"] == f"A place is yours: {event.title}" and _invitation(promoted)[0] == "REQUEST"

    # registering again after cancelling reuses the row and joins the back of the queue
    assert client.post(f"/events/{event.id}/register").status_code == 302
    assert _registration(db, event, first).state is RegistrationState.WAITLISTED
    assert db.session.scalar(select(func.count(EventRegistration.id))) == 3


def test_registration_outside_the_window_or_from_an_unapproved_project_is_refused(client, db, login_as, make_user,
                                                                                  make_organisation):
    from accounts.models import OrganisationState

    closed = new_event(opened_ago=timedelta(days=-3))  # opens in three days
    past = new_event(starts_in=timedelta(days=-30))
    unpublished = new_event(published=False)
    login_as(make_user("trainee"))
    for event in (closed, past, unpublished):
        assert client.post(f"/events/{event.id}/register").status_code == 403
    assert "Registration opens" in client.get(f"/events/{closed.id}").text
    login_as(make_user("trainee", make_organisation(state=OrganisationState.PENDING)))
    assert client.post(f"/events/{new_event().id}/register").status_code == 403


def test_a_leader_registers_members_and_the_overflow_waits(client, db, login_as, make_user, make_organisation,
                                                           outbox):
    project = make_organisation()
    leader = login_as(make_user("leader", project))
    members = [make_user("trainee", project) for _ in range(3)]
    outsider = make_user("trainee", make_organisation())
    event = new_event(capacity=2)
    page = client.get(f"/events/{event.id}/register-members")
    assert page.status_code == 200 and outsider.display_name not in page.text
    response = client.post(f"/events/{event.id}/register-members",
                           data={"member_ids": [str(m.id) for m in members]})
    assert response.status_code == 302
    states = [_registration(db, event, m).state for m in members]
    assert states.count(RegistrationState.REGISTERED) == 2 and states.count(RegistrationState.WAITLISTED) == 1
    assert all(_registration(db, event, m).registered_by_id == leader.id for m in members)
    assert all(outbox(m.email) for m in members)
    refused = client.post(f"/events/{event.id}/register-members", data={"member_ids": [str(outsider.id)]})
    assert refused.status_code == 200 and "invalid-feedback" in refused.text
    assert _registration(db, event, outsider) is None

    # the leader cancels a member's place, but not someone else's
    other = new_registration(event, outsider, RegistrationState.WAITLISTED)
    assert client.post(f"/event-registrations/{other.id}/cancel").status_code == 403
    assert client.post(f"/event-registrations/{_registration(db, event, members[0]).id}/cancel").status_code == 302


def test_more_places_seat_the_waiting_and_a_new_time_is_e_mailed(client, db, login_as, make_user, outbox):
    admin = make_user("admin")
    event = new_event(capacity=1)
    seated, waiting = make_user("trainee"), make_user("trainee")
    new_registration(event, seated)
    new_registration(event, waiting, RegistrationState.WAITLISTED)
    login_as(admin)
    day = event.days[0].isoformat()
    data = {"title": event.title, "kind": "workshop", "timezone": "Europe/London", "first_day": day,
            "day_starts": "09:30", "last_day": day, "day_ends": "17:00", "venue": event.venue, "capacity": "2",
            "registration_opens": "2020-01-01", "registration_closes": day, "organiser_id": "0"}
    assert client.post(f"/events/{event.id}/edit", data=data).status_code == 302
    assert _registration(db, event, waiting).state is RegistrationState.REGISTERED
    assert not [m for m in outbox(seated.email) if m["Subject"].startswith("Changed")]  # nothing they keep changed

    assert client.post(f"/events/{event.id}/edit", data=data | {"day_starts": "10:00"}).status_code == 302
    for person in (seated, waiting):
        [changed] = [m for m in outbox(person.email) if m["Subject"].startswith("Changed")]
        assert "10:00" in changed.get_body().get_content()
        [item] = _invitation(changed)[1].walk("VEVENT")
        assert item.decoded("dtstart") == event.starts_at


def test_the_organiser_lists_registrations(client, db, login_as, make_user):
    organiser = make_user("mentor")
    event = new_event(organiser=organiser)
    people = [make_user("trainee", name=f"Attendee {n}") for n in range(3)]
    new_registration(event, people[0])
    new_registration(event, people[1], RegistrationState.WAITLISTED)
    new_registration(event, people[2], RegistrationState.CANCELLED)
    login_as(organiser)
    page = client.get(f"/events/{event.id}/registrations").text
    assert "Attendee 0" in page and "On the waitlist" in page and "Attendee 2" not in page


@pytest.mark.parametrize("capacity, applicants", [(5, 20)])
def test_capacity_holds_under_concurrent_registrations(db, live_server, http_session_for, make_user, capacity,
                                                       applicants):
    event = new_event(capacity=capacity)
    sessions = [http_session_for(make_user("trainee")) for _ in range(applicants)]
    db.session.commit()

    def register(session):
        return session.post(f"{live_server}/events/{event.id}/register", allow_redirects=False,
                            timeout=60).status_code

    with ThreadPoolExecutor(max_workers=applicants) as pool:
        statuses = list(pool.map(register, sessions))
    assert statuses == [302] * applicants
    counts = dict(db.session.execute(select(EventRegistration.state, func.count(EventRegistration.id))
                                     .group_by(EventRegistration.state)).all())
    assert counts == {RegistrationState.REGISTERED: capacity, RegistrationState.WAITLISTED: applicants - capacity}


def test_erasure_gives_up_places_at_events_to_come_and_keeps_past_ones(db, app, make_user):
    from privacy.erasure import erase

    leaving, waiting = make_user("trainee"), make_user("trainee")
    upcoming, past = new_event(capacity=1), new_event(starts_in=timedelta(days=-30))
    new_registration(upcoming, leaving)
    new_registration(upcoming, waiting, RegistrationState.WAITLISTED)
    new_registration(past, leaving)
    with app.test_request_context():
        erase(leaving, None)
        db.session.commit()
    assert _registration(db, upcoming, leaving).state is RegistrationState.CANCELLED
    assert _registration(db, upcoming, waiting).state is RegistrationState.REGISTERED
    assert _registration(db, past, leaving).state is RegistrationState.REGISTERED
