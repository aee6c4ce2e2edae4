"""Recordings, slides and speakers' photos in the browser: axe clean at 1280 and 375 px, and a trainee studying a
module finds the talk about it."""
import re
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from curriculum.models import Module
from tests.events.helpers import new_event, new_session, new_speaker
from tests.events.media_helpers import add_recording, add_slides, give_photo


def _named(label: str, talk) -> re.Pattern:
    """A material's link: its label, then (hidden on screen) the talk it belongs to."""
    return re.compile(rf"^{re.escape(label)}\s*: {re.escape(talk.title)}$")


@pytest.fixture
def archive(make_user, curriculum):
    module = db.session.scalar(select(Module).where(Module.slug == "appeals-basics"))
    organiser = make_user("mentor", name="Morgan Mentor")
    speaker = new_speaker("Martin Ferris KC", organisation="Tanner Chambers")
    give_photo(speaker)
    event = new_event("National conference: why convictions go wrong", days=2, starts_in=timedelta(days=-60),
                      organiser=organiser)
    talk = new_session(event, "Fresh evidence and the Court of Appeal", start=time(10), room="Stream A: Main hall",
                       speakers=[speaker], modules=[module])
    other = new_session(event, "Intake at scale: a mountain of letters with a long title that must wrap on a phone",
                        start=time(10), room="Stream B: Seminar room", speakers=[new_speaker("Grace Mensah")])
    for session in (talk, other):
        add_recording(session, f"https://video.example.org/conference/{session.id}")
        add_slides(session)
    db.session.commit()
    return {"event": event, "talk": talk, "speaker": speaker, "organiser": organiser, "module": module}


@pytest.mark.parametrize("who, path", [
    (None, "/events/{event}"),
    (None, "/events/past"),
    (None, "/speakers/{speaker}"),
    (None, "/modules/appeals-basics"),
    ("organiser", "/events/{event}/sessions/{talk}/edit"),
])
def test_pages_with_recordings_slides_and_photos_have_no_accessibility_violations(archive, check_both_widths, who,
                                                                                    path):
    url = path.format(event=archive["event"].id, speaker=archive["speaker"].id, talk=archive["talk"].id)
    check_both_widths(url, archive.get(who), who or "public")


def test_a_trainee_on_a_module_page_finds_the_talk_its_recording_and_slides(archive, make_user, page, phone_page,
                                                                            sign_in):
    from tests.e2e.browser import expect

    event, talk = archive["event"], archive["talk"]
    for viewer in (page, phone_page):
        sign_in(viewer, make_user("trainee"))
        viewer.goto("/modules/appeals-basics")
        talks = viewer.get_by_role("region", name="Talks about this module")
        expect(talks.get_by_role("link", name=_named("Recording (on video.example.org)", talk))).to_have_attribute(
            "href", f"https://video.example.org/conference/{talk.id}")
        slides = talks.get_by_role("link", name=_named("Slides (PDF, 1 KB)", talk))
        pdf = viewer.request.get(slides.get_attribute("href"))
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
        talks.get_by_role("link", name=talk.title, exact=True).click()
        viewer.wait_for_url(f"**/events/{event.id}#session-{talk.id}")
        session = viewer.locator(f"#session-{talk.id}")
        expect(session.locator("img.speaker-avatar")).to_be_visible()  # decorative: the linked name beside it says who
        expect(session.get_by_role("link", name="Martin Ferris KC")).to_be_visible()
        expect(session.get_by_role("link", name=_named("Slides (PDF, 1 KB)", talk))).to_be_visible()


def test_the_organiser_adds_a_recording_and_uploads_slides_on_a_phone(archive, phone_page, sign_in, tmp_path):
    from tests.e2e.browser import expect
    from tests.modules.signoff_helpers import pdf_bytes

    event, talk = archive["event"], archive["talk"]
    sign_in(phone_page, archive["organiser"])
    phone_page.goto(f"/events/{event.id}/sessions/{talk.id}/edit")
    phone_page.get_by_label("Link to the recording").fill("http://insecure.example.org/video")
    phone_page.get_by_role("button", name="Add the recording").click()
    expect(phone_page.get_by_text("Enter a full https:// link to the recording.").last).to_be_visible()
    phone_page.get_by_label("Link to the recording").fill("https://video.example.org/part-2")
    phone_page.locator("#recording-label").fill("Part 2")
    phone_page.get_by_role("button", name="Add the recording").click()
    expect(phone_page.get_by_text(f"Recording added to {talk.title}.")).to_be_visible()
    handout = tmp_path / "handout.pdf"
    handout.write_bytes(pdf_bytes("Handout"))
    phone_page.get_by_label("Slides", exact=True).set_input_files(str(handout))
    phone_page.locator("#slides-label").fill("Handout")
    phone_page.get_by_role("button", name="Upload the slides").click()
    expect(phone_page.get_by_text(f"Slides added to {talk.title}.")).to_be_visible()
    phone_page.goto(f"/events/{event.id}")
    session = phone_page.locator(f"#session-{talk.id}")
    expect(session.get_by_role("link", name=_named("Part 2 (on video.example.org)", talk))).to_be_visible()
    expect(session.get_by_role("link", name=_named("Handout (PDF, 1 KB)", talk))).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
