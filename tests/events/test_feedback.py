"""The feedback survey: who answers, one response per person, asking by e-mail once, results, CSV and settings."""
import csv
import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from core.db import utcnow
from core.extensions import db
from events import feedback
from events.feedback import RatingSummary, summarise, summarise_ratings
from events.models import FeedbackResponse, FeedbackSurvey, RegistrationState, SessionKind, SessionRating
from tests.events.helpers import attend, new_event, new_registration, new_session, new_speaker

# -- aggregation, as plain functions ------------------------------------------------


def test_a_summary_counts_averages_and_shares_each_rating():
    summary = summarise_ratings([5, 4, 4, 3, 5, 5, 1])
    assert summary.counts == (1, 0, 1, 2, 3) and summary.total == 7
    assert summary.average == 3.9  # 27 / 7 = 3.857...
    assert [(row.rating, row.label, row.count, row.percent) for row in summary.rows()] == [
        (5, "Excellent", 3, 43), (4, "Very good", 2, 29), (3, "Good", 1, 14), (2, "Fair", 0, 0), (1, "Poor", 1, 14)]


def test_a_summary_of_nothing_has_no_average_and_no_shares():
    empty = summarise({})
    assert empty == RatingSummary() and empty.total == 0 and empty.average is None
    assert [row.percent for row in empty.rows()] == [0, 0, 0, 0, 0]
    assert summarise({3: 2}).average == 3.0 and summarise({1: 1, 2: 1}).average == 1.5


# -- the world ---------------------------------------------------------------------


@pytest.fixture
def conference(make_user):
    """A two-day conference that ended yesterday: three talks (two in parallel) and a break; Ada and Ben checked in,
    Cal registered but never came, Wendy waited."""
    organiser = make_user("mentor", name="Olu Organiser")
    event = new_event("Evidence conference", days=2, starts_in=timedelta(days=-3), organiser=organiser)
    speaker = new_speaker("Dr Helen Achebe")
    talks = [new_session(event, "Eyewitnesses", start=time(10), room="Stream A", speakers=[speaker]),
             new_session(event, "Intake at scale", start=time(10), room="Stream B"),
             new_session(event, "Disclosure panel", day=1, start=time(11), kind=SessionKind.PANEL)]
    new_session(event, "Lunch", start=time(12), kind=SessionKind.BREAK)
    people = {name: make_user("trainee", name=name) for name in ("Ada Attendee", "Ben Attendee", "Cal Absent",
                                                                  "Wendy Waiting")}
    registrations = {name: new_registration(event, person) for name, person in people.items()
                     if name != "Wendy Waiting"}
    new_registration(event, people["Wendy Waiting"], RegistrationState.WAITLISTED)
    attend(registrations["Ada Attendee"], organiser)
    attend(registrations["Ben Attendee"], organiser, day=1)
    return {"event": event, "organiser": organiser, "talks": talks, "people": people}


def _answers(talks, overall="4", comments="", **by_title):
    data = {"overall": overall, "comments": comments}
    for talk in talks:
        data[f"session_{talk.id}"] = str(by_title.get(talk.title.split()[0], 0))
    return data


def _responses():
    return db.session.scalar(select(func.count(FeedbackResponse.id)))


# -- who answers ---------------------------------------------------------------------


def test_those_checked_in_answer_and_where_nobody_was_checked_in_everyone_with_a_place(conference, make_user):
    event = conference["event"]
    asked = {r.user.display_name for r in db.session.scalars(feedback.attendees(event.id))}
    assert asked == {"Ada Attendee", "Ben Attendee"}

    webinar = new_event("Webinar", starts_in=timedelta(days=-2))
    for person in ("Ada Attendee", "Cal Absent"):
        new_registration(webinar, conference["people"][person])
    new_registration(webinar, make_user("trainee"), RegistrationState.CANCELLED)
    asked = {r.user.display_name for r in db.session.scalars(feedback.attendees(webinar.id))}
    assert asked == {"Ada Attendee", "Cal Absent"}


