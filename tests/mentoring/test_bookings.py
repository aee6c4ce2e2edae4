"""Booking, series, cancelling and rescheduling through the real app and database."""
import re
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from core.db import utcnow
from core.extensions import db
from core.timezones import local_to_utc
from curriculum.models import Module
from mentoring import bookings as ops
from mentoring.models import Booking, BookingSeries, BookingState
from mentoring.slots import series_starts
from tests.mentoring.helpers import confirmed, first_free, post_booking


def invitations(message):
    return [Calendar.from_ical(part.get_content()) for part in message.iter_attachments()
            if part.get_content_type() == "text/calendar"]


def test_a_trainee_sees_free_times_and_books_one_with_an_invitation_for_both(client, login_as, pair, outbox):
    mentor, trainee, profile = pair
    login_as(trainee)
    page = client.get(f"/mentoring/mentors/{mentor.id}/book?length=60")
    assert page.status_code == 200
    start = first_free(profile, trainee)
    assert start.isoformat() in page.text
    next_week = client.get(f"/mentoring/mentors/{mentor.id}/book?length=60&week=1").text
    assert start.isoformat() not in next_week and (start + timedelta(weeks=1)).isoformat() in next_week
    assert client.get(f"/mentoring/mentors/{mentor.id}/book?week=-1").status_code == 400
    response = post_booking(client, mentor, start, agenda="The grounds of appeal")
    assert response.status_code == 302
    [booking] = confirmed()
    assert (booking.learner_id, booking.starts_at, booking.ends_at) == (trainee.id, start, start + timedelta(hours=1))
    assert booking.blocked_until == start + timedelta(minutes=75)
    for person in (mentor, trainee):
        [message] = outbox(person.email)
        [attachment] = message.iter_attachments()
        assert "The attached invitation adds or updates the session" in message.get_body().get_content()
        assert attachment.get_content_type() == "text/calendar" and attachment.get_param("method") == "REQUEST"
        [calendar] = invitations(message)
        assert calendar["method"] == "REQUEST"
        [event] = calendar.walk("VEVENT")
        assert str(event["uid"]) == booking.uid and event["sequence"] == 0
        assert event.decoded("dtstart") == start and event.decoded("dtend") == start + timedelta(hours=1)
        assert event.decoded("dtstart").utcoffset() == timedelta(0)
        assert event["status"] == "CONFIRMED"
        assert str(event["organizer"]) == "mailto:no-reply@casework-academy.local"
        assert {str(a) for a in event["attendee"]} == {f"mailto:{mentor.email}", f"mailto:{trainee.email}"}


def test_a_double_submit_returns_the_same_booking(client, login_as, pair, outbox):
    mentor, trainee, profile = pair
    login_as(trainee)
    start = first_free(profile, trainee)
    first = post_booking(client, mentor, start, request_key="one-form")
    second = post_booking(client, mentor, start, request_key="one-form")
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert len(confirmed()) == 1
    assert len(outbox(trainee.email)) == 1


def test_a_taken_time_gets_the_clear_message_and_the_nearest_free_times(client, login_as, pair, make_user, enrol):
    mentor, trainee, profile = pair
    start = first_free(profile, trainee)
    login_as(trainee)
    assert post_booking(client, mentor, start).status_code == 302
    other = make_user("leader")
    login_as(other)
    response = post_booking(client, mentor, start + timedelta(minutes=30), request_key="another")
    assert response.status_code == 409
    assert "This time was just taken." in response.text
    # The nearest free times start after the first session and its 15-minute buffer.
    assert ops.free_slots(profile, other.id, timedelta(hours=1))[0] >= start + timedelta(minutes=75)
    assert "The nearest free times are" in response.text
    assert len(confirmed()) == 1


def test_tampered_booking_input_is_refused_without_a_server_error(client, login_as, pair):
    mentor, trainee, profile = pair
    login_as(trainee)
    assert client.get(f"/mentoring/mentors/{mentor.id}/book?length=61").status_code == 400
    assert client.get(f"/mentoring/mentors/{mentor.id}/book?start=yesterday").status_code == 400
    assert client.get(f"/mentoring/mentors/{mentor.id}/book?start=2026-12-01T09:00").status_code == 400
    off_grid = first_free(profile, trainee) + timedelta(minutes=7)
    assert post_booking(client, mentor, off_grid).status_code == 409
    blank = post_booking(client, mentor, first_free(profile, trainee), topic="")
    assert blank.status_code == 200 and "Say in a few words what the session is about." in blank.text
    assert confirmed() == []


