"""Events through HTTP: creating and publishing, the programme, speakers, the public lists and the archive."""
from datetime import timedelta

from sqlalchemy import select

from curriculum.models import Module
from events.models import Event, EventSession, SessionKind, Speaker
from tests.events.helpers import new_event, new_session, new_speaker


def _event_form(**changes):
    return {"title": "Evidence and its fallibilities", "kind": "conference", "summary": "Two days.",
            "audience": "Project leaders", "timezone": "Europe/London", "first_day": "2027-07-01",
            "day_starts": "09:30", "last_day": "2027-07-02", "day_ends": "17:00", "venue": "Moot court",
            "online_link": "", "capacity": "80", "registration_opens": "2027-05-01",
            "registration_closes": "2027-06-30", "organiser_id": "0"} | changes


def test_admin_creates_an_unpublished_event_then_publishes_it(client, db, login_as, make_user):
    admin, mentor = login_as(make_user("admin")), make_user("mentor")
    response = client.post("/admin/events/new", data=_event_form(organiser_id=str(mentor.id)))
    assert response.status_code == 302
    event = db.session.scalar(select(Event))
    assert (event.starts_at.isoformat(), event.ends_at.isoformat()) == ("2027-07-01T08:30:00+00:00",
                                                                        "2027-07-02T16:00:00+00:00")
    assert event.registration_closes_at.isoformat() == "2027-06-29T23:00:00+00:00"
    assert event.organiser_id == mentor.id and not event.is_published
    assert [d.isoformat() for d in event.days] == ["2027-07-01", "2027-07-02"]

    client.post("/sign-out")
    client.get("/events")  # shows the flashed messages
    assert client.get(f"/events/{event.id}").status_code == 302  # unpublished: sign in first
    assert "Evidence and its fallibilities" not in client.get("/events").text

    login_as(admin)
    assert client.post(f"/events/{event.id}/publish", data={"publish": "yes"}).status_code == 302
    assert client.post(f"/events/{event.id}/publish", data={"publish": "yes"}).status_code == 302  # a double click
    db.session.refresh(event)
    assert event.is_published
    client.post("/sign-out")
    assert "Evidence and its fallibilities" in client.get("/events").text
    assert client.get(f"/events/{event.id}").status_code == 200


def test_bad_event_input_is_refused_beside_the_field(client, db, login_as, make_user):
    login_as(make_user("admin"))
    cases = {
        "last_day": ("2027-06-30", "The last day cannot be before the first."),
        "day_ends": ("09:00", None),
        "registration_closes": ("2027-07-05", "Registration must close on or before the first day."),
        "capacity": ("0", "Places must be from 1 to 10000."),
        "online_link": ("javascript:alert(1)", "Enter a full https:// link."),
        "title": ("x" * 201, "Field cannot be longer than 200 characters."),
        "timezone": ("Mars/Olympus", "Choose a time zone from the list."),
        "organiser_id": ("99999999999", "Choose one of the options in the list."),
    }
    for field, (value, message) in cases.items():
        changes = {field: value} if field != "day_ends" else {"last_day": "2027-07-01", "day_ends": "09:00"}
        response = client.post("/admin/events/new", data=_event_form(**changes))
        assert response.status_code == 400, field
        if message:
            assert message in response.text, field
    response = client.post("/admin/events/new", data=_event_form(venue="", online_link=""))
    assert "Give a venue, an online link, or both." in response.text
    assert db.session.scalar(select(db.func.count(Event.id))) == 0


