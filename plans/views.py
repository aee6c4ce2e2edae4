"""Needs assessments and learning plans: thin views (load, check, validate, operate, commit, redirect)."""
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.models import Organisation, User
from core.db import utcnow
from core.errors import back_on_refusal
from core.extensions import db
from core.forms import ActionForm
from core.permissions import require
from core.timezones import viewer_timezone
from core.web import private_attachment
from courses.models import Run
from curriculum.models import Module
from mentoring import bookings, slots
from mentoring.forms import parse_start
from mentoring.models import Booking
from plans import assessments as ops
from plans import editing, overview, planning
from plans.access import (
    can_adjust_plan,
    can_assess,
    can_book_package,
    can_list_mentee_plans,
    can_record_session,
    can_see_needs_totals,
    can_view_needs,
    can_view_team_plans,
)
from plans.forms import (
    DoneForm,
    EditStepForm,
    MoveForm,
    PackageBookingForm,
    PackageForm,
    SessionGoalsForm,
    StepForm,
    assessment_form,
)
from plans.models import Assessment, Plan, PlanChange, PlanItem, PlanItemKind
from plans.package import book_package as book_series_for
from plans.progress import plan_progress
from plans.summary import summarise, summary_pdf

HISTORY_SHOWN = 20
#: how many weeks of the mentor's free times the package booking page offers
PICK_WEEKS = 2


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
        had_plan = planning.plan_of(person.id) is not None
        planning.create_plan(person, current_user, assessment, _today())
        db.session.commit()
        flash(("The answers are saved." + (" Bring the plan up to them below, if you like." if had_plan
                                            else " Here is the plan proposed from them.")), "success")
        return redirect(url_for("plans.show_plan", person_id=person.id))
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


def _today():
    return utcnow().astimezone(viewer_timezone()).date()


def _plan_with_items(person_id: int) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.person_id == person_id).options(
        selectinload(Plan.mentor), selectinload(Plan.items).selectinload(PlanItem.module),
        selectinload(Plan.items).selectinload(PlanItem.run).selectinload(Run.course)))


@login_required
def show_plan(person_id: int):
    person = _person_or_404(person_id)
    require(can_view_needs(current_user, person))
    return _plan_page(person)


def _plan_page(person: User, step_form: StepForm | None = None):
    plan = _plan_with_items(person.id)
    assessments = ops.assessments_of(person.id)
    latest = assessments[-1] if assessments else None
    topics = {q.key: q for q in ops.all_questions().values() if q.is_topic}
    change = ops.confidence_change(list(topics.values()), assessments[0] if assessments else None, latest)
    history = db.session.scalars(select(PlanChange).where(PlanChange.plan_id == plan.id)
                                 .order_by(PlanChange.at.desc(), PlanChange.id.desc()).limit(HISTORY_SHOWN)
                                 .options(selectinload(PlanChange.by))).all() if plan else []
    can_adjust = can_adjust_plan(current_user, person, plan)
    profile = bookings.profile_of(plan.mentor_id) if plan and plan.mentor_id and current_user.id == person.id else None
    if plan and can_adjust and step_form is None:
        step_form = StepForm(modules=editing.addable_modules(plan))
    return render_template(
        "plans/show_plan.html", person=person, plan=plan, latest=latest, first=assessments[0] if assessments else None,
        progress=plan_progress(plan, _today()) if plan else None, change=change, topics=topics, history=history,
        between=ops.activity_between(person.id, assessments[0] if assessments else None, latest),
        can_adjust=can_adjust, can_assess=can_assess(current_user, person), action_form=ActionForm(),
        step_form=step_form, today=_today(), can_book=plan is not None and can_book_package(current_user, plan, profile))


@login_required
def propose_plan(person_id: int):
    """Propose the plan from the latest assessment, or bring an existing plan up to it."""
    person = _person_or_404(person_id)
    plan = planning.plan_of(person.id)
    require(can_adjust_plan(current_user, person, plan))
    latest = ops.latest_assessment(person.id)
    if latest is None or not ActionForm().validate_on_submit():
        abort(400)
    if plan is None:
        planning.create_plan(person, current_user, latest, _today())
        flash("The plan is proposed from the latest assessment.", "success")
    elif plan.assessment_id != latest.id:
        added = planning.refresh_plan(plan, current_user, latest, _today())
        flash(f"The plan is up to the latest assessment: {len(added)} module{'s' if len(added) != 1 else ''} added.",
              "success")
    db.session.commit()
    return redirect(url_for("plans.show_plan", person_id=person.id))


