"""The team competency matrix: the page, its CSV export, and the administrators' list of organisations."""
from zoneinfo import ZoneInfo

from flask import abort, current_app, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import select

from accounts.models import Organisation, User
from core.cache import cached_text, fragment
from core.db import paginate, utcnow
from core.extensions import db
from core.permissions import require
from core.timezones import viewer_timezone
from core.web import private_attachment
from modules.completion import ModuleState
from team.behind import behind_page
from team.forms import MatrixFilterForm
from team.matrix import build_matrix, held_runs, matrix_csv, rows_html
from team.matrix_versions import matrix_version
from team.report import build_report, can_view_report, progress_chart, report_pdf


def _viewable_organisation(organisation_id: int) -> Organisation:
    organisation = db.get_or_404(Organisation, organisation_id)
    require(organisation.can_view_matrix(current_user))
    return organisation


@login_required
def show_matrix(organisation_id: int):
    organisation = _viewable_organisation(organisation_id)
    version = matrix_version(organisation.id)  # first: every fact read after it is at least as new
    runs = held_runs(organisation, version)
    form = MatrixFilterForm(request.args, runs)
    # An unknown run or state: say so beside the field, and show the unfiltered matrix.
    is_valid = form.validate()
    run, state = (form.chosen_run, form.chosen_state) if is_valid else (None, None)
    page = request.args.get("page", 1, type=int) if is_valid else 1
    zone = viewer_timezone()

    def render_matrix():
        matrix = build_matrix(organisation, run, state, page, held=runs)
        return render_template("team/_matrix.html", matrix=matrix, states=list(ModuleState),
                               rows_html=rows_html(matrix, zone))

    matrix_html = fragment(_cache_key("matrix", version, run, state, zone, page), render_matrix)
    html = render_template("team/show_matrix.html", form=form, organisation=organisation, run=run,
                           matrix_html=matrix_html)
    db.session.commit()  # the organisation's first view gives it its matrix token
    return html, 200 if is_valid else 400


@login_required
def export_matrix(organisation_id: int):
    organisation = _viewable_organisation(organisation_id)
    version = matrix_version(organisation.id)
    runs = held_runs(organisation, version)
    form = MatrixFilterForm(request.args, runs)
    if not form.validate():
        abort(400)
    zone = viewer_timezone()
    body = cached_text(_cache_key("matrix-csv", version, form.chosen_run, form.chosen_state, zone), lambda: matrix_csv(
        build_matrix(organisation, form.chosen_run, form.chosen_state, per_page=None, held=runs), zone))
    db.session.commit()  # the organisation's first view gives it its matrix token
    return private_attachment(body, "text/csv", f"competency-matrix-{organisation_id}.csv")


def _cache_key(kind: str, version: str, run, state: ModuleState | None, zone: ZoneInfo, page: int = 1) -> str:
    # Everything the cached text shows: the organisation at its version, the filters, the page, and the viewer's
    # zone (the dates); nothing else in it depends on who is looking.
    return f"team.{kind}:{version}:{run.id if run else ''}:{state.name if state else ''}:{page}:{zone.key}"


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