def test_the_organiser_builds_the_programme_by_day_with_parallel_streams(client, db, login_as, make_user, curriculum):
    organiser = login_as(make_user("mentor"))
    event = new_event(days=2, organiser=organiser)
    speaker = new_speaker()
    module = db.session.scalar(select(Module).where(Module.slug == "appeals-basics"))
    day1, day2 = (d.isoformat() for d in event.days)
    talk = {"title": "Fresh evidence on appeal", "kind": "talk", "day": day1, "starts": "10:00", "ends": "11:00",
            "room": "Stream A", "speaker_ids": [str(speaker.id)], "module_ids": [str(module.id)]}
    assert client.post(f"/events/{event.id}/sessions/new", data=talk).status_code == 302
    assert client.post(f"/events/{event.id}/sessions/new",
                       data=talk | {"title": "Interviewing witnesses", "room": "Stream B", "speaker_ids": []}
                       ).status_code == 302
    assert client.post(f"/events/{event.id}/sessions/new",
                       data=talk | {"title": "Lunch", "kind": "break", "day": day2, "starts": "12:30", "ends": "13:30",
                                    "room": "", "speaker_ids": [], "module_ids": []}).status_code == 302
    refused = client.post(f"/events/{event.id}/sessions/new", data=talk | {"starts": "08:00"})
    assert refused.status_code == 400 and "within the event" in refused.text
    refused = client.post(f"/events/{event.id}/sessions/new", data=talk | {"day": "2031-01-01"})
    assert refused.status_code == 400

    page = client.get(f"/events/{event.id}").text
    assert page.index("Fresh evidence on appeal") < page.index("Lunch")
    assert "Stream A" in page and "Stream B" in page and speaker.name in page and module.title in page
    assert f"/speakers/{speaker.id}" in page

    fresh = db.session.scalar(select(EventSession).where(EventSession.title == "Fresh evidence on appeal"))
    edit = client.get(f"/events/{event.id}/sessions/{fresh.id}/edit")
    assert edit.status_code == 200 and 'value="10:00"' in edit.text
    assert client.post(f"/events/{event.id}/sessions/{fresh.id}/edit",
                       data=talk | {"ends": "11:30"}).status_code == 302
    db.session.refresh(fresh)
    assert fresh.ends_at - fresh.starts_at == timedelta(minutes=90)

    # moving the event's dates away from its sessions is refused, naming them
    data = {"title": event.title, "kind": "conference", "timezone": "Europe/London", "first_day": day2,
            "day_starts": "09:30", "last_day": day2, "day_ends": "17:00", "venue": "Hall", "capacity": "10",
            "registration_opens": "2020-01-01", "registration_closes": day2, "organiser_id": "0"}
    refused = client.post(f"/events/{event.id}/edit", data=data)
    assert refused.status_code == 400 and "Fresh evidence on appeal" in refused.text
    data["first_day"] = data["registration_closes"] = day1
    assert client.post(f"/events/{event.id}/edit", data=data).status_code == 302
    db.session.refresh(event)
    assert event.organiser_id == organiser.id, "an organiser cannot hand the event over"

    lunch = db.session.scalar(select(EventSession).where(EventSession.kind == SessionKind.BREAK))
    lunch_id = lunch.id
    assert client.post(f"/events/{event.id}/sessions/{lunch_id}/delete").status_code == 302
    assert db.session.scalar(select(EventSession).where(EventSession.id == lunch_id)) is None


def test_a_session_is_reached_only_through_its_own_event(client, db, login_as, make_user):
    organiser = login_as(make_user("mentor"))
    mine, other = new_event(organiser=organiser), new_event(organiser=make_user("mentor"))
    theirs = new_session(other)
    assert client.get(f"/events/{mine.id}/sessions/{theirs.id}/edit").status_code == 404
    assert client.get(f"/events/{other.id}/sessions/{theirs.id}/edit").status_code == 403


def test_upcoming_list_archive_and_speaker_page(client, db, make_user):
    speaker = new_speaker("Prof. Lee Okafor")
    past = new_event("Miscarriages of justice 2025", days=2, starts_in=timedelta(days=-300))
    upcoming = new_event("Intake triage workshop")
    hidden = new_event("Draft programme", published=False)
    new_session(past, "Disclosure failures", speakers=[speaker])
    new_session(hidden, "Secret talk", speakers=[speaker])

    listing = client.get("/events").text
    assert upcoming.title in listing and past.title not in listing and hidden.title not in listing
    archive = client.get("/events/past").text
    assert past.title in archive and upcoming.title not in archive
    profile = client.get(f"/speakers/{speaker.id}").text
    assert "Disclosure failures" in profile and "Secret talk" not in profile and "<em>memory</em>" in profile
    assert client.get("/speakers/99999999999").status_code == 404


def test_admin_adds_and_edits_a_speaker(client, db, login_as, make_user):
    login_as(make_user("admin"))
    assert client.post("/admin/speakers/new", data={"name": ""}).status_code == 400
    assert client.post("/admin/speakers/new", data={"name": "Dr Sam Patel", "organisation": "CCRC",
                                                    "biography": "Case review manager."}).status_code == 302
    speaker = db.session.scalar(select(Speaker))
    assert client.post(f"/admin/speakers/{speaker.id}/edit", data={"name": "Dr Samira Patel"}).status_code == 302
    db.session.refresh(speaker)
    assert speaker.name == "Dr Samira Patel" and speaker.organisation == ""
    assert "Dr Samira Patel" in client.get("/admin/speakers").text


def test_event_pages_run_a_fixed_number_of_queries(client, db, make_user, count_queries, curriculum):
    module = db.session.scalar(select(Module).where(Module.slug == "appeals-basics"))

    def grow(scale):
        for number in range(scale):
            event = new_event(f"Event {number}", days=2)
            speaker = new_speaker(f"Speaker {number}")
            for day in (0, 1):
                new_session(event, f"Talk {number}-{day}", day=day, speakers=[speaker], modules=[module])
            new_event(f"Past {number}", starts_in=timedelta(days=-30 - number))
        return event, speaker

    def counts(event, speaker):
        result = []
        for url in ("/events", "/events/past", f"/events/{event.id}", f"/speakers/{speaker.id}"):
            with count_queries() as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    small = counts(*grow(1))
    assert counts(*grow(10)) == small
