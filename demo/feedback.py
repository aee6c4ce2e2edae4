"""Demo feedback: the past conference's attendees rated its talks, so `make run` shows the organiser's results."""
from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from demo.events import CONFERENCE, CONFERENCE_PROGRAMME
from events.models import Event, FeedbackResponse, FeedbackSurvey, SessionKind, SessionRating

#: the conference's talks in programme order (two streams: each person rates the talks of the stream they sat in)
TALKS = [title for _, _, _, _, title, kind, _, _ in CONFERENCE_PROGRAMME if kind is not SessionKind.BREAK]

#: e-mail: (overall, {index in TALKS: rating}, comments)
RESPONSES = {
    "leader@example.org": (5, {0: 5, 2: 5, 4: 4, 6: 5, 7: 4},
                           "The intake workshop changed how we sort our post: we have already copied the triage "
                           "sheet. More time for questions in the last session, please."),
    "trainee@example.org": (4, {0: 4, 1: 5, 3: 5, 5: 3, 7: 4},
                            "Priya Raman's examples of successful applications were the most useful hour of the "
                            "two days."),
    "trainee2@example.org": (4, {0: 4, 2: 4, 3: 4, 6: 3, 7: 5}, ""),
    "trainee3@example.org": (3, {0: 3, 1: 4, 4: 2, 5: 4, 7: 3},
                             "The forensic science talk went too fast for those of us without a science "
                             "background; slides beforehand would help. The second morning was excellent."),
}


def load_feedback_demo(people) -> None:
    """Safe to run again: adds the conference's survey and each person's response only where there is none."""
    event = db.session.scalar(select(Event).where(Event.title == CONFERENCE))
    if event is None or not event.is_past():
        return
    db.session.flush()
    if db.session.get(FeedbackSurvey, event.id) is None:
        db.session.add(FeedbackSurvey(event_id=event.id, closes_at=FeedbackSurvey.default_closes_at(event),
                                      names_to_admins=True, requested_at=event.ends_at + timedelta(hours=1)))
    sessions = {session.title: session.id for session in event.sessions}
    answered = set(db.session.scalars(select(FeedbackResponse.user_id).where(FeedbackResponse.event_id == event.id)))
    for number, (email, (overall, ratings, comments)) in enumerate(RESPONSES.items()):
        person = people.get(email)
        if person is None or person.id in answered:
            continue
        submitted_at = event.ends_at + timedelta(days=1 + number, hours=number)
        db.session.add(FeedbackResponse(
            event_id=event.id, user_id=person.id, overall=overall, comments=comments, submitted_at=submitted_at,
            updated_at=submitted_at, ratings=[SessionRating(session_id=sessions[TALKS[talk]], rating=rating)
                                              for talk, rating in ratings.items() if TALKS[talk] in sessions]))
