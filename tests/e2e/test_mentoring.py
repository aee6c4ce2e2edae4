"""A trainee books a mentoring session in the browser; the mentoring pages are axe clean at 1280 and 375 px."""
import pytest

from mentoring.models import Booking
from tests.e2e.browser import expect
from tests.mentoring.helpers import add_world, open_every_day


def test_a_trainee_picks_a_free_time_and_books_it(page, db, make_user, make_run, enrol, sign_in, screenshot,
                                                   axe_check):
    mentor = make_user("mentor", name="Morgan Mentor")
    trainee = make_user("trainee", name="Casey Trainee")
    enrol(make_run(mentors=[mentor]), trainee)
    open_every_day(mentor, session_lengths=[30, 60])
    sign_in(page, trainee)
    page.get_by_role("link", name="Mentoring", exact=True).click()
    page.get_by_role("link", name="Book a session").click()
    page.get_by_role("link", name="See free times with Morgan Mentor").click()
    page.get_by_role("link", name="60 minutes").click()
    page.locator(".slot-option input").first.check()
    screenshot(page, "mentoring-slots")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Topic").fill("Reading the case papers")
    page.get_by_label("Agenda").fill("The summing-up and the grounds.")
    screenshot(page, "mentoring-book-form")
    axe_check(page)
    page.get_by_role("button", name="Book this session").click()
    expect(page.get_by_role("status")).to_contain_text("Your session is booked")
    expect(page.get_by_role("heading", name="Reading the case papers")).to_be_visible()
    screenshot(page, "mentoring-booked")
    axe_check(page)
    booking = db.session.scalar(db.select(Booking))
    assert booking.learner_id == trainee.id and (booking.ends_at - booking.starts_at).seconds == 3600


@pytest.mark.parametrize("role, path", [
    ("trainee", "/mentoring/"),
    ("trainee", "/mentoring/mentors/{mentor}/book"),
    ("trainee", "/mentoring/sessions"),
    ("trainee", "/mentoring/sessions/{booking}"),
    ("trainee", "/mentoring/sessions/{booking}/reschedule"),
    ("mentor", "/mentoring/week"),
    ("mentor", "/mentoring/availability"),
    ("mentor", "/mentoring/sessions/{booking}/notes"),
])
def test_mentoring_pages_have_no_accessibility_violations(db, make_organisation, make_user, make_run, enrol,
                                                          check_both_widths, role, path):
    people = {"trainee": make_user("trainee", make_organisation()), "mentor": make_user("mentor")}
    enrol(make_run(mentors=[people["mentor"]]), people["trainee"])
    ids = add_world(people)
    check_both_widths(path.format(**ids), people[role], role)
