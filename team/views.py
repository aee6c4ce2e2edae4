"""The team competency matrix: the page, its CSV export, and the administrators' list of organisations."""
from flask import abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from accounts.models import Organisation, User
from core.db import paginate, utcnow
from core.extensions import db
from core.permissions import require
from core.timezones import viewer_timezone
from core.web import private_attachment
from modules.completion import ModuleState
from team.behind import behind_page
from team.forms import MatrixFilterForm
from team.matrix import Matrix, build_matrix, held_runs, matrix_csv
from team.report import build_report, can_view_report, progress_chart, report_pdf


def _viewable_organisation(organisation_id: int) -> Organisation:
    organisation = db.get_or_404(Organisation, organisation_id)
    require(organisation.can_view_matrix(current_user))
    return organisation


@login_required
def show_matrix(organisation_id: int):
    organisation = _viewable_organisation(organisation_id)
    runs = held_runs(organisation)
    form = MatrixFilterForm(request.args, runs)
    if not form.validate():
        # An unknown run or state: say so beside the field, and show the unfiltered matrix.
        return _render_matrix(form, build_matrix(organisation, held=runs)), 400
    matrix = build_matrix(organisation, form.chosen_run, form.chosen_state, request.args.get("page", 1, type=int),
                          held=runs)
    return _render_matrix(form, matrix)


def _render_matrix(form: MatrixFilterForm, matrix: Matrix):
    # The viewer's zone once, not once per cell: 2,400 look-ups of the signed-in user cost more than the grid.
    return render_template("team/show_matrix.html", form=form, matrix=matrix, states=list(ModuleState),
                           zone=viewer_timezone())


@login_required
def export_matrix(organisation_id: int):
    organisation = _viewable_organisation(organisation_id)
    runs = held_runs(organisation)
    form = MatrixFilterForm(request.args, runs)
    if not form.validate():
        abort(400)
    matrix = build_matrix(organisation, form.chosen_run, form.chosen_state, per_page=None, held=runs)
    return private_attachment(matrix_csv(matrix, viewer_timezone()), "text/csv",
                              f"competency-matrix-{organisation.id}.csv")


@login_required
def show_behind(organisation_id: int):
    organisation = _viewable_organisation(organisation_id)
    now = utcnow()
    behind = behind_page(organisation, now, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    return render_template("team/show_behind.html", behind=behind, now=now, zone=viewer_timezone())


@login_required
def list_matrices():
    require(Organisation.can_list_matrices(current_user))
    page = paginate(select(Organisation).order_by(Organisation.name, Organisation.id))
    return render_template("team/list_matrices.html", page=page)


def _reported_member(organisation_id: int, user_id: int) -> User:
    member = db.session.get(User, user_id)
    if member is None or member.organisation_id != organisation_id:
        abort(404)
    require(can_view_report(current_user, member))
    return member


@login_required
def show_report(organisation_id: int, user_id: int):
    member = _reported_member(organisation_id, user_id)
    report = build_report(member, viewer_timezone())
    return render_template("team/show_report.html", report=report, member=member,
                           chart=progress_chart(report.progress, report.lessons_total))


@login_required
def download_report(organisation_id: int, user_id: int):
    member = _reported_member(organisation_id, user_id)
    zone = viewer_timezone()
    return private_attachment(report_pdf(build_report(member, zone), zone, utcnow()), "application/pdf",
                              f"training-report-{member.id}.pdf")