def test_the_session_may_be_about_a_current_module_listed_by_title(client, login_as, pair):
    mentor, trainee, profile = pair
    retired = db.session.scalar(select(Module).where(Module.slug == "evidence-basics"))
    retired.is_retired = True
    db.session.add(Module(slug="advocacy", title="Advocacy in hearings"))  # the newest, first by title
    db.session.commit()
    current = db.session.scalars(select(Module).where(Module.is_retired.is_(False))).all()
    assert len(current) == 2
    login_as(trainee)
    start = first_free(profile, trainee)
    page = client.get(f"/mentoring/mentors/{mentor.id}/book", query_string={"length": 60, "start": start.isoformat()})
    offered = re.findall(r'<option (?:selected )?value="(\d+)">([^<]*)</option>',
                         re.search(r'<select [^>]*name="module_id".*?</select>', page.text, re.S).group(0))
    assert offered == [("0", "No particular module")] + sorted(((str(m.id), m.title) for m in current),
                                                                 key=lambda option: option[1])
    refused = post_booking(client, mentor, start, module_id=retired.id)
    assert refused.status_code == 200 and "Choose one of the options in the list." in refused.text
    assert post_booking(client, mentor, start, module_id=current[0].id).status_code == 302
    assert [booking.module_id for booking in confirmed()] == [current[0].id]


def test_a_trainee_books_only_the_mentors_of_their_runs_and_a_leader_any_mentor(client, login_as, pair, make_user,
                                                                                 make_profile):
    mentor, trainee, profile = pair
    stranger = make_profile(make_user("mentor"))
    login_as(trainee)
    assert client.get(f"/mentoring/mentors/{stranger.mentor_id}/book").status_code == 403
    assert client.get("/mentoring/").text.count("See free times") == 1
    login_as(make_user("leader"))
    assert client.get(f"/mentoring/mentors/{stranger.mentor_id}/book").status_code == 200
    assert client.get("/mentoring/").text.count("See free times") == 2


def test_cancelling_frees_the_slot_at_once_and_it_can_be_booked_again(client, login_as, pair, make_user, outbox):
    mentor, trainee, profile = pair
    start = first_free(profile, trainee)
    login_as(trainee)
    post_booking(client, mentor, start)
    [booking] = confirmed()
    refused = client.post(f"/mentoring/sessions/{booking.id}/cancel", data={"reason": ""})
    assert refused.status_code == 400 and "Tell the other person why" in refused.text
    response = client.post(f"/mentoring/sessions/{booking.id}/cancel", data={"reason": "Exam clash"})
    assert response.status_code == 302
    db.session.refresh(booking)
    assert booking.state is BookingState.CANCELLED and booking.sequence == 1
    [attachment] = outbox(mentor.email)[-1].iter_attachments()
    assert attachment.get_param("method") == "CANCEL"
    [calendar] = invitations(outbox(mentor.email)[-1])
    assert calendar["method"] == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert event["status"] == "CANCELLED" and str(event["uid"]) == booking.uid and event["sequence"] == 1
    again = client.post(f"/mentoring/sessions/{booking.id}/cancel", data={"reason": "Exam clash"})
    assert again.status_code == 302  # a second click is answered, not refused
    login_as(make_user("leader"))
    assert post_booking(client, mentor, start, request_key="rebook").status_code == 302
    assert [b.starts_at for b in confirmed()] == [start]


def test_trainees_cancel_only_up_to_the_cut_off_but_mentors_until_the_start(client, login_as, pair):
    mentor, trainee, profile = pair
    soon = utcnow().replace(microsecond=0) + timedelta(hours=6)
    booking = Booking(mentor_id=mentor.id, learner_id=trainee.id, topic="Soon")
    ops.set_times(booking, soon, timedelta(hours=1), 15)
    db.session.add(booking)
    db.session.commit()
    login_as(trainee)
    assert client.post(f"/mentoring/sessions/{booking.id}/cancel", data={"reason": "x"}).status_code == 403
    assert "too late to cancel" in client.get(f"/mentoring/sessions/{booking.id}").text
    login_as(mentor)
    assert client.post(f"/mentoring/sessions/{booking.id}/cancel", data={"reason": "Ill"}).status_code == 302


