"""Sign-off routes: the trainee's request page, the mentors' queue, a request's page, decisions, evidence files."""
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core import audit
from core.db import paginate
from core.errors import back_on_refusal
from core.extensions import db
from core.permissions import require
from courses.access import module_access
from courses.models import Run
from mentoring.bookings import module_notes
from modules.attempts import standings
from modules.completion import STATE_OF_SIGN_OFF, can_request_sign_off, module_state
from modules.evidence import path_of
from modules.forms import RevokeSignOffForm, SignOffRequestForm, decision_form
from modules.models import SignOff, SignOffEvent, SignOffState, SignOffVersion
from modules.signoffs import (
    SignOffRefusal,
    facts_for,
    lock_sign_off,
    request_sign_off,
    return_for_revision,
    revoke_sign_off,
    sign_off_module,
    sign_off_of,
)
from modules.views import module_or_404

QUEUE_STATES = {"waiting": [SignOffState.REQUESTED], "signed-off": [SignOffState.SIGNED_OFF],
                "returned": [SignOffState.RETURNED], "revoked": [SignOffState.REVOKED]}


def _sign_off_or_404(sign_off_id: int) -> SignOff:
    sign_off = db.session.scalar(select(SignOff).where(SignOff.id == sign_off_id).options(
        selectinload(SignOff.module), selectinload(SignOff.learner), selectinload(SignOff.versions),
        selectinload(SignOff.events).selectinload(SignOffEvent.actor),
        selectinload(SignOff.run).selectinload(Run.mentors), selectinload(SignOff.run).selectinload(Run.course)))
    if sign_off is None:
        abort(404)
    return sign_off


def request_module_sign_off(slug: str):
    module = module_or_404(slug)
    require(module.is_sign_off_required and module_access(current_user, module).counts_progress)
    sign_off = sign_off_of(current_user.id, module.id)
    facts = facts_for(current_user.id, module)
    form = SignOffRequestForm()
    if request.method == "POST" and sign_off is not None and sign_off.state is SignOffState.REQUESTED:
        flash("This was already sent for sign-off.", "info")  # a double submit, or a second tab
        return redirect(url_for("modules.show_sign_off", sign_off_id=sign_off.id))
    if request.method == "GET" and sign_off is not None and sign_off.latest_version is not None:
        form.answer.data = sign_off.latest_version.answer
    if can_request_sign_off(facts) and form.validate_on_submit():
        try:
            sign_off = request_sign_off(current_user, module, form.answer.data, form.checked_file)
        except SignOffRefusal as refusal:
            # Shown beside the answer field, with what the trainee wrote kept, not flashed on another page.
            db.session.rollback()
            form.answer.errors.append(refusal.message)
        else:
            db.session.commit()
            flash("Sent for sign-off. The mentors of your run are told; you will hear when they decide.", "success")
            return redirect(url_for("modules.show_sign_off", sign_off_id=sign_off.id))
    elif request.method == "POST" and not form.errors:
        flash("You cannot send this for sign-off now.", "error")
        return redirect(url_for("modules.request_module_sign_off", slug=slug))
    return render_template("modules/signoff/request_sign_off.html", module=module, sign_off=sign_off, form=form,
                           state=module_state(facts), can_request=can_request_sign_off(facts)), \
        400 if form.errors else 200


def sign_off_queue():
    require(SignOff.can_use_queue(current_user))
    shown = request.args.get("show", "waiting")
    if shown not in QUEUE_STATES:
        shown = "waiting"
    query = (select(SignOff).where(SignOff.state.in_(QUEUE_STATES[shown]))
             .order_by(SignOff.state_changed_at if shown == "waiting" else SignOff.state_changed_at.desc(),
                       SignOff.id)
             .options(selectinload(SignOff.learner), selectinload(SignOff.module), selectinload(SignOff.versions),
                      selectinload(SignOff.run).selectinload(Run.course)))
    query = query.where(SignOff.in_queue_of(current_user))
    page = paginate(query)
    return render_template("modules/signoff/queue.html", page=page, shown=shown, states=QUEUE_STATES)