def test_an_attendee_rates_the_sessions_they_attended_and_the_event(client, conference, login_as):
    event, talks = conference["event"], conference["talks"]
    ada = conference["people"]["Ada Attendee"]
    login_as(ada)
    page = client.get(f"/events/{event.id}")
    assert "Give feedback" in page.text
    form = client.get(f"/events/{event.id}/feedback").text
    assert "Eyewitnesses" in form and "Disclosure panel" in form and "Lunch" not in form
    assert "Only the site's administrators can see who gave which answers" in form

    response = client.post(f"/events/{event.id}/feedback",
                           data=_answers(talks, "5", "More on *disclosure*, please.", Eyewitnesses=4, Disclosure=5))
    assert response.status_code == 302
    saved = db.session.scalar(select(FeedbackResponse))
    assert (saved.user_id, saved.overall, saved.comments) == (ada.id, 5, "More on *disclosure*, please.")
    assert {(r.session_id, r.rating) for r in saved.ratings} == {(talks[0].id, 4), (talks[2].id, 5)}

    again = client.get(f"/events/{event.id}/feedback").text
    assert set(re.findall(r'<input checked [^>]*name="(\w+)" type="radio" value="(\d)">', again)) == {
        (f"session_{talks[0].id}", "4"), (f"session_{talks[1].id}", "0"), (f"session_{talks[2].id}", "5"),
        ("overall", "5")}
    assert "Save my changes" in again and "Change my feedback" in client.get(f"/events/{event.id}").text
    client.post(f"/events/{event.id}/feedback", data=_answers(talks, "3", "", Intake=2))
    db.session.expire_all()
    assert _responses() == 1
    saved = db.session.scalar(select(FeedbackResponse))
    assert saved.overall == 3 and saved.comments == ""
    assert {(r.session_id, r.rating) for r in saved.ratings} == {(talks[1].id, 2)}


def test_only_attendees_reach_the_survey(client, conference, login_as, make_user):
    event = conference["event"]
    for person in ("Cal Absent", "Wendy Waiting"):
        login_as(conference["people"][person])
        assert client.get(f"/events/{event.id}/feedback").status_code == 403
        assert "Give feedback" not in client.get(f"/events/{event.id}").text
    login_as(make_user("trainee"))
    assert client.post(f"/events/{event.id}/feedback", data=_answers(conference["talks"])).status_code == 403
    login_as(conference["organiser"])
    assert client.get(f"/events/{event.id}/feedback").status_code == 403
    assert _responses() == 0


def test_the_survey_takes_answers_from_the_end_of_the_event_until_it_closes(client, conference, login_as):
    event, talks = conference["event"], conference["talks"]
    login_as(conference["people"]["Ada Attendee"])
    survey = FeedbackSurvey(event_id=event.id, closes_at=utcnow() - timedelta(minutes=1), names_to_admins=True)
    db.session.add(survey)
    db.session.commit()
    assert "The survey closed at the end of" in client.get(f"/events/{event.id}/feedback").text
    refused = client.post(f"/events/{event.id}/feedback", data=_answers(talks), follow_redirects=True)
    assert "The survey is not taking answers now: it has closed." in refused.text
    assert "The feedback survey closed" in client.get(f"/events/{event.id}").text

    survey.closes_at = utcnow() + timedelta(days=3)
    event.ends_at = utcnow() + timedelta(hours=2)
    db.session.commit()
    assert "The survey opens when the event ends." in client.get(f"/events/{event.id}/feedback").text
    refused = client.post(f"/events/{event.id}/feedback", data=_answers(talks), follow_redirects=True)
    assert "it opens when the event ends." in refused.text
    assert _responses() == 0


