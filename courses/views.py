from dataclasses import asdict
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.models import User
from core.db import paginate, utcnow
from core.extensions import db
from core.forms import ActionForm
from core.permissions import require
from core.web import safe_redirect_target
from courses import enrolment as ops
from courses import structure
from courses.forms import CatalogueFilterForm, EnrolMembersForm, RunForm, RunStartForm
from courses.models import Course, CourseFormat, CourseModule, Enrolment, EnrolmentState, Run
from courses.runs import save_run
from courses.scheduling import RunDraft, copy_of, defaults_for

_FORMATS = {course_format.value for course_format in CourseFormat}


def catalogue():
    form = CatalogueFilterForm(request.args)
    curriculum = structure.current()
    form.topic.choices = [("", "Any topic")] + [(m.slug, m.title) for m in curriculum.listed_modules()]
    course_list = [course for course in curriculum.listed_courses()
                   if (form.format.data not in _FORMATS or course.format.value == form.format.data)
                   and (not form.topic.data or any(module.slug == form.topic.data for module in course.modules))]
    runs, seats = ops.upcoming_runs(course.id for course in course_list)
    return render_template("courses/catalogue.html", form=form, courses=course_list,
                           runs_by_course=_group_runs(runs), seats=seats)


def _group_runs(runs) -> dict[int, list[Run]]:
    grouped: dict[int, list[Run]] = {}
    for run in runs:
        grouped.setdefault(run.course_id, []).append(run)
    return grouped


def show_course(slug: str):
    course = structure.listed_course(slug)
    if course is None:
        abort(404)
    runs, seats = ops.upcoming_runs([course.id])
    mine = {}
    if current_user.is_authenticated and runs:
        mine = {e.run_id: e for e in db.session.scalars(select(Enrolment).where(
            Enrolment.user_id == current_user.id, Enrolment.run_id.in_([r.id for r in runs])))}
    return render_template("courses/show_course.html", course=course, runs=runs, mine=mine, seats=seats,
                           action_form=ActionForm())


def _run_or_404(run_id: int) -> Run:
    run = db.session.scalar(select(Run).where(Run.id == run_id).options(
        selectinload(Run.mentors), selectinload(Run.course).selectinload(Course.course_modules)
        .selectinload(CourseModule.module)))
    if run is None:
        abort(404)
    return run


def show_run(run_id: int):
    run = _run_or_404(run_id)
    mine = None
    if current_user.is_authenticated:
        mine = db.session.scalar(select(Enrolment).where(Enrolment.run_id == run.id,
                                                         Enrolment.user_id == current_user.id))
    roster = None
    if run.can_view_roster(current_user):
        roster = paginate(select(Enrolment).where(Enrolment.run_id == run.id, Enrolment.state != EnrolmentState.WITHDRAWN)
                          .order_by(Enrolment.state, Enrolment.state_changed_at)
                          .options(selectinload(Enrolment.user).selectinload(User.organisation)))
    organisation = current_user.organisation if current_user.is_authenticated else None
    return render_template("courses/show_run.html", run=run, mine=mine, roster=roster,
                           taken=ops.seats_taken([run.id]).get(run.id, 0), action_form=ActionForm(),
                           can_enrol_members=bool(organisation and organisation.can_enrol_members(current_user)))


@login_required
def enrol_self(run_id: int):
    run = _run_or_404(run_id)
    require(run.can_self_enrol(current_user))
    if not ActionForm().validate_on_submit():
        abort(400)
    enrolment = ops.enrol(run.id, current_user, current_user)
    db.session.commit()
    if enrolment.state is EnrolmentState.ENROLLED:
        flash(f"You are enrolled on {run.name}. A confirmation e-mail is on its way.", "success")
    else:
        flash("The run is full, so you are on the waitlist. If a seat frees up it is yours, and we will e-mail you.",
              "info")
    return redirect(url_for("courses.show_run", run_id=run.id))


@login_required
def withdraw_enrolment(enrolment_id: int):
    enrolment = db.get_or_404(Enrolment, enrolment_id)
    require(enrolment.can_withdraw(current_user))
    if not ActionForm().validate_on_submit():
        abort(400)
    ops.withdraw(enrolment, current_user)
    db.session.commit()
    flash(f"{enrolment.user.display_name} is withdrawn from {enrolment.run.name}.", "info")
    return redirect(safe_redirect_target(request.form.get("next_url"),
                                         url_for("courses.show_run", run_id=enrolment.run_id)))


