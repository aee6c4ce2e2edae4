"""Certificate routes: download, public verification, reissue, and the administrators' list and revocation."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from certificates import operations as ops
from certificates.forms import CertificateSearchForm, RevokeCertificateForm, VerifyCertificateForm
from certificates.models import Certificate
from core.db import paginate, utcnow
from core.errors import back_on_refusal
from core.extensions import db, limiter
from core.forms import ActionForm
from core.permissions import require
from core.web import private_attachment, safe_redirect_target
from courses.models import Run

#: one budget for both verification pages, so codes cannot be enumerated through either
verification_limit = limiter.shared_limit("30 per minute", scope="certificate-verification")


def _certificate_or_404(certificate_id: int) -> Certificate:
    certificate = db.session.scalar(select(Certificate).where(Certificate.id == certificate_id).options(
        selectinload(Certificate.learner), selectinload(Certificate.run).selectinload(Run.course)))
    if certificate is None:
        abort(404)
    return certificate


@login_required
def download_certificate(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    require(certificate.can_download(current_user))
    return private_attachment(ops.certificate_pdf(certificate), "application/pdf",
                              f"certificate-{certificate.code}.pdf")


@login_required
def reissue_certificate(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    require(certificate.can_reissue(current_user))
    if not ActionForm().validate_on_submit():
        abort(400)
    back = safe_redirect_target(request.form.get("next_url"), url_for("dashboards.dashboard"))
    back_on_refusal(back)
    ops.reissue(certificate, current_user)
    db.session.commit()
    flash(f"Certificate reissued in the name {certificate.name} (version {certificate.version}); "
          "its verification code is unchanged.", "success")
    return redirect(back)


@verification_limit
def verify_form():
    form = VerifyCertificateForm(request.args)
    if "code" in request.args and form.validate():
        return redirect(url_for("certificates.verify_certificate", code=ops.normalise_code(form.code.data)))
    return render_template("certificates/verify_form.html", form=form), 400 if form.errors else 200


@verification_limit
def verify_certificate(code: str):
    normalised = ops.normalise_code(code)
    if normalised is not None and normalised != code:
        return redirect(url_for("certificates.verify_certificate", code=normalised))
    certificate = ops.find_by_code(normalised) if normalised else None
    elsewhere = ops.other_certificate_page(normalised) if normalised and certificate is None else None
    if elsewhere:
        return redirect(elsewhere)
    if certificate is None:
        return render_template("certificates/verify_certificate.html", code=code, certificate=None,
                               form=VerifyCertificateForm(formdata=None)), 404
    return render_template("certificates/verify_certificate.html", code=code, certificate=certificate,
                           status=ops.status(certificate))


# -- administration -----------------------------------------------------------

@login_required
def list_certificates():
    require(Certificate.can_manage(current_user))
    form = CertificateSearchForm(request.args)
    wanted = form.status.data if form.validate() else ""
    search = form.q.data or ""
    now = utcnow()
    page = paginate(ops.search(search, wanted, now))
    return render_template("certificates/list_certificates.html", page=page, form=form, search=search, wanted=wanted,
                           statuses={c.id: ops.status(c, now) for c in page.items})


@login_required
def revoke_certificate(certificate_id: int):
    certificate = _certificate_or_404(certificate_id)
    require(Certificate.can_manage(current_user))
    if certificate.is_revoked:
        flash("This certificate is already revoked.", "info")
        return redirect(url_for("certificates.list_certificates", q=certificate.code))
    form = RevokeCertificateForm()
    if form.validate_on_submit():
        back_on_refusal(url_for("certificates.list_certificates", q=certificate.code))
        ops.revoke(certificate, current_user, form.reason.data)
        db.session.commit()
        flash(f"Certificate {certificate.code} is revoked; {certificate.learner.display_name} is told by e-mail.",
              "success")
        return redirect(url_for("certificates.list_certificates", q=certificate.code))
    return render_template("certificates/revoke_certificate.html", certificate=certificate, form=form,
                           status=ops.status(certificate)), 400 if form.errors else 200