@pytest.mark.parametrize("field, value, message", [
    ("overall", None, "Rate the event as a whole, from 1 to 5."),
    ("overall", "", "Choose a rating from 1 to 5."),
    ("overall", "6", "Not a valid choice"),
    ("overall", "0", "Not a valid choice"),
    ("overall", "-1", "Not a valid choice"),
    ("overall", "99999999999999999999", "Choose a rating from 1 to 5."),
    ("overall", "four", "Choose a rating from 1 to 5."),
    ("session", "7", "Not a valid choice"),
    ("session", "2147483648", "Choose a rating from 1 to 5."),
    ("comments", "x" * 5001, "Field cannot be longer than 5000 characters."),
])
def test_bad_answers_are_refused_beside_the_field_and_nothing_is_saved(client, conference, login_as, field, value,
                                                                        message):
    event, talks = conference["event"], conference["talks"]
    login_as(conference["people"]["Ada Attendee"])
    data = _answers(talks)
    data[f"session_{talks[0].id}" if field == "session" else field] = value
    data = {name: given for name, given in data.items() if given is not None}
    response = client.post(f"/events/{event.id}/feedback", data=data)
    assert response.status_code == 400 and message in response.text
    assert _responses() == 0


def test_control_characters_and_other_events_sessions_never_reach_the_database(client, conference, login_as):
    event, talks = conference["event"], conference["talks"]
    other = new_session(new_event("Elsewhere", starts_in=timedelta(days=-2)), "Elsewhere's talk")
    login_as(conference["people"]["Ada Attendee"])
    assert client.post(f"/events/{event.id}/feedback",
                       data=_answers(talks, comments="a\x00b")).status_code == 400
    data = _answers(talks) | {f"session_{other.id}": "5"}
    assert client.post(f"/events/{event.id}/feedback", data=data).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SessionRating)) == 0


def test_a_response_is_saved_once_however_many_times_it_is_saved(conference):
    event, talks = conference["event"], conference["talks"]
    ada = conference["people"]["Ada Attendee"]
    feedback.save_response(event, ada, 4, {talks[0].id: 5}, "Good")
    feedback.save_response(event, ada, 2, {talks[1].id: 1, talks[2].id: 3}, "")
    db.session.commit()
    [response] = db.session.scalars(select(FeedbackResponse)).all()
    assert response.overall == 2 and {r.session_id for r in response.ratings} == {talks[1].id, talks[2].id}


def test_two_submits_at_once_leave_one_response(db, live_server, http_session_for, make_user):
    organiser = make_user("mentor")
    event = new_event(starts_in=timedelta(days=-2), organiser=organiser)
    talk = new_session(event)
    people = [make_user("trainee") for _ in range(3)]
    for person in people:
        attend(new_registration(event, person), organiser)
    sessions = [http_session_for(person) for person in people]
    db.session.commit()

    def submit(args):
        session, overall = args
        return session.post(f"{live_server}/events/{event.id}/feedback",
                            data={"overall": str(overall), f"session_{talk.id}": str(overall), "comments": "Twice"},
                            allow_redirects=False, timeout=60).status_code

    work = [(session, overall) for session in sessions for overall in (2, 4, 5)]
    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        statuses = list(pool.map(submit, work))
    assert statuses == [302] * len(work)
    db.session.expire_all()
    assert _responses() == 3
    assert db.session.scalar(select(func.count()).select_from(SessionRating)) == 3


# -- asking by e-mail ----------------------------------------------------------------


def test_attendees_are_asked_once_when_the_event_has_ended(runner, conference, outbox, make_user):
    long_ago = new_event("Long ago", starts_in=timedelta(days=-90))
    attend(new_registration(long_ago, make_user("trainee")), conference["organiser"])
    coming = new_event("Coming up")
    new_registration(coming, make_user("trainee"))

    result = runner.invoke(args=["events", "ask-for-feedback"])
    assert result.exit_code == 0, result.output
    assert "Evidence conference: 2 attendee(s) asked for feedback." in result.output
    assert "1 event(s) asked" in result.output
    mails = [m for m in outbox() if m["Subject"] == "Your feedback, please: Evidence conference"]
    assert sorted(m["To"] for m in mails) == sorted(conference["people"][n].email
                                                     for n in ("Ada Attendee", "Ben Attendee"))
    assert f"/events/{conference['event'].id}/feedback" in mails[0].get_body().get_content()
    assert "0 event(s) asked" in runner.invoke(args=["events", "ask-for-feedback"]).output
    assert len(outbox()) == 2
    db.session.expire_all()
    assert db.session.get(FeedbackSurvey, conference["event"].id).requested_at is not None


