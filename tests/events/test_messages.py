"""Organisers' messages to registrants: audiences, preview, one e-mail per person in one transaction, the request key
against double submits (also at once, over HTTP on PostgreSQL), bad input, the rate limit and the audit log."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.extensions import db as _db
from core.mail import OutgoingMail
from events.messages import audience_sizes
from events.models import EventMessage, MessageAudience, RegistrationState
from tests.conftest import form_token, signed_in_at
from tests.events.helpers import attend, new_event, new_registration


@pytest.fixture
def gathering(make_user):
    """An event organised by a mentor: two people with places (one checked in) and one waiting."""
    organiser = make_user("mentor", name="Olive Organiser")
    event = new_event(organiser=organiser)
    placed = [new_registration(event, make_user("trainee", name=name)) for name in ("Ann Placed", "Ben Placed")]
    waiting = new_registration(event, make_user("trainee", name="Wes Waiting"), RegistrationState.WAITLISTED)
    attend(placed[0], organiser)
    return event, organiser, placed, waiting


def _form(**changes):
    return {"audience": "registered", "subject": "Rooms for the workshop", "request_key": "key-1",
            "body": "Workshops are in **Room 2**.<script>alert(1)</script>", "preview": "Preview"} | changes


def test_each_audience_holds_the_right_people(db, gathering):
    event, _, _, _ = gathering
    assert audience_sizes(event) == {MessageAudience.REGISTERED: 2, MessageAudience.WAITLISTED: 1,
                                     MessageAudience.CHECKED_IN: 1}


def test_the_organiser_previews_then_sends_one_e_mail_per_person_once(client, db, login_as, outbox, gathering):
    event, organiser, placed, _ = gathering
    login_as(organiser)
    page = client.get(f"/events/{event.id}/messages")
    assert page.status_code == 200 and "Everyone holding a place (2 people)" in page.text
    preview = client.post(f"/events/{event.id}/messages", data=_form())
    assert preview.status_code == 200
    assert "<strong>Room 2</strong>" in preview.text and "<script>alert" not in preview.text
    assert 'value="Send to 2 people"' in preview.text and outbox() == []

    response = client.post(f"/events/{event.id}/messages", data=_form(preview=None, send="Send to 2 people"))
    assert response.status_code == 302
    messages = outbox()
    assert sorted(m["To"] for m in messages) == sorted(r.user.email for r in placed)
    for message in messages:
        assert message["Subject"] == f"Rooms for the workshop ({event.title})"
        name = next(r.user.display_name for r in placed if r.user.email == message["To"])
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert text.startswith(f"Hello {name},") and "Olive Organiser" in text
        assert "<strong>Room 2</strong>" in html and "<script>" not in html
    [sent] = db.session.scalars(select(EventMessage)).all()
    assert (sent.recipients, sent.audience, sent.sent_by_id) == (2, MessageAudience.REGISTERED, organiser.id)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.message")).detail["recipients"] == 2

    again = client.post(f"/events/{event.id}/messages", data=_form(preview=None, send="Send"), follow_redirects=True)
    assert "had been sent already" in again.text and len(outbox()) == 2
    assert "Rooms for the workshop" in client.get(f"/events/{event.id}/messages").text


@pytest.mark.parametrize("audience, who", [("waitlisted", ["Wes Waiting"]), ("checked_in", ["Ann Placed"])])
def test_the_waitlist_and_those_checked_in_are_audiences_too(client, db, login_as, outbox, gathering, audience, who):
    event, organiser, _, _ = gathering
    login_as(organiser)
    client.post(f"/events/{event.id}/messages", data=_form(audience=audience, preview=None, send="Send"))
    assert [m.get_body(("plain",)).get_content().splitlines()[0] for m in outbox()] == [f"Hello {n}," for n in who]


@pytest.mark.parametrize("changes, message", [
    ({"subject": ""}, "Give the message a subject."),
    ({"body": "  "}, "Write the message."),
    ({"subject": "x" * 201}, "Keep the subject under 200 characters."),
    ({"body": "x" * 20001}, "Keep the message under 20000 characters."),
    ({"audience": "everyone"}, "Not a valid choice"),
    ({"request_key": ""}, "This form is out of date"),
    ({"request_key": "k" * 65}, "This form is out of date"),
    ({"subject": "Nul\x00byte"}, ""),
])
def test_bad_input_is_refused_and_nothing_is_sent(client, db, login_as, outbox, gathering, changes, message):
    event, organiser, _, _ = gathering
    login_as(organiser)
    response = client.post(f"/events/{event.id}/messages", data=_form(preview=None, send="Send", **changes))
    assert response.status_code == 400 and message in response.text
    assert outbox() == [] and db.session.scalar(select(func.count(EventMessage.id))) == 0


def test_an_empty_audience_is_refused(client, db, login_as, make_user, outbox):
    organiser = make_user("mentor")
    event = new_event(organiser=organiser)
    login_as(organiser)
    response = client.post(f"/events/{event.id}/messages", data=_form(preview=None, send="Send"))
    assert response.status_code == 400 and "Nobody is in this audience yet" in response.text


def test_sending_is_limited_per_organiser_but_previews_are_not(client, db, login_as, outbox, gathering, rate_limits):
    event, organiser, _, _ = gathering
    login_as(organiser)
    for n in range(25):
        assert client.post(f"/events/{event.id}/messages", data=_form(request_key=f"p{n}")).status_code == 200
    for n in range(20):
        assert client.post(f"/events/{event.id}/messages",
                           data=_form(request_key=f"s{n}", preview=None, send="Send")).status_code == 302
    refused = client.post(f"/events/{event.id}/messages", data=_form(request_key="s20", preview=None, send="Send"))
    assert refused.status_code == 429 and db.session.scalar(select(func.count(EventMessage.id))) == 20


def test_ten_submits_of_one_message_at_once_send_it_once(gunicorn, make_user):
    organiser = make_user("mentor")
    event = new_event(organiser=organiser)
    for _ in range(3):
        new_registration(event, make_user("trainee"))
    session = signed_in_at(gunicorn, organiser)
    page = session.get(f"{gunicorn}/events/{event.id}/messages", timeout=60)
    data = _form(csrf_token=form_token(page.text, "csrf_token"), request_key=form_token(page.text, "request_key"),
                 preview=None, send="Send")
    barrier = threading.Barrier(10)

    def submit(_):
        barrier.wait(timeout=60)
        return session.post(f"{gunicorn}/events/{event.id}/messages", data=data, timeout=60, allow_redirects=False)

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = [r.status_code for r in pool.map(submit, range(10), timeout=120)]
    assert statuses == [302] * 10
    _db.session.expire_all()
    assert _db.session.scalar(select(func.count(EventMessage.id))) == 1
    assert _db.session.scalar(select(func.count(OutgoingMail.id)).where(OutgoingMail.subject.startswith("Rooms"))) == 3
