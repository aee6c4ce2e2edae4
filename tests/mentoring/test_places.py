"""Where to meet and "Add to calendar": the rules without HTTP, then the pages, the e-mails and the .ics files."""
from datetime import date, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from icalendar import Calendar

from core.extensions import db
from core.timezones import local_to_utc
from mentoring import bookings as ops
from mentoring import calendar, places
from mentoring.models import Booking, BookingState, CalendarFeed, MentorProfile
from mentoring.places import Place, PlaceKind
from tests.mentoring.helpers import confirmed, first_free, post_booking

VIDEO = "https://meet.example.org/morgan-mentor"


@pytest.mark.parametrize("kind, typed, stored", [
    (PlaceKind.VIDEO, " https://meet.example.org/abc?pwd=x ", "https://meet.example.org/abc?pwd=x"),
    (PlaceKind.VIDEO, "HTTPS://teams.microsoft.com/l/meetup-join/19%3a", "HTTPS://teams.microsoft.com/l/meetup-join/19%3a"),
    (PlaceKind.PHONE, "+44 (0)20 7946-0000", "+44 (0)20 7946-0000"),
    (PlaceKind.PHONE, "0131  496 0000", "0131 496 0000"),
    (PlaceKind.ROOM, "Room 2.14,\n Law School", "Room 2.14, Law School"),
])
def test_places_that_are_accepted_and_how_they_are_stored(kind, typed, stored):
    assert places.check(kind, typed) == stored


@pytest.mark.parametrize("kind, typed, message", [
    (PlaceKind.VIDEO, "http://meet.example.org/abc", "starting https://"),
    (PlaceKind.VIDEO, "javascript:alert(1)", "starting https://"),
    (PlaceKind.VIDEO, "meet.example.org/abc", "starting https://"),
    (PlaceKind.VIDEO, "https://", "starting https://"),
    (PlaceKind.VIDEO, "", "Enter the video link"),
    (PlaceKind.PHONE, "call me", "phone number with its area code"),
    (PlaceKind.PHONE, "12345", "phone number with its area code"),
    (PlaceKind.PHONE, "+44 20 7946 0000; drop table", "phone number with its area code"),
    (PlaceKind.ROOM, "   ", "Enter the room"),
    (PlaceKind.ROOM, "x" * 501, "under 500"),
])
def test_places_that_are_refused_say_what_to_write(kind, typed, message):
    with pytest.raises(ValueError, match=message):
        places.check(kind, typed)


def test_what_a_place_links_to_and_its_calendar_location():
    video, phone, room = (Place(PlaceKind.VIDEO, VIDEO), Place(PlaceKind.PHONE, "+44 (0)20 7946-0000"),
                          Place(PlaceKind.ROOM, "Room 2.14"))
    assert (video.link, video.location, str(video)) == (VIDEO, VIDEO, f"Video call: {VIDEO}")
    assert (phone.link, phone.location) == ("tel:+4402079460000", "Phone: +44 (0)20 7946-0000")
    assert (room.link, room.location, str(room)) == (None, "Room 2.14", "In person: Room 2.14")


def _book(client, login_as, mentor, trainee, profile, **fields):
    login_as(trainee)
    assert post_booking(client, mentor, first_free(profile, trainee), **fields).status_code == 302
    [booking] = confirmed()
    return booking


def _event(ics: bytes):
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    return event


def test_a_booking_takes_the_mentors_place_and_keeps_it_when_the_default_changes(client, login_as, pair, outbox):
    mentor, trainee, profile = pair
    profile.place_kind, profile.place_value = PlaceKind.VIDEO, VIDEO
    db.session.commit()
    login_as(trainee)
    confirm_page = client.get(f"/mentoring/mentors/{mentor.id}/book",
                              query_string={"length": 60, "start": first_free(profile, trainee).isoformat()})
    assert f"Video call: {VIDEO}" in confirm_page.text and "Confirm your session" in confirm_page.text
    booking = _book(client, login_as, mentor, trainee, profile)
    assert booking.place == Place(PlaceKind.VIDEO, VIDEO)
    for person in (mentor, trainee):
        [message] = outbox(person.email)
        assert f"Where: Video call: {VIDEO}" in message.get_body().get_content()
        event = _event(next(message.iter_attachments()).get_content().encode())
        assert str(event["location"]) == VIDEO and str(event["url"]) == VIDEO
        assert str(event["conference"]) == VIDEO and event["conference"].params["FEATURE"] == "VIDEO"
    page = client.get(f"/mentoring/sessions/{booking.id}").text
    assert f'href="{VIDEO}"' in page and "join the video call" in page

    profile.place_kind, profile.place_value = PlaceKind.ROOM, "Room 2.14"
    db.session.commit()
    db.session.refresh(booking)
    assert booking.place == Place(PlaceKind.VIDEO, VIDEO)