@pytest.mark.usefixtures("committed_db")
def test_two_runners_at_the_same_moment_ask_each_attendee_once(app, make_user, outbox):
    organiser = make_user("mentor")
    events = [new_event(f"Event {n}", starts_in=timedelta(days=-2 - n), organiser=organiser) for n in range(3)]
    for event in events:
        for _ in range(2):
            attend(new_registration(event, make_user("trainee")), organiser)
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            with app.app_context(), app.test_request_context():
                now = utcnow()
                found = db.session.scalars(feedback.events_to_ask(now)).all()
                db.session.commit()
                barrier.wait(timeout=10)
                asked = 0
                for event in found:
                    asked += feedback.ask_for_feedback(event, now) or 0
                    db.session.commit()
                counts.append(asked)
        except Exception as error:  # surfaced below: a thread's exception would otherwise vanish
            errors.append(error)

    db.session.commit()
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sum(counts) == 6
    mails = outbox()
    assert len(mails) == 6 and len({m["To"] for m in mails}) == 6


# -- results -------------------------------------------------------------------------


@pytest.fixture
def answered(conference):
    event, talks, people = conference["event"], conference["talks"], conference["people"]
    feedback.save_response(event, people["Ada Attendee"], 5, {talks[0].id: 4, talks[2].id: 5},
                           "=HYPERLINK(\"http://evil\") loved the panel")
    feedback.save_response(event, people["Ben Attendee"], 3, {talks[2].id: 2}, "Too long.\nMore breaks.")
    db.session.commit()
    return conference


def test_organisers_see_averages_distributions_and_comments_without_names(client, answered, login_as):
    event = answered["event"]
    login_as(answered["organiser"])
    assert "Feedback results" in client.get(f"/events/{event.id}").text
    page = client.get(f"/events/{event.id}/feedback/results")
    assert page.status_code == 200
    text = page.text
    assert "2 of 2 attendees (100%)" in text
    assert "<strong class=\"fs-4\">4.0</strong> of 5, from 2 ratings" in text  # overall: 5 and 3
    assert "<strong class=\"fs-4\">3.5</strong> of 5, from 2 ratings" in text  # the panel: 5 and 2
    assert "<strong class=\"fs-4\">4.0</strong> of 5, from 1 rating" in text  # eyewitnesses
    assert "No ratings yet." in text  # intake
    assert 'width="50"' in text and "Too long.\nMore breaks." in text and "Comments (2)" in text
    assert "Ada Attendee" not in text and "Ben Attendee" not in text
    assert "only administrators see who gave which answers" in text


def test_administrators_see_names_unless_the_event_hides_them(client, answered, login_as, make_user):
    event = answered["event"]
    login_as(make_user("admin"))
    text = client.get(f"/events/{event.id}/feedback/results").text
    assert "Ada Attendee, overall 5 of 5" in text and "Shown to you as an administrator" in text
    rows = list(csv.reader(io.StringIO(client.get(f"/events/{event.id}/feedback/results.csv").text)))
    assert rows[0][:4] == ["Name", "E-mail", "Submitted", "Overall"] and rows[0][-1] == "Comments"
    assert rows[1][0] == "Ada Attendee" and rows[1][-1].startswith("'=HYPERLINK")

    survey = FeedbackSurvey.of(event)
    feedback.save_settings(event, survey.closes_at, False, answered["organiser"])
    db.session.commit()
    text = client.get(f"/events/{event.id}/feedback/results").text
    assert "Ada Attendee" not in text and "Hidden from everyone, administrators included." in text
    rows = list(csv.reader(io.StringIO(client.get(f"/events/{event.id}/feedback/results.csv").text)))
    assert rows[0][0] == "Submitted" and all("Attendee" not in cell for row in rows for cell in row)


