from core.extensions import db as _db
from core.mail import MailState, OutgoingMail


def test_the_administrator_sends_a_failed_message_again(page, db, make_user, check_both_widths, screenshot):
    _db.session.add(OutgoingMail(message_id="<lost@casework-academy>", recipient="leader@example.org",
                                 subject="Join Northern Innocence Project", content=b"Subject: Join\r\n\r\nbody\r\n",
                                 state=MailState.FAILED, attempts=8,
                                 last_error="SMTPRecipientsRefused: 550 mailbox unavailable"))
    _db.session.commit()
    admin = make_user("admin")
    check_both_widths("/admin/mail", admin, "admin")
    page.goto("/admin/mail")
    page.get_by_role("button", name="Send again").click()
    assert "is being sent again" in page.locator(".alert").inner_text()
    page.get_by_role("link", name="Sent").click()
    assert "leader@example.org" in page.locator("table").inner_text()
    screenshot(page, "desktop-admin-mail-sent")