def test_without_a_default_the_session_says_the_mentor_will_add_it_and_the_ics_has_no_location(
        client, login_as, pair, outbox):
    mentor, trainee, profile = pair
    booking = _book(client, login_as, mentor, trainee, profile)
    assert booking.place is None
    assert "Morgan Mentor will add it" in client.get(f"/mentoring/sessions/{booking.id}").text
    assert "Where: not set yet; Morgan Mentor will add it" in outbox(trainee.email)[0].get_body().get_content()
    event = _event(next(outbox(trainee.email)[0].iter_attachments()).get_content().encode())
    assert "location" not in event and "conference" not in event


def test_the_mentor_changes_one_sessions_place_and_both_get_an_updated_invitation(client, login_as, pair, outbox):
    mentor, trainee, profile = pair
    booking = _book(client, login_as, mentor, trainee, profile)
    place_url = f"/mentoring/sessions/{booking.id}/place"
    assert client.get(place_url).status_code == 403
    assert client.post(place_url, data={"place_type": "ROOM", "place_detail": "Mine"}).status_code == 403
    login_as(mentor)
    assert "Set the meeting place" in client.get(f"/mentoring/sessions/{booking.id}").text
    refused = client.post(place_url, data={"place_type": "VIDEO", "place_detail": "http://meet.example.org/x"})
    assert refused.status_code == 200 and 'id="place_detail-error"' in refused.text and "https://" in refused.text
    assert client.post(place_url, data={"place_type": "PIGEON", "place_detail": "x"}).status_code == 200
    db.session.refresh(booking)
    assert booking.place is None and booking.sequence == 0

    sent = len(outbox())
    response = client.post(place_url, data={"place_type": "PHONE", "place_detail": "+44 20 7946 0000"})
    assert response.status_code == 302
    db.session.refresh(booking)
    assert booking.place == Place(PlaceKind.PHONE, "+44 20 7946 0000") and booking.sequence == 1
    for person in (mentor, trainee):
        message = outbox(person.email)[-1]
        assert message["Subject"] == f"Meeting place changed: {booking.topic}"
        assert "Where: Phone call: +44 20 7946 0000" in message.get_body().get_content()
        attachment = next(message.iter_attachments())
        assert attachment.get_param("method") == "REQUEST"
        event = _event(attachment.get_content().encode())
        assert str(event["uid"]) == booking.uid and event["sequence"] == 1
        assert str(event["location"]) == "Phone: +44 20 7946 0000"
        assert str(event["conference"]) == "tel:+442079460000" and "url" not in event
    assert len(outbox()) == sent + 2
    # The same form again (a double click) changes nothing and sends nothing.
    client.post(place_url, data={"place_type": "PHONE", "place_detail": "+44 20 7946 0000"})
    db.session.refresh(booking)
    assert booking.sequence == 1 and len(outbox()) == sent + 2
    assert "Change the meeting place" in client.get(f"/mentoring/sessions/{booking.id}").text


def test_the_mentor_cannot_change_the_place_of_a_cancelled_or_finished_session(pair, make_user):
    mentor, trainee, profile = pair
    booking = Booking(mentor_id=mentor.id, learner_id=trainee.id, topic="Soon", state=BookingState.CONFIRMED)
    start = first_free(profile, trainee)
    ops.set_times(booking, start, timedelta(hours=1), 15)
    assert booking.can_change_place(mentor) and not booking.can_change_place(trainee)
    assert not booking.can_change_place(make_user("mentor"))
    assert not booking.can_change_place(mentor, now=start + timedelta(hours=1))
    assert booking.can_change_place(mentor, now=start + timedelta(minutes=59))
    booking.state = BookingState.CANCELLED
    assert not booking.can_change_place(mentor)


