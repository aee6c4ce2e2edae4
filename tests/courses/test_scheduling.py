"""A new run's starting values: a course's defaults, or a copy of an earlier run moved into the future."""
from datetime import date, datetime, time, timedelta, timezone

from courses.models import CourseFormat, Run
from courses.scheduling import DEFAULT_CAPACITY, LEAD_TIME, WORKSHOP_HOURS, copy_of, defaults_for

TODAY = date(2026, 12, 3)  # a Thursday


def test_a_course_with_no_run_gets_its_formats_defaults_four_weeks_ahead(db, curriculum):
    from courses.models import Course
    course = db.session.query(Course).filter_by(slug="appeals-workshop").one()
    draft = defaults_for(course, None, TODAY)
    assert draft.start_date == TODAY + LEAD_TIME and draft.start_date.weekday() < 5
    assert (draft.session_start, draft.session_end) == WORKSHOP_HOURS[course.format]
    assert draft.capacity == DEFAULT_CAPACITY[course.format]
    assert draft.enrol_opens == TODAY and draft.enrol_closes == draft.start_date - timedelta(days=7)


def test_a_start_that_falls_on_a_weekend_moves_to_monday(db, curriculum):
    from courses.models import Course
    course = db.session.query(Course).filter_by(slug="two-week-programme").one()
    saturday_minus_lead = date(2026, 12, 5) - LEAD_TIME
    draft = defaults_for(course, None, saturday_minus_lead)
    assert draft.start_date == date(2026, 12, 7)
    assert course.format is CourseFormat.MULTI_WEEK and draft.session_start is None


def test_the_latest_run_gives_its_place_times_and_size(db, make_run):
    latest = make_run(capacity=35)
    latest.venue, latest.video_link = "Moot court, Law School", ""
    draft = defaults_for(latest.course, latest, TODAY)
    assert (draft.capacity, draft.venue) == (35, "Moot court, Law School")
    local = latest.starts_at.astimezone(latest.zone)
    assert draft.session_start == local.time()


def test_a_copy_keeps_the_weekday_times_mentors_and_enrolment_gap(db, make_run, make_user):
    mentor = make_user("mentor")
    old = make_run(mentors=[mentor], starts_in=timedelta(days=-200))
    draft = copy_of(old, TODAY)
    old_local = old.starts_at.astimezone(old.zone)
    assert draft.start_date.weekday() == old_local.weekday()
    assert TODAY + LEAD_TIME <= draft.start_date < TODAY + LEAD_TIME + timedelta(weeks=1)
    assert draft.session_start == old_local.time() and draft.mentor_ids == [mentor.id]
    gap = old_local.date() - old.enrol_closes_at.astimezone(old.zone).date()
    assert draft.start_date - draft.enrol_closes == max(gap, timedelta(days=1))


def test_a_copy_across_the_clock_change_keeps_the_local_session_time(db, make_run):
    old = make_run()
    old.timezone = "Europe/London"
    old.starts_at = datetime(2026, 7, 14, 8, 30, tzinfo=timezone.utc)  # 09:30 BST
    old.ends_at = datetime(2026, 7, 14, 12, 0, tzinfo=timezone.utc)
    old.enrol_closes_at = datetime(2026, 7, 7, tzinfo=timezone.utc)
    draft = copy_of(old, date(2026, 11, 1))
    assert (draft.session_start, draft.session_end) == (time(9, 30), time(13, 0))  # still 09:30 local, in GMT


def test_the_new_run_page_fills_in_a_courses_defaults_and_a_copy(client, db, make_run, make_user, login_as):
    login_as(make_user("admin"))
    old = make_run(capacity=17)
    page = client.get(f"/admin/runs/new?course={old.course_id}").get_data(as_text=True)
    assert 'name="capacity" required type="number" value="17"' in page or 'value="17"' in page
    copy = client.get(f"/admin/runs/new?copy={old.id}").get_data(as_text=True)
    assert "A copy of" in copy and 'value="17"' in copy
    assert client.get("/admin/runs/new?copy=99999999999").status_code == 200  # refused beside the field, no 500
    assert client.get("/admin/runs/new?copy=424242").status_code == 404
    assert "Choose one of the options" in client.get("/admin/runs/new?course=abc").get_data(as_text=True)
    assert db.session.query(Run).count() == 1  # nothing saved until the form is posted
