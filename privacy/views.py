from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from accounts.models import Organisation
from accounts.personal_data import last_active
from core import audit
from core.db import paginate, utcnow
from core.errors import back_on_refusal
from core.extensions import db, limiter
from core.forms import ActionForm
from core.permissions import require
from core.timezones import format_date
from core.web import private_attachment
from mentoring.personal_data import private_notes_about
from privacy import erasure, export, retention
from privacy.access import can_export_own, can_manage_requests
from privacy.forms import ConfirmErasureForm, ErasureRequestForm, ExportForPersonForm, NotesDecisionForm
from privacy.models import ErasureRequest, ErasureState, NotesRequest, NotesRequestState


def _zip_response(user, private_notes: bool) -> Response:
    archive = export.build_zip(user, current_user, private_notes)
    db.session.commit()
    return private_attachment(archive, "application/zip", export.file_name(user))


def _render_my_data(erasure_form: ErasureRequestForm, status: int = 200):
    return render_template("privacy/my_data.html", notes_request=export.latest_notes_request(current_user),
                           released=export.private_notes_released(current_user), form=ActionForm(),
                           erasure_request=erasure.pending_request(current_user), erasure_form=erasure_form,
                           grace_days=erasure.grace_period().days), status


@login_required
def my_data():
    require(can_export_own(current_user))
    return _render_my_data(ErasureRequestForm(formdata=None))


@login_required
@limiter.limit("20 per hour")
def download_my_data():
    require(can_export_own(current_user))
    return _zip_response(current_user, export.private_notes_released(current_user))


@login_required
def request_private_notes():
    require(can_export_own(current_user))
    if ActionForm().validate_on_submit():
        export.ask_for_private_notes(current_user)
        db.session.commit()
        flash("Your request is with the administrators. We tell you here when they have decided.", "info")
    return redirect(url_for("privacy.my_data"))


def _render_requests(form: ExportForPersonForm, status: int = 200):
    page = paginate(select(NotesRequest).where(NotesRequest.state == NotesRequestState.PENDING)
                    .order_by(NotesRequest.requested_at, NotesRequest.id))
    return render_template("privacy/list_requests.html", page=page, form=form), status


@login_required
def list_requests():
    require(can_manage_requests(current_user))
    return _render_requests(ExportForPersonForm(formdata=None))


@login_required
def export_for_person():
    require(can_manage_requests(current_user))
    form = ExportForPersonForm()
    if not form.validate_on_submit():
        return _render_requests(form, 400)
    return _zip_response(form.user, form.private_notes.data)


@login_required
def decide_notes_request(request_id: int):
    request = db.get_or_404(NotesRequest, request_id)
    require(can_manage_requests(current_user))
    if not request.is_pending:
        flash("This request has already been decided.", "info")
        return redirect(url_for("privacy.list_requests"))
    form = NotesDecisionForm()
    if form.validate_on_submit():
        export.decide_notes_request(request, form.decision.data == "approve", current_user, form.reason.data)
        db.session.commit()
        flash(f"Recorded: {request.state.value.lower()}.", "success")
        return redirect(url_for("privacy.list_requests"))
    audit.record("privacy.notes_read", actor=current_user, subject=request.user_id, detail={"request_id": request.id})
    db.session.commit()
    return render_template("privacy/decide_notes_request.html", request=request, form=form,
                           notes=private_notes_about(request.user), when=export.readable_in(current_user.timezone)
                           ), 400 if form.errors else 200


@login_required
def request_erasure():
    require(can_export_own(current_user))
    form = ErasureRequestForm()
    if not form.validate_on_submit():
        return _render_my_data(form, 400)
    request = erasure.ask_for_erasure(current_user)
    db.session.commit()
    flash(f"Your request is in. Your account will be erased after {format_date(request.due_at)}; until then you can "
          "withdraw it here.", "info")
    return redirect(url_for("privacy.my_data"))


@login_required
def withdraw_erasure(request_id: int):
    request = db.get_or_404(ErasureRequest, request_id)
    require(request.can_withdraw(current_user))
    if ActionForm().validate_on_submit():
        back_on_refusal(url_for("privacy.my_data"))
        erasure.withdraw(request)
        db.session.commit()
        flash("You withdrew your request: your account stays as it is.", "success")
    return redirect(url_for("privacy.my_data"))


@login_required
def erasure_queue():
    require(ErasureRequest.can_use_queue(current_user))
    page = paginate(select(ErasureRequest).where(ErasureRequest.state == ErasureState.PENDING)
                    .order_by(ErasureRequest.due_at, ErasureRequest.id))
    done = db.session.scalars(select(ErasureRequest).where(ErasureRequest.state != ErasureState.PENDING)
                              .order_by(ErasureRequest.decided_at.desc(), ErasureRequest.id.desc()).limit(20)).all()
    return render_template("privacy/erasure_queue.html", page=page, done=done, now=utcnow())


@login_required
def confirm_erasure(request_id: int):
    request = db.get_or_404(ErasureRequest, request_id)
    require(ErasureRequest.can_use_queue(current_user))
    form = ConfirmErasureForm()
    if form.validate_on_submit():
        require(request.can_confirm(current_user))
        back_on_refusal(url_for("privacy.erasure_queue"))
        erasure.confirm(request, current_user)
        db.session.commit()
        flash("Erased. Their files are gone and others' records now read \"a former trainee\".", "success")
        return redirect(url_for("privacy.erasure_queue"))
    return render_template("privacy/confirm_erasure.html", request=request, form=form,
                           may_confirm=request.can_confirm(current_user)), 400 if form.errors else 200


def privacy_notice():
    return render_template("privacy/privacy_notice.html", schedule=retention.schedule(), describe=retention.describe,
                           grace_days=erasure.grace_period().days)


@login_required
def show_organisation_retention(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    require(organisation.can_manage(current_user))
    return render_template("privacy/organisation_retention.html", organisation=organisation,
                           schedule=retention.schedule(), describe=retention.describe,
                           due=retention.members_due(organisation.id), last_active=last_active)