def _adjustable_plan(plan_id: int) -> Plan:
    plan = db.session.scalar(select(Plan).where(Plan.id == plan_id).options(
        selectinload(Plan.person), selectinload(Plan.items).selectinload(PlanItem.module)))
    if plan is None:
        abort(404)
    require(can_adjust_plan(current_user, plan.person, plan))
    back_on_refusal(url_for("plans.show_plan", person_id=plan.person_id))
    return plan


def _step_of(plan: Plan, item_id: int) -> PlanItem:
    item = next((item for item in plan.items if item.id == item_id), None)
    if item is None:
        abort(404)
    return item


def _to_plan(plan: Plan, item: PlanItem | None = None):
    anchor = f"#item-{item.id}" if item is not None and item.id else ""
    return redirect(url_for("plans.show_plan", person_id=plan.person_id) + anchor)


@login_required
def add_step(plan_id: int):
    plan = _adjustable_plan(plan_id)
    form = StepForm(request.form, modules=editing.addable_modules(plan))
    if not form.validate():
        return _plan_page(plan.person, step_form=form), 400
    if form.kind.data == "module":
        module = db.get_or_404(Module, form.module_id.data)
        item = editing.add_module(plan, current_user, module, form.target_on.data)
    else:
        kind = PlanItemKind.GOAL if form.kind.data == "goal" else PlanItemKind.ACTION
        item = editing.add_goal(plan, current_user, kind, form.title.data, form.success_criteria.data,
                                form.target_on.data)
    db.session.commit()
    return _to_plan(plan, item)


@login_required
def edit_step(plan_id: int, item_id: int):
    plan = _adjustable_plan(plan_id)
    item = _step_of(plan, item_id)
    runs = editing.runs_teaching(item.module_id) if item.module_id else []
    form = EditStepForm(request.form if request.method == "POST" else None, item=item, runs=runs,
                        data={"target_on": item.target_on, "run_id": item.run_id or 0, "title": item.title,
                              "success_criteria": item.success_criteria})
    if request.method == "POST":
        if not form.validate():
            return render_template("plans/edit_step.html", form=form, plan=plan, item=item), 400
        editing.edit(plan, current_user, item, form.target_on.data,
                     form.title.data if "title" in form else item.title,
                     form.success_criteria.data if "success_criteria" in form else item.success_criteria,
                     (form.run_id.data or None) if "run_id" in form else item.run_id)
        db.session.commit()
        return _to_plan(plan, item)
    return render_template("plans/edit_step.html", form=form, plan=plan, item=item)