def show_sign_off(sign_off_id: int):
    sign_off = _sign_off_or_404(sign_off_id)
    require(sign_off.can_view(current_user))
    return _render_sign_off(sign_off)


def _render_sign_off(sign_off: SignOff, decision=None, revocation=None, status=200):
    module = sign_off.module
    if decision is None and sign_off.can_decide(current_user):
        decision = decision_form(module.criteria, version=sign_off.latest_version.number)
    if revocation is None and sign_off.can_revoke(current_user):
        revocation = RevokeSignOffForm(formdata=None)
    quiz_standing = None
    if sign_off.is_overseen_by(current_user) and module.quiz:
        quiz_standing = standings(sign_off.learner_id, [module.quiz])[module.quiz.id]
    # Session notes are between the trainee and a mentor: the run's mentors see them here, nobody else.
    notes = module_notes(sign_off.learner_id, module.id) if sign_off.is_decided_by_mentor(current_user) else []
    return render_template("modules/signoff/show_sign_off.html", sign_off=sign_off, module=module,
                           state=STATE_OF_SIGN_OFF[sign_off.state],
                           decision=decision, revocation=revocation, quiz_standing=quiz_standing, notes=notes,
                           can_revise=sign_off.can_revise(current_user)), status


def decide_sign_off(sign_off_id: int):
    sign_off = _sign_off_or_404(sign_off_id)
    require(sign_off.is_decided_by_mentor(current_user))
    form = decision_form(sign_off.module.criteria)
    if not form.validate_on_submit():
        return _render_sign_off(sign_off, decision=form, status=400)
    back_on_refusal(url_for("modules.show_sign_off", sign_off_id=sign_off_id))
    sign_off = lock_sign_off(sign_off.id)
    version = form.version.data
    if form.decision.data == "sign_off":
        sign_off_module(sign_off, current_user, version, [field.data or "" for field in form.criterion_fields],
                        form.comment.data or "")
    else:
        return_for_revision(sign_off, current_user, version, form.comment.data or "")
    db.session.commit()
    done = "Signed off" if form.decision.data == "sign_off" else "Returned for revision"
    flash(f"{done}: {sign_off.learner.display_name} is told by e-mail.", "success")
    return redirect(url_for("modules.sign_off_queue"))


def revoke_module_sign_off(sign_off_id: int):
    sign_off = _sign_off_or_404(sign_off_id)
    require(sign_off.is_overseen_by(current_user))
    form = RevokeSignOffForm()
    if not form.validate_on_submit():
        return _render_sign_off(sign_off, revocation=form, status=400)
    back_on_refusal(url_for("modules.show_sign_off", sign_off_id=sign_off_id))
    sign_off = lock_sign_off(sign_off.id)
    revoke_sign_off(sign_off, current_user, form.reason.data)
    db.session.commit()
    flash(f"Sign-off revoked: {sign_off.learner.display_name} and their leader are told.", "success")
    return redirect(url_for("modules.show_sign_off", sign_off_id=sign_off_id))


def download_evidence(sign_off_id: int, number: int):
    sign_off = _sign_off_or_404(sign_off_id)
    require(sign_off.can_view(current_user))
    version = db.session.scalar(select(SignOffVersion).where(SignOffVersion.sign_off_id == sign_off.id,
                                                             SignOffVersion.number == number))
    if version is None or version.file_key is None or not path_of(version.file_key).is_file():
        abort(404)
    audit.record("evidence.download", actor=current_user, subject=sign_off.learner_id,
                 detail={"sign_off_id": sign_off.id, "version": number})
    db.session.commit()
    response = send_file(path_of(version.file_key), mimetype=version.file_type, as_attachment=True,
                         download_name=version.file_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
