"""Demo events: a past two-day national conference (two streams, eight talks by five speakers, each with its
recording and slides) and an upcoming one-day workshop open for registration with a few places left."""
import io
from datetime import date, time, timedelta
from pathlib import Path

import fontpkg_noto_sans
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from certificates.operations import new_code
from core.db import utcnow
from core.extensions import db
from core.timezones import local_to_utc
from curriculum.models import Module
from events import media
from events.models import (
    AttendanceCertificate,
    Event,
    EventCheckIn,
    EventKind,
    EventRegistration,
    EventSession,
    MaterialKind,
    RegistrationState,
    SessionKind,
    Speaker,
)

ZONE = "Europe/London"
CONFERENCE = "National conference: why convictions go wrong"
WORKSHOP = "Workshop: triaging applications to the CCRC"

SPEAKERS = {
    # name: (role, organisation, biography)
    "Dr Helen Achebe": ("Senior lecturer in evidence", "Northtown Law School",
                        "Researches eyewitness memory and how courts weigh identification evidence."),
    "Martin Ferris KC": ("King's Counsel", "Tanner Chambers",
                         "Has appeared in more than forty appeals referred by the Criminal Cases Review Commission."),
    "Priya Raman": ("Case review manager", "Criminal Cases Review Commission (former)",
                    "Spent twelve years reviewing applications; now trains clinic caseworkers."),
    "Prof. Owen Lloyd": ("Professor of forensic science", "University of the Valleys",
                         "Writes on the limits of forensic techniques, from fibres to cell-site analysis."),
    "Grace Mensah": ("Director", "Southbank Innocence Clinic",
                     "Runs a clinic of forty students and a caseload of about sixty applications a year."),
}

#: (day, start, end, room, title, kind, speakers, module slugs)
CONFERENCE_PROGRAMME = [
    (0, time(9, 30), time(10, 0), "", "Registration and coffee", SessionKind.BREAK, [], []),
    (0, time(10, 0), time(11, 0), "Main hall", "Keynote: thirty years of referrals", SessionKind.TALK,
     ["Martin Ferris KC"], ["appeals-law"]),
    (0, time(11, 15), time(12, 15), "Stream A: Main hall", "Eyewitness identification after Turnbull",
     SessionKind.TALK, ["Dr Helen Achebe"], ["evidence-fallibility"]),
    (0, time(11, 15), time(12, 15), "Stream B: Seminar room", "Intake at scale: a mountain of letters",
     SessionKind.TALK, ["Grace Mensah"], ["intake-eligibility"]),
    (0, time(12, 15), time(13, 15), "", "Lunch", SessionKind.BREAK, [], []),
    (0, time(13, 15), time(14, 30), "Stream A: Main hall", "What makes a CCRC application succeed",
     SessionKind.TALK, ["Priya Raman"], ["ccrc-applications"]),
    (0, time(13, 15), time(14, 30), "Stream B: Seminar room", "Forensic science on trial", SessionKind.TALK,
     ["Prof. Owen Lloyd"], ["forensic-science"]),
    (1, time(9, 30), time(10, 30), "Stream A: Main hall", "Fresh evidence and the Court of Appeal",
     SessionKind.TALK, ["Martin Ferris KC"], ["appeals-law"]),
    (1, time(9, 30), time(10, 30), "Stream B: Seminar room", "Managing a team of forty caseworkers",
     SessionKind.TALK, ["Grace Mensah"], ["team-management"]),
    (1, time(10, 45), time(12, 0), "Main hall", "Disclosure failures and how to find them",
     SessionKind.TALK, ["Priya Raman", "Dr Helen Achebe"], ["investigation-methods"]),
]

#: where the demo's recordings are said to be (a documentation domain: the links lead nowhere real)
RECORDINGS_AT = "https://video.example.org/casework-academy/"

#: who holds a place at each (the workshop keeps three of its seven places free, one of them for the demo trainee)
ATTENDEES = {
    CONFERENCE: ["leader@example.org", "trainee@example.org", "trainee2@example.org", "trainee3@example.org"],
    WORKSHOP: ["leader@example.org", "trainee2@example.org", "trainee3@example.org", "trainee4@example.org"],
}

