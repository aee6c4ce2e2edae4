"""The feedback survey in the browser: an attendee answers, the organiser reads the results; axe clean at 1280 and 375 px."""
from datetime import time, timedelta

import pytest

from core.extensions import db
from events import feedback
from events.models import SessionKind
from tests.events.helpers import attend, new_event, new_registration, new_session, new_speaker

#: (overall, ratings of the four talks in order, 0 for not attended, comments) of earlier respondents
EARLIER = [
    (5, (5, 0, 4, 5), "The eyewitness session changed how I read identification evidence."),
    (4, (4, 0, 4, 4), ""),
    (4, (0, 3, 4, 5), "Intake at scale needed more time for the exercise: we only reached the second letter."),
    (3, (3, 0, 2, 4), "Too much in one day; a second day or fewer talks would help."),
    (5, (0, 5, 5, 5), ""),
    (4, (5, 0, 3, 4), "More on disclosure, please: the panel was the highlight."),
    (2, (2, 0, 2, 3), ""),
    (4, (0, 4, 4, 4), ""),
    (5, (5, 0, 5, 5), "Well organised, and the programme on a phone was easy to follow."),
    (4, (4, 0, 3, 5), ""),
    (3, (0, 3, 3, 4), ""),
]


@pytest.fixture
def surveyed(make_user, curriculum):
    organiser = make_user("mentor", name="Morgan Mentor")
    event = new_event("National conference: why convictions go wrong", days=2, starts_in=timedelta(days=-3),
                      organiser=organiser)
    achebe, mensah = new_speaker("Dr Helen Achebe"), new_speaker("Grace Mensah", "Southbank Innocence Clinic")
    new_session(event, "Registration and coffee", start=time(9, 30), minutes=30, kind=SessionKind.BREAK)
    talks = [new_session(event, "Eyewitness identification after Turnbull", start=time(10), room="Stream A",
                         speakers=[achebe]),
             new_session(event, "Intake at scale: a mountain of letters", start=time(10), room="Stream B",
                         kind=SessionKind.WORKSHOP, speakers=[mensah]),
             new_session(event, "What makes a CCRC application succeed", start=time(11, 15), speakers=[mensah]),
             new_session(event, "Panel: disclosure failures and how to find them", day=1, start=time(10),
                         minutes=75, kind=SessionKind.PANEL, speakers=[achebe, mensah])]
    for number, (overall, ratings, comments) in enumerate(EARLIER):
        person = make_user("trainee", name=f"Delegate {number + 1}")
        attend(new_registration(event, person), organiser, day=number % 2)
        feedback.save_response(event, person, overall,
                               {talk.id: rating for talk, rating in zip(talks, ratings) if rating}, comments)
    trainee = make_user("trainee", name="Aoife Ní Bhriain")
    attend(new_registration(event, trainee), organiser)
    feedback.ask_for_feedback(event)
    db.session.commit()
    return {"event": event, "organiser": organiser, "trainee": trainee, "talks": talks}


def test_an_attendee_gives_feedback_and_the_organiser_reads_the_results(surveyed, page, phone_page, sign_in,
                                                                        axe_check, screenshot):
    from tests.e2e.browser import expect

    event = surveyed["event"]
    sign_in(page, surveyed["trainee"])
    page.goto(f"/events/{event.id}")
    page.get_by_role("link", name="Give feedback").click()
    axe_check(page)
    page.get_by_role("group", name="Eyewitness identification after Turnbull").get_by_label("4", exact=True).check()
    page.get_by_role("group", name="Panel: disclosure failures and how to find them").get_by_label(
        "5", exact=True).check()
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.get_by_text("Rate the event as a whole, from 1 to 5.").first).to_be_visible()
    axe_check(page)
    page.get_by_label("4 Very good").check()
    page.get_by_label("Comments").fill("Clear, practical and well paced.\nMore case studies next time, please.")
    page.get_by_role("button", name="Send my feedback").click()
    expect(page.get_by_text("Thank you: your feedback is saved.")).to_be_visible()
    page.get_by_role("link", name="Change my feedback").click()
    expect(page.get_by_role("group", name="Eyewitness identification after Turnbull").get_by_label(
        "4", exact=True)).to_be_checked()
    screenshot(page, "desktop-feedback-form")

    sign_in(phone_page, surveyed["organiser"])
    phone_page.goto(f"/events/{event.id}")
    phone_page.get_by_role("link", name="Feedback results").click()
    expect(phone_page.get_by_text("12 of 12 attendees (100%)")).to_be_visible()
    expect(phone_page.get_by_text("More case studies next time, please.")).to_be_visible()
    axe_check(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(phone_page, "phone-feedback-results")


@pytest.mark.parametrize("who, path", [
    ("trainee", "/events/{event}/feedback"),
    ("trainee", "/events/{event}"),
    ("organiser", "/events/{event}/feedback/results"),
    ("organiser", "/events/{event}/feedback/settings"),
])
def test_feedback_pages_have_no_accessibility_violations(surveyed, check_both_widths, who, path):
    check_both_widths(path.format(event=surveyed["event"].id), surveyed[who], who)
