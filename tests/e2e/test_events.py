"""Event pages in the browser: axe clean at 1280 and 375 px, no sideways scroll."""
from datetime import time, timedelta

import pytest

from events.models import SessionKind
from tests.events.helpers import new_event, new_session, new_speaker


@pytest.fixture
def conference(make_user, curriculum):
    organiser = make_user("mentor", name="Morgan Mentor")
    event = new_event("National conference: why convictions go wrong", days=2, organiser=organiser)
    speaker = new_speaker("Dr Helen Achebe")
    new_session(event, "Registration and coffee", start=time(9, 30), minutes=30, kind=SessionKind.BREAK)
    new_session(event, "Eyewitness identification after Turnbull", start=time(10), room="Stream A: Main hall",
                speakers=[speaker])
    new_session(event, "Intake at scale: a mountain of letters with a very long title that must wrap on a phone",
                start=time(10), room="Stream B: Seminar room", kind=SessionKind.WORKSHOP)
    new_session(event, "Panel: disclosure failures", day=1, start=time(11), minutes=75, kind=SessionKind.PANEL,
                speakers=[speaker])
    past = new_event("Miscarriages of justice 2025", starts_in=timedelta(days=-200))
    return {"event": event, "speaker": speaker, "organiser": organiser, "past": past}


@pytest.mark.parametrize("who, path", [
    (None, "/events"),
    (None, "/events/{event}"),
    (None, "/events/past"),
    (None, "/speakers/{speaker}"),
    ("organiser", "/events/{event}"),
    ("organiser", "/events/{event}/sessions/new"),
])
def test_event_pages_have_no_accessibility_violations(conference, check_both_widths, who, path):
    url = path.format(event=conference["event"].id, speaker=conference["speaker"].id)
    check_both_widths(url, conference.get(who), who or "public")


@pytest.mark.parametrize("who, path", [
    ("trainee", "/event-registrations/{registration}/ticket"),
    ("organiser", "/events/{event}/check-in?q=a"),
    ("organiser", "/events/{event}/check-in/{code}"),
])
def test_ticket_and_check_in_pages_have_no_accessibility_violations(conference, make_user, check_both_widths,
                                                                    who, path):
    from tests.events.helpers import attend, new_registration

    event, organiser = conference["event"], conference["organiser"]
    trainee = make_user("trainee", name="Aoife Ní Bhriain")
    registration = new_registration(event, trainee)
    attend(new_registration(event, make_user("trainee", name="Aaron Early")), organiser)
    url = path.format(registration=registration.id, event=event.id, code=registration.code)
    check_both_widths(url, {"trainee": trainee, "organiser": organiser}[who], who)


def test_an_attendee_registers_shows_a_ticket_and_is_checked_in_on_a_phone(conference, make_user, page,
                                                                          phone_page, sign_in):
    from tests.e2e.browser import expect

    event, organiser = conference["event"], conference["organiser"]
    trainee = make_user("trainee", name="Rhys Registrant")
    sign_in(page, trainee)
    page.goto(f"/events/{event.id}")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("You are registered for")).to_be_visible()
    page.get_by_role("link", name="My ticket and programme").click()
    code = page.locator("strong.font-monospace").inner_text()

    sign_in(phone_page, organiser)
    phone_page.goto(f"/events/{event.id}/check-in")
    phone_page.get_by_label("Name or check-in code").fill("rhys")
    phone_page.get_by_role("button", name="Search").click()
    phone_page.get_by_role("button", name="Check in Rhys Registrant").click()
    expect(phone_page.get_by_text("Rhys Registrant is checked in.")).to_be_visible()
    phone_page.goto(f"/events/{event.id}/check-in/{code}")
    expect(phone_page.get_by_text("Checked in at")).to_be_visible()
