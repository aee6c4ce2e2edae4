"""Feedback routes: an attendee's survey, and the organisers' results, CSV and settings."""
import csv
import io

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from core.db import paginate
from core.errors import Refusal, back_on_refusal
from core.extensions import db
from core.permissions import require
from core.spreadsheets import inert
from core.timezones import iso
from core.web import private_attachment
from events import feedback
from events.forms import FeedbackForm, FeedbackSettingsForm
from events.models import Event, FeedbackSurvey


@login_required
def give_feedback(event_id: int):
    event = db.get_or_404(Event, event_id)
    survey = FeedbackSurvey.of(event)
    require(event.can_view(current_user) and survey.can_respond(current_user, feedback.has_attended(event, current_user)))
    response = feedback.response_of(event, current_user)
    sessions = feedback.rated_sessions(event)
    if request.method == "GET" and response is not None:
        form = FeedbackForm.for_sessions(sessions, data=FeedbackForm.answers_of(response))
    else:
        form = FeedbackForm.for_sessions(sessions)
    if form.validate_on_submit():
        back_on_refusal(url_for("events.give_feedback", event_id=event.id))
        if not survey.is_open():
            raise Refusal("The survey is not taking answers now: " + (
                "it opens when the event ends." if not event.is_past() else "it has closed."))
        feedback.save_response(event, current_user, form.overall.data, form.session_ratings,
                               form.comments.data.strip())
        db.session.commit()
        flash("Thank you: your feedback is saved." if response is None else "Your feedback is updated.", "success")
        return redirect(url_for("events.show_event", event_id=event.id))
    return render_template("events/give_feedback.html", event=event, survey=survey, form=form, response=response), \
        400 if form.errors else 200


def _results_access(event_id: int) -> tuple[Event, FeedbackSurvey]:
    event = db.get_or_404(Event, event_id)
    survey = FeedbackSurvey.of(event)
    require(survey.can_see_results(current_user))
    return event, survey


@login_required
def show_feedback_results(event_id: int):
    event, survey = _results_access(event_id)
    show_names = survey.shows_names_to(current_user)
    return render_template("events/show_feedback_results.html", event=event, survey=survey, show_names=show_names,
                           results=feedback.results(event), page=paginate(feedback.comments_of(event, show_names)))


@login_required
def export_feedback(event_id: int):
    """Every response, a row each: names and e-mail addresses only for those the event shows names to."""
    event, survey = _results_access(event_id)
    show_names = survey.shows_names_to(current_user)
    sessions = feedback.rated_sessions(event)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*(["Name", "E-mail"] if show_names else []), "Submitted", "Overall",
                     *(inert(f"{event.local(s.starts_at, '%a %H:%M')} {s.title}") for s in sessions), "Comments"])
    for response in feedback.all_responses(event, show_names):
        ratings = {rating.session_id: rating.rating for rating in response.ratings}
        writer.writerow([*([inert(response.user.display_name), response.user.email] if show_names else []),
                         iso(response.submitted_at), response.overall,
                         *(ratings.get(s.id, "") for s in sessions), inert(response.comments)])
    return private_attachment(out.getvalue(), "text/csv", f"feedback-event-{event.id}.csv")


@login_required
def edit_feedback_settings(event_id: int):
    event, survey = _results_access(event_id)
    responses = feedback.response_count(event.id)
    if request.method == "GET":
        form = FeedbackSettingsForm.for_survey(event, survey, responses)
    else:
        form = FeedbackSettingsForm(event=event, survey=survey, responses=responses)
    if form.validate_on_submit():
        feedback.save_settings(event, form.closes_at, form.names_to_admins.data, current_user)
        db.session.commit()
        flash("Survey settings saved.", "success")
        return redirect(url_for("events.show_feedback_results", event_id=event.id))
    return render_template("events/edit_feedback_settings.html", event=event, survey=survey, form=form,
                           responses=responses), 400 if form.errors else 200