def test_the_availability_page_sets_the_default_place(client, login_as, make_user):
    mentor = make_user("mentor")
    login_as(mentor)
    form = {"timezone": "Europe/London", "session_lengths": ["60"], "buffer_minutes": "10", "notice_hours": "24",
            "horizon_weeks": "8", "cancel_cutoff_hours": "12", "weekly_hours": "Tuesday 14:00-17:00",
            "date_changes": ""}
    refused = client.post("/mentoring/availability", data=form | {"place_type": "VIDEO", "place_detail": "zoom"})
    assert refused.status_code == 200 and 'id="place_detail-error"' in refused.text
    unkind = client.post("/mentoring/availability", data=form | {"place_type": "", "place_detail": "Room 1"})
    assert "Choose how you meet" in unkind.text
    assert client.post("/mentoring/availability", data=form | {"place_type": "VIDEO", "place_detail": VIDEO}).status_code == 302
    profile = db.session.scalar(db.select(MentorProfile))
    assert profile.place == Place(PlaceKind.VIDEO, VIDEO)
    page = client.get("/mentoring/availability").text
    assert '<option selected value="VIDEO">' in page and VIDEO in page
    assert client.post("/mentoring/availability", data=form | {"place_type": "", "place_detail": ""}).status_code == 302
    db.session.refresh(profile)
    assert profile.place is None


def test_add_to_calendar_offers_a_single_event_file_and_google_and_outlook_links(client, login_as, pair, make_user):
    mentor, trainee, profile = pair
    profile.place_kind, profile.place_value = PlaceKind.VIDEO, VIDEO
    db.session.commit()
    booking = _book(client, login_as, mentor, trainee, profile, agenda="The grounds of appeal")
    page = client.get(f"/mentoring/sessions/{booking.id}").text
    assert "Add to calendar" in page and "Download .ics file" in page
    assert "https://calendar.google.com/calendar/render?" in page and "https://outlook.live.com/" in page

    response = client.get(f"/mentoring/sessions/{booking.id}/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "private, no-store"
    calendar_file = Calendar.from_ical(response.data)
    assert calendar_file["method"] == "PUBLISH"
    event = _event(response.data)
    assert str(event["uid"]) == booking.uid and event.decoded("dtstart") == booking.starts_at
    assert str(event["location"]) == VIDEO and str(event["url"]) == VIDEO
    assert "The grounds of appeal" in str(event["description"])
    assert f"/mentoring/sessions/{booking.id}" in str(event["description"])
    for outsider in (make_user("trainee"), make_user("mentor")):
        login_as(outsider)
        assert client.get(f"/mentoring/sessions/{booking.id}/calendar.ics").status_code == 403


def _query(link: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlsplit(link).query).items()}


@pytest.mark.parametrize("day, utc_hour", [(date(2027, 3, 26), 9), (date(2027, 3, 29), 8),
                                           (date(2027, 10, 29), 8), (date(2027, 11, 1), 9)])
def test_calendar_links_carry_utc_times_either_side_of_the_clock_changes(app, pair, day, utc_hour):
    """09:00 London is 09:00 UTC in winter and 08:00 UTC in summer (clocks change 28 March and 31 October 2027)."""
    mentor, trainee, profile = pair
    booking = Booking(id=4242, mentor=mentor, learner=trainee, topic="Grounds, & more", agenda="Line one",
                      place_kind=PlaceKind.ROOM, place_value="Room 2.14")
    ops.set_times(booking, local_to_utc(day, time(9), "Europe/London"), timedelta(minutes=90), 0)
    with app.test_request_context():
        google, outlook = _query(calendar.google_link(booking)), _query(calendar.outlook_link(booking))
        work = calendar.outlook_link(booking, "outlook.office.com")
    stamp = day.strftime("%Y%m%d")
    assert google["dates"] == f"{stamp}T{utc_hour:02d}0000Z/{stamp}T{utc_hour + 1:02d}3000Z"
    assert google["text"] == "Mentoring: Grounds, & more" and google["location"] == "Room 2.14"
    assert "Line one" in google["details"] and "/mentoring/sessions/4242" in google["details"]
    assert outlook["startdt"] == f"{day.isoformat()}T{utc_hour:02d}:00:00Z"
    assert outlook["enddt"] == f"{day.isoformat()}T{utc_hour + 1:02d}:30:00Z"
    assert outlook["subject"] == "Mentoring: Grounds, & more" and outlook["location"] == "Room 2.14"
    assert work.startswith("https://outlook.office.com/calendar/0/action/compose?")


def test_the_feed_carries_each_sessions_place(client, login_as, pair):
    mentor, trainee, profile = pair
    profile.place_kind, profile.place_value = PlaceKind.ROOM, "Room 2.14, Law School"
    db.session.commit()
    _book(client, login_as, mentor, trainee, profile)
    client.post("/mentoring/calendar-feed")
    token = db.session.scalar(db.select(CalendarFeed.token).where(CalendarFeed.user_id == trainee.id))
    feed = Calendar.from_ical(client.get(f"/mentoring/feed/{token}.ics").data)
    [event] = [e for e in feed.walk("VEVENT") if str(e["summary"]).startswith("Mentoring")]
    assert str(event["location"]) == "Room 2.14, Law School"
