"""A trainee books a mentoring session in the browser; the mentoring pages are axe clean at 1280 and 375 px."""
from pathlib import Path

import pytest

from mentoring.models import Booking
from tests.e2e.browser import expect
from tests.mentoring.helpers import add_world, open_every_day


@pytest.mark.parametrize("width", [1280, 375])
def test_a_trainee_picks_a_free_time_and_books_it(chromium, live_server, db, make_user, make_run, enrol, sign_in,
                                                  screenshot, axe_check, width):
    mentor = make_user("mentor", name="Morgan Mentor")
    trainee = make_user("trainee", name="Casey Trainee")
    enrol(make_run(mentors=[mentor]), trainee)
    open_every_day(mentor, session_lengths=[30, 60])
    context = chromium.new_context(base_url=live_server, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, trainee)
        page.goto("/mentoring/")
        page.get_by_role("link", name="See free times with Morgan Mentor").click()
        page.get_by_role("navigation", name="Session length").get_by_role("link", name="60 minutes").click()
        expect(page.get_by_role("link", name="60 minutes", exact=True)).to_have_attribute("aria-current", "page")
        page.get_by_label("Times are shown in").select_option("America/New_York")
        page.get_by_role("button", name="Show times in this zone").click()
        expect(page.get_by_label("Times are shown in")).to_have_value("America/New_York")
        screenshot(page, f"mentoring-slots-{width}")
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        first = page.locator("#first-free a").first
        first.focus()
        page.keyboard.press("Enter")  # one step from the time to the confirmation page
        expect(page.get_by_role("heading", name="Confirm your session")).to_be_visible()
        expect(page.locator("#meeting-place")).to_be_visible()
        page.get_by_label("Topic").fill("Reading the case papers")
        page.get_by_label("Agenda").fill("The summing-up and the grounds.")
        screenshot(page, f"mentoring-book-form-{width}")
        axe_check(page)
        page.get_by_role("button", name="Book this session").click()
        expect(page.get_by_role("status")).to_contain_text("Your session is booked")
        expect(page.get_by_role("heading", name="Reading the case papers")).to_be_visible()
        axe_check(page)
        page.goto("/mentoring/sessions")
        expect(page.get_by_role("link", name="Reading the case papers with Morgan Mentor")).to_be_visible()
        booking = db.session.scalar(db.select(Booking))
        assert booking.learner_id == trainee.id and (booking.ends_at - booking.starts_at).seconds == 3600
        db.session.commit()
    finally:
        context.close()


@pytest.mark.parametrize("role, path", [
    ("trainee", "/mentoring/"),
    ("trainee", "/mentoring/mentors/{mentor}/book"),
    ("trainee", "/mentoring/sessions"),
    ("trainee", "/mentoring/sessions/{booking}"),
    ("trainee", "/mentoring/sessions/{booking}/reschedule"),
    ("mentor", "/mentoring/week"),
    ("mentor", "/mentoring/availability"),
    ("mentor", "/mentoring/sessions/{booking}/notes"),
    ("mentor", "/mentoring/sessions/{booking}/place"),
])
def test_mentoring_pages_have_no_accessibility_violations(db, make_organisation, make_user, make_run, enrol,
                                                          check_both_widths, role, path):
    people = {"trainee": make_user("trainee", make_organisation()), "mentor": make_user("mentor")}
    enrol(make_run(mentors=[people["mentor"]]), people["trainee"])
    ids = add_world(people)
    check_both_widths(path.format(**ids), people[role], role)