def test_rescheduling_moves_the_session_in_one_step_keeping_its_uid(client, login_as, pair, outbox):
    mentor, trainee, profile = pair
    start = first_free(profile, trainee)
    login_as(trainee)
    post_booking(client, mentor, start)
    [booking] = confirmed()
    uid = booking.uid
    later = start + timedelta(days=1)
    # The session's own time does not block its move to an overlapping time.
    overlapping = start + timedelta(minutes=30)
    assert client.get(f"/mentoring/sessions/{booking.id}/reschedule").status_code == 200
    response = client.post(f"/mentoring/sessions/{booking.id}/reschedule", data={"start": overlapping.isoformat()})
    assert response.status_code == 302
    response = client.post(f"/mentoring/sessions/{booking.id}/reschedule", data={"start": later.isoformat()})
    assert response.status_code == 302
    [moved] = confirmed()
    assert (moved.id, moved.uid, moved.starts_at, moved.sequence) == (booking.id, uid, later, 2)
    [calendar] = invitations(outbox(trainee.email)[-1])
    [event] = calendar.walk("VEVENT")
    assert calendar["method"] == "REQUEST" and str(event["uid"]) == uid and event["sequence"] == 2
    assert event.decoded("dtstart") == later


def test_a_failed_reschedule_leaves_the_old_time_booked(client, login_as, pair, make_user):
    mentor, trainee, profile = pair
    start = first_free(profile, trainee)
    login_as(trainee)
    post_booking(client, mentor, start)
    [booking] = confirmed()
    taken_start = start + timedelta(days=2)
    other = make_user("leader")
    login_as(other)
    post_booking(client, mentor, taken_start, request_key="other")
    login_as(trainee)
    response = client.post(f"/mentoring/sessions/{booking.id}/reschedule", data={"start": taken_start.isoformat()})
    assert response.status_code == 409 and "This time was just taken." in response.text
    db.session.refresh(booking)
    assert booking.starts_at == start and booking.sequence == 0 and booking.is_confirmed
    for tampered in ("soon", ""):
        refused = client.post(f"/mentoring/sessions/{booking.id}/reschedule", data={"start": tampered})
        assert refused.status_code == 400 and "Choose one of the free times below" in refused.text


def test_the_database_refuses_a_move_onto_a_taken_time_even_past_the_check(app, db, pair, make_user):
    """The savepoint in reschedule(): a refused write leaves the booking where it was."""
    mentor, trainee, profile = pair
    start = first_free(profile, trainee)
    with app.test_request_context():
        booking = ops.book(profile, trainee, trainee, start, timedelta(hours=1), "Mine")
        other = ops.book(profile, make_user("leader"), mentor, start + timedelta(days=1), timedelta(hours=1), "Theirs")
        db.session.commit()
    if db.engine.dialect.name != "postgresql":
        pytest.skip("only PostgreSQL has the exclusion constraint; SQLite relies on the serialised check")
    assert ops._write(lambda: ops.set_times(booking, other.starts_at, timedelta(hours=1), 15)) is False
    assert booking.starts_at == start
    assert db.session.scalar(select(func.count(Booking.id))) == 2  # the transaction is still usable


def test_a_series_is_booked_all_together_at_the_same_local_time(client, login_as, pair, outbox):
    mentor, trainee, profile = pair
    start = first_free(profile, trainee)
    login_as(trainee)
    response = post_booking(client, mentor, start, count=6, every_weeks=2, request_key="series-form")
    assert response.status_code == 302
    sessions = confirmed()
    assert len(sessions) == 6
    assert {s.series_id for s in sessions} == {sessions[0].series_id}
    london = [s.starts_at.astimezone(ZoneInfo("Europe/London")) for s in sessions]
    assert {(d.hour, d.minute) for d in london} == {(london[0].hour, london[0].minute)}
    assert [(b - a).days for a, b in zip(london, london[1:])] == [14] * 5  # past the 8-week horizon: allowed
    [message] = outbox(trainee.email)
    assert len(invitations(message)) == 6
    again = post_booking(client, mentor, start, count=6, every_weeks=2, request_key="series-form")
    assert again.status_code == 302 and len(confirmed()) == 6