@login_required
def enrol_members(run_id: int):
    run = _run_or_404(run_id)
    organisation = current_user.organisation
    require(organisation is not None and organisation.can_enrol_members(current_user))
    if not run.is_enrolment_open():
        flash("Enrolment for this run is closed.", "warning")
        return redirect(url_for("courses.show_run", run_id=run.id))
    members = db.session.scalars(select(User).where(User.organisation_id == organisation.id,
                                                    User.is_active_account.is_(True))
                                 .order_by(User.display_name)).all()
    enrolments = db.session.scalars(
        select(Enrolment).join(Run).where(Enrolment.user_id.in_([m.id for m in members]),
                                          Enrolment.state != EnrolmentState.WITHDRAWN,
                                          db.or_(Run.id == run.id, Run.ends_at > utcnow()))
        .order_by(Run.starts_at).options(selectinload(Enrolment.run).selectinload(Run.course))).all()
    current = {e.user_id: e for e in enrolments if e.run_id == run.id}
    elsewhere = {}
    for enrolment in enrolments:
        if enrolment.run_id != run.id:
            elsewhere.setdefault(enrolment.user_id, []).append(enrolment)
    form = EnrolMembersForm()
    form.member_ids.choices = [(m.id, m.display_name) for m in members
                               if m.id not in current or not current[m.id].is_active]
    if form.validate_on_submit():
        chosen = [m for m in members if m.id in set(form.member_ids.data)]
        results = [ops.enrol(run.id, member, current_user) for member in chosen]
        db.session.commit()
        enrolled = [e.user.display_name for e in results if e.state is EnrolmentState.ENROLLED]
        waiting = [e.user.display_name for e in results if e.state is EnrolmentState.WAITLISTED]
        if enrolled:
            flash(f"Enrolled: {', '.join(enrolled)}.", "success")
        if waiting:
            flash(f"The run is full; on the waitlist: {', '.join(waiting)}.", "info")
        return redirect(url_for("courses.show_run", run_id=run.id))
    return render_template("courses/enrol_members.html", run=run, form=form, current=current, members=members,
                           elsewhere=elsewhere, taken=ops.seats_taken([run.id]).get(run.id, 0))


# -- administration -----------------------------------------------------------

@login_required
def list_runs():
    require(Run.can_manage(current_user))
    page = paginate(select(Run).order_by(Run.starts_at.desc()).options(selectinload(Run.course),
                                                                        selectinload(Run.mentors)))
    return render_template("courses/list_runs.html", page=page, seats=ops.seats_taken(r.id for r in page.items))


@login_required
def create_run():
    require(Run.can_manage(current_user))
    start = RunStartForm(request.args)
    draft = _run_draft(start) if request.method == "GET" and start.validate() else None
    form = RunForm(**asdict(draft)) if draft else RunForm()
    if form.validate_on_submit():
        run = save_run(None, form.run_values(), form.mentor_ids.data or [], current_user)
        db.session.commit()
        flash(f"Run created: {run.name}.", "success")
        return redirect(url_for("courses.show_run", run_id=run.id))
    return render_template("courses/edit_run.html", form=form, run=None, start=start,
                           copied=db.session.get(Run, start.copy.data) if draft and start.copy.data else None)


def _run_draft(start: RunStartForm) -> RunDraft | None:
    today = utcnow().astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()
    if start.copy.data is not None:
        return copy_of(_run_or_404(start.copy.data), today)
    if start.course.data is not None:
        course = db.get_or_404(Course, start.course.data)
        latest = db.session.scalars(select(Run).where(Run.course_id == course.id)
                                    .order_by(Run.starts_at.desc()).limit(1)).first()
        return defaults_for(course, latest, today)
    return None


@login_required
def edit_run(run_id: int):
    run = _run_or_404(run_id)
    require(run.can_edit(current_user))
    form = RunForm.for_run(run) if request.method == "GET" else RunForm()
    if form.validate_on_submit():
        save_run(run, form.run_values(), form.mentor_ids.data or [], current_user)
        db.session.commit()
        flash("Run saved.", "success")
        return redirect(url_for("courses.show_run", run_id=run.id))
    return render_template("courses/edit_run.html", form=form, run=run)
