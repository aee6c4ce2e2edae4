"""Choosing sessions in the browser: register → choose sessions → ticket with the own programme, at 1280 and 375 px,
axe clean; the organisers' message page and the dashboard's events attended."""
from datetime import time, timedelta

import pytest

from core.extensions import db
from events.models import SessionChoice, SessionChoiceState, SessionKind
from tests.e2e.browser import expect
from tests.events.helpers import attend, new_event, new_registration, new_session, new_speaker


@pytest.fixture
def workshop_day(make_user):
    organiser = make_user("mentor", name="Morgan Mentor")
    event = new_event("Investigation workshop day", organiser=organiser, capacity=30)
    speaker = new_speaker("Dr Helen Achebe")
    new_session(event, "Welcome and the day's cases", start=time(9, 30), minutes=30)
    new_session(event, "Interviewing witnesses years later", start=time(10), minutes=90, room="Stream A: Moot court",
                kind=SessionKind.WORKSHOP, choice_capacity=12, speakers=[speaker])
    new_session(event, "Reading a case file with a very long title that has to wrap on a small phone screen",
                start=time(10), minutes=90, room="Stream B: Seminar room 2", kind=SessionKind.WORKSHOP,
                choice_capacity=1)
    new_session(event, "Lunch", start=time(12), minutes=60, kind=SessionKind.BREAK)
    new_session(event, "Forensic reports: what to ask", start=time(13), minutes=90, room="Stream A: Moot court",
                kind=SessionKind.WORKSHOP, choice_capacity=12)
    new_session(event, "Disclosure requests", start=time(13), minutes=90, room="Stream B: Seminar room 2",
                kind=SessionKind.WORKSHOP, choice_capacity=12)
    return {"event": event, "organiser": organiser}


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_register_choose_sessions_and_see_the_programme_on_the_ticket(live_server, workshop_day, make_user, request,
                                                                      sign_in, axe_check, screenshot, viewport):
    browser_page = request.getfixturevalue(viewport)
    size = "desktop" if viewport == "page" else "phone"
    event = workshop_day["event"]
    # someone else took the only place in Stream B's morning workshop
    other = new_registration(event, make_user("trainee"))
    full = next(s for s in event.sessions if s.choice_capacity == 1)
    db.session.add(SessionChoice(registration_id=other.id, session_id=full.id, state=SessionChoiceState.CHOSEN))
    db.session.commit()

    sign_in(browser_page, make_user("trainee", name="Rhys Registrant"))
    browser_page.goto(f"/events/{event.id}")
    browser_page.get_by_role("button", name="Register").click()
    expect(browser_page.get_by_text("You are registered for")).to_be_visible()
    axe_check(browser_page)
    browser_page.get_by_role("link", name="Choose my sessions").click()
    expect(browser_page.get_by_role("heading", name="Choose sessions")).to_be_visible()
    expect(browser_page.get_by_label("Reading a case file", exact=False)).to_be_disabled()
    expect(browser_page.get_by_label("None of these").first).to_be_enabled()
    browser_page.get_by_label("Interviewing witnesses years later").check()
    browser_page.get_by_label("Disclosure requests").check()
    axe_check(browser_page)
    screenshot(browser_page, f"{size}-event-choose-sessions")
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= browser_page.viewport_size["width"]
    browser_page.get_by_role("button", name="Save my choice").click()

    expect(browser_page.get_by_text("Sessions saved.")).to_be_visible()
    programme = browser_page.locator(".own-programme")
    expect(programme).to_contain_text("Interviewing witnesses years later")
    expect(programme).to_contain_text("Disclosure requests")
    expect(programme).not_to_contain_text("Forensic reports")
    expect(programme).to_contain_text("Welcome and the day's cases")
    axe_check(browser_page)
    screenshot(browser_page, f"{size}-event-ticket-programme")
    assert browser_page.evaluate("document.documentElement.scrollWidth") <= browser_page.viewport_size["width"]


def test_the_message_page_and_its_preview_have_no_accessibility_violations(workshop_day, make_user,
                                                                           check_both_widths, page, screenshot,
                                                                           axe_check):
    event, organiser = workshop_day["event"], workshop_day["organiser"]
    new_registration(event, make_user("trainee"))
    check_both_widths(f"/events/{event.id}/messages", organiser, "organiser")
    page.goto(f"/events/{event.id}/messages")
    page.get_by_label("Subject").fill("Rooms on the day")
    page.get_by_label("Message").fill("Stream B is in **Seminar room 2**, on the second floor.")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("button", name="Send to 1 person")).to_be_visible()
    axe_check(page)
    screenshot(page, "desktop-event-message-preview")


def test_the_events_attended_on_the_dashboard_have_no_accessibility_violations(workshop_day, make_user,
                                                                               check_both_widths):
    organiser = workshop_day["organiser"]
    trainee = make_user("trainee", name="Casey Caseworker")
    past = new_event("Evidence conference 2026", starts_in=timedelta(days=-40), organiser=organiser)
    new_session(past, "Opening", start=time(10), minutes=90)
    attend(new_registration(past, trainee), organiser)
    check_both_widths("/dashboard", trainee, "trainee-events-attended")
