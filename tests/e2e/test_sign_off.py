"""Sign-off in the browser: the trainee sends an answer with a PDF; the mentor works the queue and signs off."""
from core.extensions import db
from modules.models import SignOff, SignOffState
from tests.e2e.browser import expect
from tests.modules.signoff_helpers import pdf_bytes, ready_trainee


def test_the_mentor_signs_off_from_the_queue(page, phone_page, make_user, make_organisation, make_run, enrol,
                                             finish_module, sign_in, axe_check, screenshot, check_both_widths,
                                             tmp_path):
    mentor = make_user("mentor", name="Mina Mentor")
    trainee, _ = ready_trainee(make_user, make_organisation, make_run, enrol, finish_module, mentors=[mentor])
    evidence_file = tmp_path / "grounds.pdf"
    evidence_file.write_bytes(pdf_bytes("Grounds of appeal"))

    sign_in(page, trainee)
    page.goto("/modules/appeals-basics")
    page.get_by_role("link", name="Ask for sign-off").click()
    page.get_by_role("button", name="Send for sign-off").click()
    expect(page.locator("#answer-error")).to_contain_text("Write your answer to the exercise.")
    axe_check(page)
    page.get_by_label("Your answer to the exercise").fill("Fresh evidence under section 23, and non-disclosure.")
    page.get_by_label("Attach a file (optional)").set_input_files(str(evidence_file))
    page.get_by_role("button", name="Send for sign-off").click()
    expect(page.get_by_text("Sent for sign-off.")).to_be_visible()
    page.context.clear_cookies()

    sign_off = db.session.scalars(db.select(SignOff)).one()
    db.session.commit()  # end the test's read, so the server can write (SQLite has one writer)
    check_both_widths("/sign-offs", mentor, label="mentor")  # leaves `page` signed in as the mentor
    page.goto("/sign-offs")
    page.get_by_role("link", name=f"Review {trainee.display_name}, Appeals basics").click()
    expect(page.get_by_text("Fresh evidence under section 23")).to_be_visible()
    expect(page.get_by_role("link", name="grounds.pdf")).to_be_visible()
    axe_check(page)
    page.get_by_label("Sign off: ready for casework on this topic").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator("#criterion_1-error")).to_contain_text("Comment on this criterion")
    axe_check(page)
    screenshot(page, "desktop-mentor-sign-off-error")
    page.get_by_label("Identifies the grounds").fill("Both grounds identified and sourced.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text(f"Signed off: {trainee.display_name} is told by e-mail.")).to_be_visible()
    assert db.session.scalar(db.select(SignOff.state).where(SignOff.id == sign_off.id)) is SignOffState.SIGNED_OFF
    db.session.commit()  # end the read before the server writes again

    phone_page.context.clear_cookies()
    sign_in(phone_page, trainee)
    phone_page.goto(f"/sign-offs/{sign_off.id}")
    expect(phone_page.get_by_text("Both grounds identified and sourced.")).to_be_visible()
    axe_check(phone_page)
    screenshot(phone_page, "phone-trainee-signed-off")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