@pytest.mark.parametrize("width", [1280, 375])
def test_the_mentor_sets_where_to_meet_and_the_trainee_adds_the_session_to_a_calendar(
        chromium, live_server, db, make_organisation, make_user, make_run, enrol, sign_in, axe_check, screenshot,
        width):
    people = {"trainee": make_user("trainee", make_organisation(), name="Casey Trainee"),
              "mentor": make_user("mentor", name="Morgan Mentor")}
    enrol(make_run(mentors=[people["mentor"]]), people["trainee"])
    ids = add_world(people)
    context = chromium.new_context(base_url=live_server, viewport={"width": width, "height": 900},
                                   accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(page, people["mentor"])
        page.goto(f"/mentoring/sessions/{ids['booking']}")
        page.get_by_role("link", name="Set the meeting place").click()
        page.get_by_label("How you meet").select_option(label="Video call")
        page.get_by_label("Video link, phone number or room").fill("http://meet.example.org/x")
        page.get_by_role("button", name="Save the meeting place").click()
        expect(page.get_by_role("alert")).to_contain_text("starting https://")
        axe_check(page)
        page.get_by_label("Video link, phone number or room").fill("https://meet.example.org/casework")
        page.get_by_label("Video link, phone number or room").press("Enter")
        expect(page.get_by_role("status")).to_contain_text("The meeting place is changed")
        expect(page.get_by_role("link", name="https://meet.example.org/casework")).to_be_visible()
        context.clear_cookies()
        sign_in(page, people["trainee"])
        page.goto(f"/mentoring/sessions/{ids['booking']}")
        expect(page.get_by_role("heading", name="Add to calendar")).to_be_visible()
        google = page.get_by_role("link", name="Google Calendar")
        assert google.get_attribute("href").startswith("https://calendar.google.com/calendar/render?")
        assert "meet.example.org" in page.get_by_role("link", name="Outlook.com").get_attribute("href")
        screenshot(page, f"mentoring-add-to-calendar-{width}")
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        with page.expect_download() as download:
            page.get_by_role("link", name="Download .ics file").click()
        ics = Path(download.value.path()).read_text()
        assert "LOCATION:https://meet.example.org/casework" in ics and "URL:https://meet.example.org/casework" in ics
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_a_mentor_edits_the_week_with_the_keyboard(chromium, live_server, db, make_user, sign_in, axe_check,
                                                   screenshot, width):
    from mentoring.models import MentorProfile

    mentor = make_user("mentor", name="Morgan Mentor")
    context = chromium.new_context(base_url=live_server, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, mentor)
        page.goto("/mentoring/availability")
        expect(page.get_by_label("From (Monday, hours 1)")).to_have_value("09:00")
        page.get_by_role("button", name="Add hours on Saturday").focus()
        page.keyboard.press("Enter")
        # The new row's first field has the focus: type the times straight in.
        expect(page.get_by_label("From (Saturday, hours 1)")).to_be_focused()
        page.get_by_label("From (Saturday, hours 1)").fill("10:00")
        page.get_by_label("Until (Saturday, hours 1)").fill("12:30")
        page.get_by_label("Copy the hours of").select_option(label="Saturday")
        page.get_by_role("checkbox", name="Sunday").check()
        page.get_by_role("button", name="Copy", exact=True).click()
        expect(page.get_by_label("Until (Sunday, hours 1)")).to_have_value("12:30")
        page.get_by_role("button", name="Remove Friday hours 1").click()
        page.get_by_role("button", name="Add a date").click()
        page.get_by_label("Date (date 1)").fill("2026-12-24")
        screenshot(page, f"availability-editor-{width}")
        axe_check(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.get_by_label("Until (Sunday, hours 1)").press("Enter")  # Enter saves, not the nearest Add or Remove
        expect(page.get_by_role("status")).to_contain_text("Your availability is saved")
        profile = db.session.scalar(db.select(MentorProfile))
        assert sorted((w.weekday, w.start_time.strftime("%H:%M")) for w in profile.windows) == [
            (0, "09:00"), (1, "09:00"), (2, "09:00"), (3, "09:00"), (5, "10:00"), (6, "10:00")]
        assert [o.on_date.isoformat() for o in profile.overrides] == ["2026-12-24"]
        db.session.commit()
    finally:
        context.close()


def test_the_administrators_overview_has_no_accessibility_violations(db, make_organisation, make_user, make_run,
                                                                      enrol, check_both_widths):
    people = {"trainee": make_user("trainee", make_organisation()), "mentor": make_user("mentor")}
    enrol(make_run(mentors=[people["mentor"]]), people["trainee"])
    add_world(people)
    check_both_widths("/mentoring/overview", make_user("admin"), "admin")
