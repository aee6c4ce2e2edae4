"""After the session (notes, attendance, where the learner sees them), availability, the week view and feeds."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from accounts.models import NotificationSettings
from accounts.notifications import save_settings
from core.db import utcnow
from core.extensions import db
from courses.models import Run
from curriculum.models import Module
from mentoring import bookings as ops
from mentoring.models import Attendance, Booking, CalendarFeed, MentorProfile
from tests.mentoring.helpers import confirmed, first_free, post_booking


def _past_session(mentor, trainee, module=None, days_ago=2):
    booking = Booking(mentor_id=mentor.id, learner_id=trainee.id, topic="Reading the papers",
                      module_id=module.id if module else None)
    ops.set_times(booking, utcnow().replace(microsecond=0) - timedelta(days=days_ago), timedelta(hours=1), 15)
    db.session.add(booking)
    db.session.commit()
    return booking


def test_the_mentor_writes_notes_the_trainee_sees_shared_but_never_private(client, login_as, pair, make_user):
    mentor, trainee, profile = pair
    module = db.session.scalar(db.select(Module).where(Module.slug == "appeals-basics"))
    booking = _past_session(mentor, trainee, module)
    login_as(trainee)
    assert client.get(f"/mentoring/sessions/{booking.id}/notes").status_code == 403
    assert client.post(f"/mentoring/sessions/{booking.id}/notes", data={"private_note": "x"}).status_code == 403
    login_as(mentor)
    response = client.post(f"/mentoring/sessions/{booking.id}/notes", data={
        "attendance": "ATTENDED", "shared_note": "Strong reading of the summing-up.",
        "action_points": "Reread Turnbull\nList the witnesses", "private_note": "Seems anxious about deadlines."})
    assert response.status_code == 302
    db.session.refresh(booking)
    assert booking.attendance is Attendance.ATTENDED
    assert "Seems anxious" in client.get(f"/mentoring/sessions/{booking.id}").text

    login_as(trainee)
    for page in (f"/mentoring/sessions/{booking.id}", "/dashboard", "/modules/appeals-basics"):
        text = client.get(page).text
        assert "Seems anxious" not in text, page
    assert "Strong reading of the summing-up." in client.get(f"/mentoring/sessions/{booking.id}").text
    assert "Reread Turnbull" in client.get("/dashboard").text
    module_page = client.get("/modules/appeals-basics").text
    assert "Notes from your mentoring sessions" in module_page and "Strong reading" in module_page
    assert "Strong reading" not in client.get("/modules/evidence-basics").text

    for outsider in (make_user("trainee"), make_user("mentor"), make_user("admin")):
        login_as(outsider)
        assert client.get(f"/mentoring/sessions/{booking.id}").status_code == 403
        assert client.get(f"/mentoring/sessions/{booking.id}/notes").status_code == 403
    assert "Strong reading" not in client.get("/modules/appeals-basics").text


def test_attendance_waits_for_the_session_to_begin(client, login_as, pair):
    mentor, trainee, profile = pair
    login_as(trainee)
    post_booking(client, mentor, first_free(profile, trainee))
    [booking] = confirmed()
    login_as(mentor)
    response = client.post(f"/mentoring/sessions/{booking.id}/notes", data={"attendance": "NO_SHOW"})
    assert response.status_code == 200 and "once the session has begun" in response.text
    assert client.post(f"/mentoring/sessions/{booking.id}/notes", data={"attendance": "LATE"}).status_code == 200
    db.session.refresh(booking)
    assert booking.attendance is None


def test_a_mentor_sets_weekly_hours_and_date_changes_with_errors_beside_the_field(client, login_as, make_user):
    mentor = make_user("mentor")
    login_as(mentor)
    assert client.get("/mentoring/availability").status_code == 200
    assert db.session.scalar(db.select(MentorProfile)) is None  # looking creates nothing
    form = {"timezone": "Europe/London", "session_lengths": ["30", "60"], "buffer_minutes": "10",
            "notice_hours": "24", "horizon_weeks": "8", "cancel_cutoff_hours": "12",
            "weekly_hours": "Tuesday 14:00-17:00\nThursday 9:00-11:00", "date_changes": "2026-12-24 off\nnonsense",
            "paste": "Save the pasted hours"}
    response = client.post("/mentoring/availability", data=form)
    assert response.status_code == 200
    assert 'id="date_changes-error"' in response.text and "Line 2: start with a date like 2026-12-24." in response.text
    wrong_zone = client.post("/mentoring/availability", data=form | {"timezone": "Mars/Olympus"})
    assert "Choose a time zone from the list." in wrong_zone.text
    response = client.post("/mentoring/availability", data=form | {"date_changes": "2026-12-24 off"})
    assert response.status_code == 302
    profile = db.session.scalar(db.select(MentorProfile))
    assert [(w.weekday, w.start_time.hour) for w in profile.windows] == [(1, 14), (3, 9)]
    assert profile.session_lengths == [30, 60] and profile.buffer_minutes == 10
    assert len(profile.overrides) == 1 and profile.overrides[0].start_time is None
    assert "Tuesday 14:00-17:00" in client.get("/mentoring/availability").text


def test_the_week_view_shows_open_hours_and_sessions(client, login_as, pair):
    mentor, trainee, profile = pair
    start = first_free(profile, trainee)
    login_as(trainee)
    post_booking(client, mentor, start, topic="Week view topic")
    login_as(mentor)
    local_day = start.astimezone(ZoneInfo("Europe/London")).date()
    page = client.get(f"/mentoring/week?start={local_day.isoformat()}")
    assert page.status_code == 200
    assert "Week view topic" in page.text and "08:00" in page.text
    assert client.get("/mentoring/week?start=not-a-date").status_code == 400


def test_the_private_feed_lists_sessions_and_workshops_and_regenerating_revokes_it(client, login_as, pair):
    mentor, trainee, profile = pair
    login_as(trainee)
    post_booking(client, mentor, first_free(profile, trainee), topic="Feed topic")
    assert client.post("/mentoring/calendar-feed").status_code == 302
    feed = db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.user_id == trainee.id))
    assert len(feed.token) >= 43
    client.get("/sign-in")  # the feed needs no sign-in: calendar apps fetch it anonymously
    with client.session_transaction() as session:
        session.clear()
    response = client.get(f"/mentoring/feed/{feed.token}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    summaries = sorted(str(event["summary"]) for event in calendar.walk("VEVENT"))
    run = db.session.scalar(db.select(Run))
    assert summaries == ["Mentoring: Feed topic", f"Workshop: {run.course.title}"]
    old = feed.token
    login_as(trainee)
    client.post("/mentoring/calendar-feed")
    db.session.refresh(feed)
    assert feed.token != old
    assert client.get(f"/mentoring/feed/{old}.ics").status_code == 404
    assert client.get(f"/mentoring/feed/{feed.token}.ics").status_code == 200


def test_the_session_list_is_paginated_and_split_into_upcoming_and_past(client, login_as, pair, app, monkeypatch):
    # A small page, so the mentor's free slots in the coming weeks always fill more than one.
    monkeypatch.setitem(app.config, "PAGE_SIZE", 5)
    mentor, trainee, profile = pair
    _past_session(mentor, trainee)
    slots = ops.free_slots(profile, trainee.id, timedelta(minutes=30))
    for number, start in enumerate(slots[::3][: app.config["PAGE_SIZE"] + 1]):
        booking = Booking(mentor_id=mentor.id, learner_id=trainee.id, topic=f"Upcoming {number}")
        ops.set_times(booking, start, timedelta(minutes=30), 15)
        db.session.add(booking)
    db.session.commit()
    login_as(trainee)
    first_page = client.get("/mentoring/sessions").text
    assert "Upcoming 0" in first_page and "Reading the papers" not in first_page and 'aria-label="Pages"' in first_page
    assert "Reading the papers" in client.get("/mentoring/sessions?show=past").text


def test_sharing_notes_e_mails_the_trainee_once_and_never_the_private_note(client, login_as, pair, outbox):
    mentor, trainee, profile = pair
    booking = _past_session(mentor, trainee)
    login_as(mentor)
    client.post(f"/mentoring/sessions/{booking.id}/notes", data={"private_note": "Only mine"})
    assert outbox(trainee.email) == []
    notes = {"attendance": "ATTENDED", "shared_note": "Good grasp of Pendleton.", "action_points": "Read R v Pendleton",
             "private_note": "Seems tired."}
    client.post(f"/mentoring/sessions/{booking.id}/notes", data=notes)
    [message] = outbox(trainee.email)
    assert message["Subject"] == "Notes from your mentoring session: Reading the papers"
    body = message.get_content()
    assert "Good grasp of Pendleton." in body and "- Read R v Pendleton" in body and "Seems tired" not in body
    client.post(f"/mentoring/sessions/{booking.id}/notes", data=notes | {"private_note": "Changed"})
    assert len(outbox(trainee.email)) == 1 and outbox(mentor.email) == []


def test_a_trainee_who_turned_notes_mail_off_reads_them_on_the_session_only(client, login_as, pair, outbox):
    mentor, trainee, profile = pair
    save_settings(trainee, {**NotificationSettings.DEFAULTS, "email_notes_shared": False})
    booking = _past_session(mentor, trainee)
    login_as(mentor)
    client.post(f"/mentoring/sessions/{booking.id}/notes", data={"attendance": "ATTENDED", "shared_note": "Well done."})
    assert outbox(trainee.email) == []
    login_as(trainee)
    assert "Well done." in client.get(f"/mentoring/sessions/{booking.id}").text


def test_the_mentors_needs_notes_list_shows_sessions_held_without_notes(client, login_as, pair, make_user):
    mentor, trainee, profile = pair
    without = _past_session(mentor, trainee)
    with_notes = _past_session(mentor, trainee, days_ago=3)
    with_notes.shared_note = "Done"
    no_show = _past_session(mentor, trainee, days_ago=4)
    no_show.attendance, no_show.topic = Attendance.NO_SHOW, "They did not come"
    with_notes.topic = "Has notes"
    db.session.commit()
    login_as(mentor)
    page = client.get("/mentoring/sessions?show=needs-notes").text
    assert f"/mentoring/sessions/{without.id}" in page and "Has notes" not in page and "They did not come" not in page
    assert 'aria-current="page" href="/mentoring/sessions?show=needs-notes"' in page
    assert client.get("/mentoring/sessions?show=nonsense").status_code == 404
    login_as(trainee)
    assert "Needs notes" not in client.get("/mentoring/sessions").text
    assert f"/mentoring/sessions/{without.id}" not in client.get("/mentoring/sessions?show=needs-notes").text


def test_administrators_see_sessions_counted_per_mentor_and_month_without_notes(client, login_as, pair, make_user):
    from mentoring.models import BookingState

    mentor, trainee, profile = pair
    held = _past_session(mentor, trainee)
    held.attendance, held.private_note, held.shared_note = Attendance.ATTENDED, "Secret remark", "Shared remark"
    missed = _past_session(mentor, trainee, days_ago=3)
    missed.attendance = Attendance.NO_SHOW
    dropped = _past_session(mentor, trainee, days_ago=4)
    dropped.state = BookingState.CANCELLED
    db.session.commit()
    rows = [(b.mentor_id, b.starts_at, b.state, b.attendance) for b in (held, missed, dropped)]
    counts = ops.overview(rows, ZoneInfo("Europe/London"))
    assert sum(row["booked"] for row in counts.values()) == 3
    assert sum(row["held"] for row in counts.values()) == 1
    assert sum(row["no_shows"] for row in counts.values()) == 1 and sum(r["cancelled"] for r in counts.values()) == 1
    login_as(make_user("admin"))
    page = client.get("/mentoring/overview").text
    assert mentor.display_name in page and "Secret remark" not in page and "Shared remark" not in page
    login_as(mentor)
    assert client.get("/mentoring/overview").status_code == 403
