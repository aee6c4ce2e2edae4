"""The feedback survey after an event: who answers, saving answers once per person, asking by e-mail, the results.

Attendees are those checked in at least once; at an event where nobody was
checked in (a webinar, or organisers who did not use the door page) everyone
who held a place, since nobody could otherwise answer.

A person has one response per event (a unique constraint): saving inserts it
with ON CONFLICT DO NOTHING, then locks it and replaces its ratings, so a double
submit, or two tabs at once, leave one response holding the last answers.

Asking by e-mail is `flask events ask-for-feedback` (cron): for each event that
has ended and whose survey is still open, the first runner to set the survey's
`requested_at` (an UPDATE ... WHERE requested_at IS NULL) queues the e-mails in
the same transaction, so two runners never e-mail anyone twice.

Aggregation (`RatingSummary`) is plain functions over counts; the results page
reads grouped counts (two small queries) however many responses there are.
Flush only; views and commands commit.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import render_template
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import selectinload

from accounts.models import User
from core import audit
from core.db import insert_if_absent, utcnow
from core.extensions import db
from core.mail import queue_mail
from core.urls import absolute_url
from events.models import (
    Event,
    EventCheckIn,
    EventRegistration,
    EventSession,
    FeedbackResponse,
    FeedbackSurvey,
    RegistrationState,
    SessionRating,
)

RATINGS = (1, 2, 3, 4, 5)
RATING_WORDS = {1: "Poor", 2: "Fair", 3: "Good", 4: "Very good", 5: "Excellent"}


@dataclass(frozen=True)
class RatingRow:
    rating: int
    label: str
    count: int
    #: of all ratings given, rounded
    percent: int


@dataclass(frozen=True)
class RatingSummary:
    """How many gave each rating from 1 to 5 (`counts[0]` is the number of 1s)."""

    counts: tuple[int, ...] = (0, 0, 0, 0, 0)

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def average(self) -> float | None:
        """The mean rating to one decimal place, or None when nobody rated."""
        if not self.total:
            return None
        return round(sum(rating * count for rating, count in zip(RATINGS, self.counts)) / self.total, 1)

    def rows(self) -> list[RatingRow]:
        """From 5 down to 1, for the chart and its table."""
        return [RatingRow(rating, RATING_WORDS[rating], count, round(100 * count / self.total) if self.total else 0)
                for rating, count in reversed(list(zip(RATINGS, self.counts)))]


def summarise(counts: dict[int, int]) -> RatingSummary:
    """A summary from {rating: count}; ratings outside 1 to 5 cannot be stored, so none are expected here."""
    return RatingSummary(tuple(counts.get(rating, 0) for rating in RATINGS))


def summarise_ratings(ratings) -> RatingSummary:
    counts: dict[int, int] = {}
    for rating in ratings:
        counts[rating] = counts.get(rating, 0) + 1
    return summarise(counts)


# -- who answers ---------------------------------------------------------------

def attendees(event_id: int):
    """The registrations asked for feedback (a query): checked in at least once, or, at an event where nobody was
    checked in, everyone holding a place."""
    checked_in = exists().where(EventCheckIn.registration_id == EventRegistration.id)
    anyone_checked_in = exists(select(EventCheckIn.id).join(EventRegistration)
                               .where(EventRegistration.event_id == event_id))
    return select(EventRegistration).where(EventRegistration.event_id == event_id,
                                           EventRegistration.state == RegistrationState.REGISTERED,
                                           or_(checked_in, ~anyone_checked_in))


def has_attended(event: Event, user) -> bool:
    if not user.is_authenticated:
        return False
    return bool(db.session.scalar(select(attendees(event.id).where(EventRegistration.user_id == user.id).exists())))


@dataclass(frozen=True)
class Invitation:
    """The survey as an attendee sees it on the event's page."""

    survey: FeedbackSurvey
    #: when they first answered, if they have
    answered_at: datetime | None