def test_the_organisers_csv_has_a_row_per_response_and_a_column_per_session(client, answered, login_as):
    event, talks = answered["event"], answered["talks"]
    login_as(answered["organiser"])
    response = client.get(f"/events/{event.id}/feedback/results.csv")
    assert response.mimetype == "text/csv" and "private" in response.headers["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["Submitted", "Overall", *(f"{event.local(t.starts_at, '%a %H:%M')} {t.title}" for t in talks),
                       "Comments"]
    assert [row[1:5] for row in rows[1:]] == [["5", "4", "", "5"], ["3", "", "", "2"]]
    assert len(rows) == 3


def test_results_are_for_the_organiser_and_administrators_only(client, answered, login_as, make_user):
    event = answered["event"]
    for person in (answered["people"]["Ada Attendee"], make_user("mentor"), make_user("leader")):
        login_as(person)
        for path in ("results", "results.csv", "settings"):
            assert client.get(f"/events/{event.id}/feedback/{path}").status_code == 403


# -- settings ------------------------------------------------------------------------


def test_the_organiser_sets_the_closing_day(client, conference, login_as):
    event = conference["event"]
    login_as(conference["organiser"])
    page = client.get(f"/events/{event.id}/feedback/settings").text
    assert (event.days[-1] + timedelta(days=30)).isoformat() in page
    last_day = event.days[-1] + timedelta(days=7)
    response = client.post(f"/events/{event.id}/feedback/settings",
                           data={"closes_on": last_day.isoformat(), "names_to_admins": "y"})
    assert response.status_code == 302
    survey = db.session.get(FeedbackSurvey, event.id)
    assert survey.last_day == last_day and survey.closes_at.astimezone(event.zone).time() == time(0)
    for bad, message in (("1999-01-01", "Choose a day from"), ("2999-12-31", "Choose a day from"),
                         ("99999-01-01", "Not a valid date"), ("", "Enter the last day.")):
        refused = client.post(f"/events/{event.id}/feedback/settings", data={"closes_on": bad})
        assert refused.status_code == 400 and message in refused.text


def test_names_cannot_be_turned_on_once_people_answered_without_them(client, answered, login_as):
    event = answered["event"]
    login_as(answered["organiser"])
    day = event.days[-1].isoformat()
    assert client.post(f"/events/{event.id}/feedback/settings", data={"closes_on": day}).status_code == 302
    refused = client.post(f"/events/{event.id}/feedback/settings", data={"closes_on": day, "names_to_admins": "y"})
    assert refused.status_code == 400 and "People have already answered on the promise" in refused.text
    db.session.expire_all()
    assert db.session.get(FeedbackSurvey, event.id).names_to_admins is False



# -- privacy -------------------------------------------------------------------------


def test_a_persons_feedback_is_in_their_export_and_erasure_keeps_only_the_ratings(answered):
    from events.personal_data import erase, personal_data

    ada = answered["people"]["Ada Attendee"]
    [exported] = personal_data(ada)["event_feedback"]
    assert exported["event"] == "Evidence conference" and exported["overall"] == 5
    assert exported["sessions"] == {"Eyewitnesses": 4, "Disclosure panel": 5}
    assert exported["comments"].endswith("loved the panel")
    erase(ada, answered["organiser"])
    db.session.commit()
    db.session.expire_all()
    response = db.session.scalar(select(FeedbackResponse).where(FeedbackResponse.user_id == ada.id))
    assert response.comments == "" and response.overall == 5 and len(response.ratings) == 2
    assert feedback.results(answered["event"]).overall.total == 2
