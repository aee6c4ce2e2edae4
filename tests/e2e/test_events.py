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