def test_a_series_with_one_taken_occurrence_books_nothing_and_lists_it(client, login_as, pair, make_user):
    mentor, trainee, profile = pair
    start = first_free(profile, trainee)
    login_as(make_user("leader"))
    post_booking(client, mentor, start + timedelta(weeks=3), request_key="blocker")
    login_as(trainee)
    response = post_booking(client, mentor, start, count=4, every_weeks=1, request_key="series")
    assert response.status_code == 409
    assert "Nothing was booked: 1 of the sessions are not free." in response.text
    assert "nearest free" in response.text
    assert len(confirmed()) == 1
    assert db.session.scalar(db.select(db.func.count(BookingSeries.id))) == 0


def test_a_series_must_start_within_the_horizon_but_may_run_past_it(pair):
    mentor, trainee, profile = pair
    length = timedelta(hours=1)
    last_bookable = ops.free_slots(profile, trainee.id, length)[-1]
    assert ops.series_conflicts(profile, trainee.id, series_starts(last_bookable, 4, 2, profile.timezone), length) == []
    too_late = series_starts(last_bookable + timedelta(weeks=1), 2, 1, profile.timezone)
    assert [start for start, _ in ops.series_conflicts(profile, trainee.id, too_late, length)] == [too_late[0]]


def test_cancelling_a_series_session_can_take_the_later_ones_with_it(client, login_as, pair, outbox):
    mentor, trainee, profile = pair
    login_as(trainee)
    post_booking(client, mentor, first_free(profile, trainee), count=5, every_weeks=1, request_key="package")
    first, second, third, *rest = confirmed()
    page = client.get(f"/mentoring/sessions/{second.id}").text
    assert "Also cancel the 3 later sessions of this series" in page
    assert "later session" not in client.get(f"/mentoring/sessions/{rest[-1].id}").text

    login_as(mentor)
    assert client.post(f"/mentoring/sessions/{first.id}/cancel", data={"reason": "Ill"}).status_code == 302
    assert [b.id for b in confirmed()] == [second.id, third.id, *[b.id for b in rest]]
    response = client.post(f"/mentoring/sessions/{third.id}/cancel",
                           data={"reason": "The project has closed for the summer.", "include_later": "y"})
    assert response.status_code == 302
    assert [b.id for b in confirmed()] == [second.id]
    message = outbox(trainee.email)[-1]
    assert message["Subject"].startswith("3 mentoring sessions cancelled")
    assert "Cancelled by Morgan Mentor: The project has closed for the summer." in message.get_body().get_content()
    calendars = invitations(message)
    assert [c["method"] for c in calendars] == ["CANCEL"] * 3
    assert {str(c.walk("VEVENT")[0]["uid"]) for c in calendars} == {third.uid, *(b.uid for b in rest)}
    assert all(c.walk("VEVENT")[0]["status"] == "CANCELLED" for c in calendars)


def test_a_weekly_series_across_the_spring_clock_change_says_which_session_moved(client, login_as, pair, outbox):
    """01:30 does not exist in London on 28 March 2027: that session starts at 02:30 BST, and both people are told."""
    mentor, trainee, profile = pair
    for window in profile.windows:
        window.start_time = time(0)
    profile.horizon_weeks = 52
    db.session.commit()
    start = local_to_utc(date(2027, 3, 14), time(1, 30), "Europe/London")
    login_as(trainee)
    response = post_booking(client, mentor, start, count=4, every_weeks=1, request_key="across-the-change")
    assert response.status_code == 302
    london = [s.starts_at.astimezone(ZoneInfo("Europe/London")) for s in confirmed()]
    assert [f"{d:%d %H:%M}" for d in london] == ["14 01:30", "21 01:30", "28 02:30", "04 01:30"]
    page = client.get(response.headers["Location"])
    assert "01:30 does not exist then: it starts an hour later on the clock (Sun 28 Mar 2027 at 02:30)" in page.text
    for person in (trainee, mentor):
        [message] = outbox(person.email)
        assert "Sun 28 Mar 2027 at 02:30" in message.get_body(("plain",)).get_content()
