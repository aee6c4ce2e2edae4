import re

import pytest

from courses.models import EnrolmentState
from tests.e2e.browser import expect


def test_a_trainee_enrols_reads_a_lesson_and_sees_progress_move(page, db, make_user, make_run, sign_in, screenshot,
                                                               axe_check):
    trainee = make_user("trainee", name="Casey Trainee")
    run = make_run(capacity=3)
    sign_in(page, trainee)
    page.goto("/")
    page.get_by_role("link", name="Appeals workshop").click()
    page.get_by_role("link", name=re.compile(r"\d{4}")).first.click()
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("status")).to_contain_text("You are enrolled")
    screenshot(page, "run-enrolled")
    page.goto("/dashboard")
    expect(page.get_by_text("0 of 2 lessons").first).to_be_visible()
    page.get_by_role("link", name="Routes of appeal").click()
    expect(page.get_by_role("heading", name="Routes of appeal")).to_be_visible()
    expect(page.get_by_text("1 of 2 lessons")).to_be_visible()
    screenshot(page, "lesson")
    axe_check(page)
    page.get_by_role("link", name="The unsafe test →").click()
    expect(page.get_by_text("2 of 2 lessons")).to_be_visible()
    page.goto("/dashboard")
    expect(page.get_by_text("2 of 2 lessons").first).to_be_visible()
    screenshot(page, "dashboard-trainee")
    from courses.models import Enrolment

    assert db.session.scalar(db.select(Enrolment.state).where(Enrolment.run_id == run.id)) is EnrolmentState.ENROLLED


def test_bad_sign_in_shows_the_error_beside_the_field(page, make_user, axe_check, screenshot, db):
    user = make_user("trainee")
    page.goto("/sign-in")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#password-error")).to_have_text("The e-mail address or password is not right.")
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")
    screenshot(page, "sign-in-error")
    axe_check(page)


@pytest.mark.parametrize("role, path", [
    (None, "/"),
    (None, "/courses/appeals-workshop"),
    (None, "/courses/two-week-programme"),
    (None, "/modules/appeals-basics"),
    (None, "/sign-in"),
    (None, "/register"),
    ("trainee", "/dashboard"),
    ("trainee", "/modules/appeals-basics/lessons/01-routes"),
    ("leader", "/dashboard"),
    ("leader", "/organisations/{organisation}"),
    ("mentor", "/dashboard"),
    ("admin", "/dashboard"),
    ("admin", "/admin/runs/new"),
    ("admin", "/admin/organisations"),
])
def test_pages_have_no_accessibility_violations(db, make_organisation, make_user, make_run, enrol, check_both_widths,
                                                role, path):
    organisation = make_organisation()
    people = {"trainee": make_user("trainee", organisation), "leader": make_user("leader", organisation),
              "mentor": make_user("mentor"), "admin": make_user("admin")}
    run = make_run(mentors=[people["mentor"]])
    enrol(run, people["trainee"])
    check_both_widths(path.format(organisation=organisation.id), people.get(role), role or "public")