WORKSHOP_PROGRAMME = [
    (0, time(10, 0), time(11, 15), "", "Is it eligible? The CCRC's criteria in practice", SessionKind.TALK,
     ["Priya Raman"], ["intake-eligibility"]),
    (0, time(11, 15), time(11, 30), "", "Break", SessionKind.BREAK, [], []),
    (0, time(11, 30), time(13, 0), "Stream A: Moot court", "Triage exercise: three mock applications",
     SessionKind.WORKSHOP, ["Grace Mensah"], ["intake-eligibility"]),
    (0, time(11, 30), time(13, 0), "Stream B: Seminar room", "Drafting the summary of grounds",
     SessionKind.WORKSHOP, ["Priya Raman"], ["ccrc-applications"]),
]

#: the workshop's parallel sessions, each person chooses one: the places in each
CHOICE_PLACES = {"Triage exercise: three mock applications": 4, "Drafting the summary of grounds": 4}

#: who checked in at the conference on both days (the other attendees came on the first day only)
BOTH_DAYS = {"trainee@example.org", "leader@example.org"}


def _speakers() -> dict[str, Speaker]:
    found = {s.name: s for s in db.session.scalars(select(Speaker).where(Speaker.name.in_(list(SPEAKERS))))}
    for name, (role, organisation, biography) in SPEAKERS.items():
        if name not in found:
            found[name] = Speaker(name=name, role=role, organisation=organisation, biography=biography)
            db.session.add(found[name])
    return found


def _event(title: str, kind: EventKind, first_day: date, days: int, starts: time, ends: time, capacity: int,
           programme, speakers, people, summary: str, audience: str) -> Event | None:
    if db.session.scalar(select(Event.id).where(Event.title == title)) is not None:
        return None
    starts_at = local_to_utc(first_day, starts, ZONE)
    event = Event(title=title, kind=kind, timezone=ZONE, starts_at=starts_at,
                  ends_at=local_to_utc(first_day + timedelta(days=days - 1), ends, ZONE),
                  venue="Northtown Law School, Moot Court Building", capacity=capacity, summary=summary,
                  audience=audience, registration_opens_at=starts_at - timedelta(days=60),
                  registration_closes_at=starts_at, organiser=people["mentor@example.org"], is_published=True)
    modules = {m.slug: m for m in db.session.scalars(select(Module))}
    for day, start, end, room, session_title, session_kind, names, slugs in programme:
        local_day = first_day + timedelta(days=day)
        event.sessions.append(EventSession(
            title=session_title, kind=session_kind, room=room, starts_at=local_to_utc(local_day, start, ZONE),
            ends_at=local_to_utc(local_day, end, ZONE), speakers=[speakers[name] for name in names],
            modules=[modules[slug] for slug in slugs if slug in modules],
            choice_capacity=CHOICE_PLACES.get(session_title)))
    for email in ATTENDEES[title]:
        event.registrations.append(EventRegistration(user=people[email], state=RegistrationState.REGISTERED,
                                                     code=new_code(), registered_by=people["leader@example.org"]))
    db.session.add(event)
    return event


def load_events_demo(people) -> None:
    """Safe to run again: each event is added only if no event has its title."""
    speakers = _speakers()
    _photos(speakers.values())
    today = utcnow().date()
    held = _event(CONFERENCE, EventKind.CONFERENCE, today - timedelta(days=60), 2, time(9, 30), time(12, 0), 120,
           CONFERENCE_PROGRAMME, speakers, people,
           "Two days with practitioners and researchers on the causes of wrongful convictions — mistaken "
           "identification, flawed forensic science, non-disclosure — and on how they are challenged.",
           "Project leaders, supervisors and caseworkers")
    _event(WORKSHOP, EventKind.WORKSHOP, today + timedelta(days=28), 1, time(10), time(13), 7,
           WORKSHOP_PROGRAMME, speakers, people,
           "A hands-on morning: apply the CCRC's eligibility criteria to three mock applications, with the "
           "people who have done it for years.", "Caseworkers in their first year")
    db.session.flush()
    if held is not None:
        _check_ins(held, people)
    conference = db.session.scalar(select(Event).where(Event.title == CONFERENCE))
    _recordings_and_slides(conference)


