"""Needs assessments and learning plans: thin views (load, check, validate, operate, commit, redirect)."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from accounts.models import User
from core.extensions import db
from core.permissions import require
from plans import assessments as ops
from plans.access import can_assess, can_view_needs
from plans.forms import assessment_form
from plans.models import Assessment


def _person_or_404(person_id: int) -> User:
    return db.get_or_404(User, person_id)


@login_required
def take_assessment(person_id: int):
    person = _person_or_404(person_id)
    require(can_assess(current_user, person))
    questions = ops.live_questions()
    if not questions:
        abort(404)
    previous = ops.latest_assessment(person.id)
    prefill = (previous.answers | previous.ratings) if previous and request.method == "GET" else None
    form = assessment_form(questions, request.form if request.method == "POST" else None, prefill)
    if request.method == "POST":
        if not form.validate():
            return render_template("plans/take_assessment.html", form=form, person=person, previous=previous), 400
        assessment = ops.save_assessment(person, current_user, form.answers, form.ratings, form.request_key.data)
        db.session.commit()
        flash("Your answers are saved." if person.id == current_user.id
              else f"{person.display_name}'s answers are saved.", "success")
        return redirect(url_for("plans.show_assessment", assessment_id=assessment.id))
    return render_template("plans/take_assessment.html", form=form, person=person, previous=previous)


@login_required
def list_assessments(person_id: int):
    person = _person_or_404(person_id)
    require(can_view_needs(current_user, person))
    assessments = ops.assessments_of(person.id)
    topics = [q for q in ops.all_questions().values() if q.is_topic]
    change = ops.confidence_change(topics, assessments[0] if assessments else None,
                                   assessments[-1] if assessments else None)
    return render_template("plans/list_assessments.html", person=person, assessments=assessments, change=change,
                           can_assess=can_assess(current_user, person))


@login_required
def show_assessment(assessment_id: int):
    assessment = db.get_or_404(Assessment, assessment_id)
    require(can_view_needs(current_user, assessment.person))
    return render_template("plans/show_assessment.html", assessment=assessment, questions=ops.all_questions())