@login_required
def drop_step(plan_id: int, item_id: int):
    plan = _adjustable_plan(plan_id)
    item = _step_of(plan, item_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    editing.drop(plan, current_user, item)
    db.session.commit()
    flash(f"{item.label} is dropped from the plan; the changes below keep a note of it.", "success")
    return _to_plan(plan)


@login_required
def move_step(plan_id: int, item_id: int):
    plan = _adjustable_plan(plan_id)
    item = _step_of(plan, item_id)
    form = MoveForm(request.form)
    if not form.validate():
        abort(400)
    editing.move(plan, current_user, item, -1 if form.direction.data == "up" else 1)
    db.session.commit()
    return _to_plan(plan, item)


@login_required
def mark_step(plan_id: int, item_id: int):
    plan = _adjustable_plan(plan_id)
    item = _step_of(plan, item_id)
    form = DoneForm(request.form)
    if not form.validate():
        abort(400)
    editing.set_done(plan, current_user, item, form.done.data == "1")
    db.session.commit()
    return _to_plan(plan, item)


@login_required
def edit_package(plan_id: int):
    plan = _adjustable_plan(plan_id)
    form = PackageForm(request.form if request.method == "POST" else None, mentors=editing.mentors(),
                       data={"sessions": plan.package_sessions or 0, "every_weeks": plan.package_every_weeks,
                             "minutes": plan.package_minutes, "mentor_id": plan.mentor_id or 0})
    if request.method == "POST":
        if not form.validate():
            return render_template("plans/edit_package.html", form=form, plan=plan), 400
        editing.set_package(plan, current_user, form.sessions.data or None, form.every_weeks.data, form.minutes.data,
                            form.mentor_id.data or None)
        db.session.commit()
        return _to_plan(plan)
    return render_template("plans/edit_package.html", form=form, plan=plan)


@login_required
def agree_package(plan_id: int):
    plan = _adjustable_plan(plan_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    editing.agree_package(plan, current_user)
    db.session.commit()
    flash("The mentoring package is agreed.", "success")
    return _to_plan(plan)


@login_required
def list_mentee_plans():
    require(can_list_mentee_plans(current_user))
    rows = overview.mentee_plans(current_user, _today())
    return render_template("plans/list_mentee_plans.html", rows=rows)


@login_required
def list_team_plans(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    require(can_view_team_plans(current_user, organisation))
    return render_template("plans/list_team_plans.html", organisation=organisation,
                           rows=overview.team_plans(organisation, _today()))


def _topic_titles() -> dict[str, str]:
    return {q.key: q.prompt for q in ops.all_questions().values() if q.is_topic}


@login_required
def book_package(plan_id: int):
    """Book the agreed package as one series with the plan's mentor: all sessions or none."""
    plan = _adjustable_plan(plan_id)
    profile = bookings.profile_of(plan.mentor_id) if plan.mentor_id else None
    require(can_book_package(current_user, plan, profile))
    form = PackageBookingForm()
    conflicts, status = None, 200
    if form.validate_on_submit():
        start = parse_start(form.start.data)
        if start is None:
            abort(400)
        try:
            booked = book_series_for(plan, profile, current_user, start, _topic_titles(), form.request_key.data)
        except bookings.SeriesConflict as conflict:
            db.session.rollback()
            conflicts, status = conflict.conflicts, conflict.status
        else:
            db.session.commit()
            flash(f"{len(booked)} sessions are booked with {plan.mentor.display_name}. The invitations are on "
                  "their way by e-mail.", "success")
            return _to_plan(plan)
    elif request.method == "POST":
        status = 400
    zone = viewer_timezone()
    free = bookings.free_slots(profile, plan.person_id, timedelta(minutes=plan.package_minutes))
    first_day = utcnow().astimezone(zone).date()
    days = {day: starts for day, starts in slots.by_local_day(free, zone).items()
            if day < first_day + timedelta(weeks=PICK_WEEKS)}
    return render_template("plans/book_package.html", plan=plan, form=form, days=days, conflicts=conflicts,
                           weeks=PICK_WEEKS), status


@login_required
def record_session(booking_id: int):
    """The mentor, after a session with the person: tick plan goals off and add action points."""
    booking = db.get_or_404(Booking, booking_id)
    require(can_record_session(current_user, booking))
    plan = _plan_with_items(booking.learner_id)
    if plan is None:
        abort(404)
    back_on_refusal(url_for("plans.show_plan", person_id=plan.person_id))
    open_items = [item for item in plan.items if item.kind is not PlanItemKind.MODULE and item.done_at is None]
    form = SessionGoalsForm(open_items=open_items)
    if form.validate_on_submit():
        chosen = set(form.done.data)
        for item in open_items:
            if item.id in chosen:
                editing.set_done(plan, current_user, item, True, booking_id=booking.id)
        present = {item.title.casefold() for item in plan.items if item.kind is PlanItemKind.ACTION}
        for line in form.action_lines:
            if line.casefold() not in present:
                editing.add_goal(plan, current_user, PlanItemKind.ACTION, line, booking_id=booking.id)
        db.session.commit()
        flash("The plan is up to date with the session.", "success")
        return redirect(url_for("plans.show_plan", person_id=plan.person_id))
    status = 400 if request.method == "POST" else 200
    return render_template("plans/record_session.html", booking=booking, plan=plan, form=form), status


@login_required
def download_summary(plan_id: int):
    plan = db.get_or_404(Plan, plan_id)
    require(can_view_needs(current_user, plan.person))
    plan = _plan_with_items(plan.person_id)
    summary = summarise(plan, plan_progress(plan, _today()), utcnow())
    return private_attachment(summary_pdf(summary, viewer_timezone(), _today()), "application/pdf",
                              f"mentoring-package-summary-{plan.id}.pdf")


@login_required
def show_needs_totals():
    require(can_see_needs_totals(current_user))
    people, topics, demand = overview.needs_totals()
    return render_template("plans/show_needs_totals.html", people=people, topics=topics, demand=demand)