def _check_ins(conference: Event, people) -> None:
    """The conference's attendees checked in at the door (so their dashboards show the hours), with certificates."""
    by_email = {person.id: email for email, person in people.items()}
    for registration in conference.registrations:
        days = conference.days if by_email.get(registration.user_id) in BOTH_DAYS else conference.days[:1]
        for day in days:
            db.session.add(EventCheckIn(registration_id=registration.id, day=day,
                                        checked_in_at=local_to_utc(day, time(9, 20), ZONE),
                                        checked_in_by_id=conference.organiser_id))
        db.session.add(AttendanceCertificate(registration_id=registration.id, code=new_code(),
                                             issued_at=local_to_utc(days[0], time(9, 20), ZONE)))


def _recordings_and_slides(conference: Event) -> None:
    """Each talk's recording and slides (a small PDF made here), for talks that have neither yet."""
    for session in conference.sessions:
        if not session.counts_as_training or session.materials:
            continue
        slug = "-".join("".join(c for c in word if c.isalnum()) for word in session.title.lower().split()[:4])
        media.add_material(session, MaterialKind.RECORDING, "", f"demo-recording-{session.id}", None,
                           url=RECORDINGS_AT + slug)
        media.add_material(session, MaterialKind.SLIDES, "", f"demo-slides-{session.id}", None,
                           slides=media.check_slides(f"{slug}.pdf", _slides_pdf(conference, session)))


def _slides_pdf(event: Event, session: EventSession) -> bytes:
    """Three slides in 16:9: the title, what the talk covered, and where to study it further."""
    pdf = FPDF(orientation="L", format=(190.5, 338.7))
    pdf.set_title(session.title)
    pdf.set_author(", ".join(speaker.name for speaker in session.speakers))
    pdf.set_margins(25, 25, 25)
    pdf.add_font("NotoSans", "", Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf")
    pages = [
        (session.title, [", ".join(speaker.name for speaker in session.speakers), event.title,
                         event.local(session.starts_at, "%-d %B %Y")]),
        ("What this talk covered", [f"- {module.title}: {module.summary}" for module in session.modules]
         or ["- The talk's main points"]),
        ("Study it further", ["Casework Academy: the modules " + ", ".join(m.title for m in session.modules),
                              "Recording and these slides: the event's programme and the archive of past events"]),
    ]
    for heading, lines in pages:
        pdf.add_page()
        pdf.set_fill_color(23, 60, 105)
        pdf.rect(0, 0, pdf.w, 12, style="F")
        pdf.set_y(35)
        pdf.set_font("NotoSans", "", 30)
        pdf.multi_cell(0, 14, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
        pdf.set_font("NotoSans", "", 18)
        for line in lines:
            pdf.multi_cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    return bytes(pdf.output())


#: a colour for each speaker's placeholder photo
_PHOTO_COLOURS = [(23, 60, 105), (120, 40, 60), (30, 100, 80), (110, 80, 20), (70, 50, 120)]


def _photos(speakers) -> None:
    """A placeholder photo (initials on a colour) for each speaker without one, through the upload's own checks."""
    for number, speaker in enumerate(sorted(speakers, key=lambda s: s.name)):
        if speaker.photo_key is not None:
            continue
        image = Image.new("RGB", (600, 600), _PHOTO_COLOURS[number % len(_PHOTO_COLOURS)])
        initials = "".join(word[0] for word in speaker.name.replace("Prof.", "").replace("Dr ", "").split()[:2])
        ImageDraw.Draw(image).text((300, 300), initials, fill="white", anchor="mm",
                                   font=ImageFont.load_default(size=220))
        out = io.BytesIO()
        image.save(out, "PNG")
        media.set_photo(speaker, media.prepare_photo(out.getvalue()))