def invitation_for(event: Event, user) -> Invitation | None:
    """None unless the person attended the event and it is over."""
    if not event.is_past() or not has_attended(event, user):
        return None
    return Invitation(FeedbackSurvey.of(event), db.session.scalar(
        select(FeedbackResponse.submitted_at).where(FeedbackResponse.event_id == event.id,
                                                    FeedbackResponse.user_id == user.id)))


def rated_sessions(event: Event) -> list[EventSession]:
    """The programme's sessions that are rated: all but breaks, in programme order."""
    return [session for session in db.session.scalars(
        select(EventSession).where(EventSession.event_id == event.id)
        .order_by(EventSession.starts_at, EventSession.room, EventSession.id)
        .options(selectinload(EventSession.speakers))) if session.counts_as_training]


def response_of(event: Event, user) -> FeedbackResponse | None:
    return db.session.scalar(select(FeedbackResponse).where(FeedbackResponse.event_id == event.id,
                                                            FeedbackResponse.user_id == user.id)
                             .options(selectinload(FeedbackResponse.ratings)))


def save_response(event: Event, user: User, overall: int, session_ratings: dict[int, int],
                  comments: str) -> FeedbackResponse:
    """Record the person's answers, replacing any they gave before: one response per person and event, whatever
    the number of submits. `session_ratings` maps session ids of the event to 1..5; other sessions are left out."""
    now = utcnow()
    created = insert_if_absent(FeedbackResponse, event_id=event.id, user_id=user.id, overall=overall,
                               comments=comments, submitted_at=now, updated_at=now)
    response = db.session.scalar(select(FeedbackResponse).where(FeedbackResponse.event_id == event.id,
                                                                FeedbackResponse.user_id == user.id)
                                 .with_for_update().execution_options(populate_existing=True))
    response.overall, response.comments, response.updated_at = overall, comments, now
    db.session.execute(SessionRating.__table__.delete().where(SessionRating.response_id == response.id))
    known = set(db.session.scalars(select(EventSession.id).where(EventSession.event_id == event.id,
                                                                 EventSession.id.in_(list(session_ratings)))))
    if known:
        db.session.execute(SessionRating.__table__.insert(), [
            {"response_id": response.id, "session_id": session_id, "rating": rating}
            for session_id, rating in session_ratings.items() if session_id in known])
    db.session.flush()
    db.session.expire(response, ["ratings"])
    audit.record("event.feedback" if created else "event.feedback_change", actor=user,
                 detail={"event_id": event.id, "response_id": response.id})
    return response


def names_change_problem(survey: FeedbackSurvey, names_to_admins: bool, responses: int) -> str | None:
    """Why names cannot be shown now, or None: people who answered were told nobody would see their names."""
    if names_to_admins and not survey.names_to_admins and responses:
        return ("People have already answered on the promise that nobody sees their names, so their names stay "
                "hidden for this event.")
    return None


def save_settings(event: Event, closes_at: datetime, names_to_admins: bool, by: User) -> FeedbackSurvey:
    insert_if_absent(FeedbackSurvey, event_id=event.id, closes_at=closes_at, names_to_admins=names_to_admins)
    survey = db.session.get(FeedbackSurvey, event.id, populate_existing=True)
    survey.closes_at, survey.names_to_admins = closes_at, names_to_admins
    db.session.flush()
    audit.record("event.feedback_settings", actor=by, detail={"event_id": event.id,
                                                              "names_to_admins": names_to_admins})
    return survey


def response_count(event_id: int) -> int:
    return db.session.scalar(select(func.count(FeedbackResponse.id)).where(FeedbackResponse.event_id == event_id))


# -- asking by e-mail ------------------------------------------------------------

