"""Demo events: last year's two-day national conference (two streams, eight talks) and an upcoming workshop."""
from datetime import date, time, timedelta

from sqlalchemy import select

from certificates.operations import new_code
from core.db import utcnow
from core.extensions import db
from core.timezones import local_to_utc
from curriculum.models import Module
from events.models import Event, EventKind, EventRegistration, EventSession, RegistrationState, SessionKind, Speaker

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
     SessionKind.WORKSHOP, ["Grace Mensah"], ["intake-eligibility"]),
    (0, time(12, 15), time(13, 15), "", "Lunch", SessionKind.BREAK, [], []),
    (0, time(13, 15), time(14, 30), "Stream A: Main hall", "What makes a CCRC application succeed",
     SessionKind.TALK, ["Priya Raman"], ["ccrc-applications"]),
    (0, time(13, 15), time(14, 30), "Stream B: Seminar room", "Forensic science on trial", SessionKind.TALK,
     ["Prof. Owen Lloyd"], ["forensic-science"]),
    (1, time(9, 30), time(10, 30), "Stream A: Main hall", "Fresh evidence and the Court of Appeal",
     SessionKind.TALK, ["Martin Ferris KC"], ["appeals-law"]),
    (1, time(9, 30), time(10, 30), "Stream B: Seminar room", "Managing a team of forty caseworkers",
     SessionKind.WORKSHOP, ["Grace Mensah"], ["team-management"]),
    (1, time(10, 45), time(12, 0), "Main hall", "Panel: disclosure failures and how to find them",
     SessionKind.PANEL, ["Priya Raman", "Prof. Owen Lloyd", "Dr Helen Achebe"], ["investigation-methods"]),
]

#: who holds a place at each (the workshop keeps two of its six places free)
ATTENDEES = {
    CONFERENCE: ["leader@example.org", "trainee@example.org", "trainee2@example.org", "trainee3@example.org"],
    WORKSHOP: ["leader@example.org", "trainee2@example.org", "trainee3@example.org", "trainee4@example.org"],
}

WORKSHOP_PROGRAMME = [
    (0, time(10, 0), time(11, 15), "", "Is it eligible? The CCRC's criteria in practice", SessionKind.TALK,
     ["Priya Raman"], ["intake-eligibility"]),
    (0, time(11, 15), time(11, 30), "", "Break", SessionKind.BREAK, [], []),
    (0, time(11, 30), time(13, 0), "", "Triage exercise: three mock applications", SessionKind.WORKSHOP,
     ["Grace Mensah"], ["intake-eligibility"]),
]


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
            modules=[modules[slug] for slug in slugs if slug in modules]))
    for email in ATTENDEES[title]:
        event.registrations.append(EventRegistration(user=people[email], state=RegistrationState.REGISTERED,
                                                     code=new_code(), registered_by=people["leader@example.org"]))
    db.session.add(event)
    return event


def load_events_demo(people) -> None:
    """Safe to run again: each event is added only if no event has its title."""
    speakers = _speakers()
    today = utcnow().date()
    _event(CONFERENCE, EventKind.CONFERENCE, today - timedelta(days=60), 2, time(9, 30), time(12, 0), 120,
           CONFERENCE_PROGRAMME, speakers, people,
           "Two days with practitioners and researchers on the causes of wrongful convictions — mistaken "
           "identification, flawed forensic science, non-disclosure — and on how they are challenged.",
           "Project leaders, supervisors and caseworkers")
    _event(WORKSHOP, EventKind.WORKSHOP, today + timedelta(days=28), 1, time(10), time(13), 6,
           WORKSHOP_PROGRAMME, speakers, people,
           "A hands-on morning: apply the CCRC's eligibility criteria to three mock applications, with the "
           "people who have done it for years.", "Caseworkers in their first year")
