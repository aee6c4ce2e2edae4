"""The demo holds a past two-day conference and an upcoming workshop, so `make run` shows both at once."""
from pathlib import Path

from sqlalchemy import func, select

from core.extensions import db
from demo.events import CONFERENCE, CONFERENCE_PROGRAMME, WORKSHOP, WORKSHOP_PROGRAMME
from events import media
from events.models import Event, EventSession, MaterialKind, SessionKind, SessionMaterial, Speaker

CONTENT = Path(__file__).parent.parent.parent / "content" / "modules"


def test_the_demo_programmes_name_real_modules():
    slugs = {slug for programme in (CONFERENCE_PROGRAMME, WORKSHOP_PROGRAMME) for *_, slugs in programme
             for slug in slugs}
    assert slugs and all((CONTENT / slug / "module.yaml").exists() for slug in slugs), slugs


def test_demo_load_adds_a_past_conference_and_an_upcoming_workshop(runner, client, curriculum, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    conference = db.session.scalar(select(Event).where(Event.title == CONFERENCE))
    workshop = db.session.scalar(select(Event).where(Event.title == WORKSHOP))
    assert conference.is_past() and len(conference.days) == 2
    talks = [s for s in conference.sessions if s.counts_as_training]
    assert len(talks) == 8 and {talk.kind for talk in talks} == {SessionKind.TALK}
    assert len({speaker.id for talk in talks for speaker in talk.speakers}) == 5
    assert len({s.room for s in talks if s.room.startswith("Stream")}) == 2
    assert all(speaker.photo_key for talk in talks for speaker in talk.speakers)
    for talk in talks:
        assert [material.kind for material in talk.materials] == [MaterialKind.RECORDING, MaterialKind.SLIDES]
        slides = next(m for m in talk.materials if m.kind is MaterialKind.SLIDES)
        assert media.slides_folder.path_of(slides.file_key).read_bytes().startswith(b"%PDF")
    assert not workshop.is_past() and workshop.is_registration_open() and len(workshop.days) == 1
    assert "3 of 7 places left" in client.get(f"/events/{workshop.id}").text
    assert "4 of 4 places left" in client.get(f"/events/{workshop.id}").text  # each parallel workshop
    client.post("/sign-in", data={"email": "trainee@example.org", "password": "demo password 123"})
    assert "Events attended (CPD)" in client.get("/dashboard").text
    assert "Recording (on video.example.org)" in client.get("/events/past").text

    assert workshop.title in client.get("/events").text
    assert conference.title in client.get("/events/past").text
    page = client.get(f"/events/{conference.id}").text
    assert "Eyewitness identification after Turnbull" in page and "Stream B: Seminar room" in page

    counts = [db.session.scalar(select(func.count(m.id))) for m in (Event, EventSession, Speaker, SessionMaterial)]
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert counts == [db.session.scalar(select(func.count(m.id)))
                      for m in (Event, EventSession, Speaker, SessionMaterial)]