def events_to_ask(now: datetime):
    """Published events that have ended, whose survey is open and whose attendees have not been asked (a query)."""
    return (select(Event).outerjoin(FeedbackSurvey, FeedbackSurvey.event_id == Event.id)
            .where(Event.is_published.is_(True), Event.ends_at <= now, FeedbackSurvey.requested_at.is_(None),
                   or_(FeedbackSurvey.closes_at > now,
                       and_(FeedbackSurvey.event_id.is_(None),
                            Event.ends_at > now - timedelta(days=FeedbackSurvey.OPEN_DAYS))))
            .order_by(Event.ends_at, Event.id))


def ask_for_feedback(event: Event, now: datetime | None = None) -> int | None:
    """E-mail the event's attendees the survey's link, unless someone has already: returns how many were
    e-mailed, or None when another runner claimed the event first."""
    now = now or utcnow()
    insert_if_absent(FeedbackSurvey, event_id=event.id, closes_at=FeedbackSurvey.default_closes_at(event),
                     names_to_admins=True)
    claimed = db.session.execute(update(FeedbackSurvey).where(FeedbackSurvey.event_id == event.id,
                                                              FeedbackSurvey.requested_at.is_(None))
                                 .values(requested_at=now).returning(FeedbackSurvey.event_id)).first()
    if claimed is None:
        return None
    survey = db.session.get(FeedbackSurvey, event.id, populate_existing=True)
    registrations = db.session.scalars(attendees(event.id).options(selectinload(EventRegistration.user))).all()
    link = absolute_url("events.give_feedback", event_id=event.id)
    for registration in registrations:
        queue_mail(registration.user.email, f"Your feedback, please: {event.title}", render_template(
            "events/email/feedback_requested.txt", registration=registration, event=event, survey=survey,
            link=link))
    audit.record("event.feedback_requested", detail={"event_id": event.id, "e_mailed": len(registrations)})
    return len(registrations)


# -- results -------------------------------------------------------------------

@dataclass(frozen=True)
class Results:
    overall: RatingSummary
    #: per rated session, in programme order
    sessions: list[tuple[EventSession, RatingSummary]]
    responses: int
    attendees: int

    @property
    def response_rate(self) -> int | None:
        return round(100 * self.responses / self.attendees) if self.attendees else None


def results(event: Event) -> Results:
    """The survey's figures, from grouped counts (a fixed number of queries however many responses)."""
    overall = dict(db.session.execute(
        select(FeedbackResponse.overall, func.count()).where(FeedbackResponse.event_id == event.id)
        .group_by(FeedbackResponse.overall)).all())
    per_session: dict[int, dict[int, int]] = {}
    for session_id, rating, count in db.session.execute(
            select(SessionRating.session_id, SessionRating.rating, func.count())
            .join(FeedbackResponse).where(FeedbackResponse.event_id == event.id)
            .group_by(SessionRating.session_id, SessionRating.rating)):
        per_session.setdefault(session_id, {})[rating] = count
    asked = db.session.scalar(select(func.count()).select_from(attendees(event.id).subquery()))
    summary = summarise(overall)
    return Results(summary, [(s, summarise(per_session.get(s.id, {}))) for s in rated_sessions(event)],
                   summary.total, asked)


def comments_of(event: Event, with_names: bool):
    """Responses with comments, newest first (a query to paginate); their people loaded only to be named."""
    query = (select(FeedbackResponse).where(FeedbackResponse.event_id == event.id, FeedbackResponse.comments != "")
             .order_by(FeedbackResponse.submitted_at.desc(), FeedbackResponse.id.desc()))
    return query.options(selectinload(FeedbackResponse.user)) if with_names else query


def all_responses(event: Event, with_names: bool) -> list[FeedbackResponse]:
    """Every response with its ratings (and person, to be named), oldest first (for the CSV)."""
    query = (select(FeedbackResponse).where(FeedbackResponse.event_id == event.id)
             .order_by(FeedbackResponse.submitted_at, FeedbackResponse.id)
             .options(selectinload(FeedbackResponse.ratings)))
    return db.session.scalars(query.options(selectinload(FeedbackResponse.user)) if with_names else query).all()
