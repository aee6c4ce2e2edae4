"""Certificates: awarded when a run is complete, verified in public by code, revoked or reissued. Flush only.

A certificate is awarded once per person and run (the partial unique index
`uq_certificates_one_unrevoked` backs that up); reissuing after a name change
keeps the code and raises the version; revoking keeps the row, so its code
then verifies as revoked, and completing the run again issues a new code.
"""
import base64
import re
import secrets
from datetime import datetime, timedelta
from functools import cache

from flask import render_template
from sqlalchemy import Exists, Select, bindparam, or_, select
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import User
from certificates.models import Certificate
from certificates.pdf import ACCENT, MUTED, CertificateDocument
from core import audit
from core.db import lock_for_update, utcnow
from core.errors import Refusal
from core.extensions import db
from core.mail import queue_mail
from core.notices import notify
from core.urls import absolute_url, path_for
from courses.models import Course, CourseModule, Enrolment, EnrolmentState, Run
from modules.completion import completed_at, gather, is_run_complete
from modules.models import SignOff, SignOffState
from modules.signals import module_progressed, sign_off_revoked

#: 16 base32 characters (80 random bits), printed in groups of four: K7QD-9XTM-...
CODE_LENGTH = 16
CODE_GROUP = 4
_CODE_PATTERN = re.compile(f"[A-Z2-7]{{{CODE_LENGTH}}}")
#: what `status()` answers; the administrators' list filters by them
STATUSES = ("valid", "expired", "revoked")


class CertificateRefusal(Refusal):
    """An action the certificate's state does not allow; the message says why."""


def new_code() -> str:
    letters = base64.b32encode(secrets.token_bytes(CODE_LENGTH * 5 // 8)).decode()
    return _grouped(letters)


def _grouped(letters: str) -> str:
    return "-".join(letters[start:start + CODE_GROUP] for start in range(0, len(letters), CODE_GROUP))


def normalise_code(text: str) -> str | None:
    """The code as stored (upper case, grouped), from however it was typed; None if it cannot be a code."""
    letters = re.sub(r"[\s\-]+", "", text or "").upper()
    return _grouped(letters) if _CODE_PATTERN.fullmatch(letters) else None


def add_years(moment: datetime, years: int) -> datetime:
    """The same calendar day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def expiry(completed: datetime, valid_years: int | None) -> datetime | None:
    return add_years(completed, valid_years) if valid_years else None


def status(certificate: Certificate, now: datetime | None = None) -> str:
    """"valid", "revoked", "expired" or "withdrawn" (its holder's data erased); revoked wins over expired."""
    if certificate.withdrawn_at is not None:
        return "withdrawn"
    if certificate.is_revoked:
        return "revoked"
    if certificate.expires_at is not None and (now or utcnow()) >= certificate.expires_at:
        return "expired"
    return "valid"


#: other kinds of certificate that /verify finds by their code (events' attendance certificates register theirs):
#: each takes a normalised code and answers the address of that certificate's own verification page, or None
_other_lookups = []


def also_verify(lookup) -> None:
    """Let /verify find another kind of certificate, issued by a higher layer with codes from `new_code()`."""
    _other_lookups.append(lookup)


def other_certificate_page(code: str) -> str | None:
    return next(filter(None, (lookup(code) for lookup in _other_lookups)), None)


def award_if_complete(user_id: int, module_ids, now: datetime | None = None) -> list[Certificate]:
    """Award a certificate for each run containing one of `module_ids` that the person has now completed.

    Only runs where they hold an ENROLLED seat count, and only runs without an
    unrevoked certificate get one, so calling this again changes nothing. The
    person's row is locked first, so two concurrent calls queue and the second
    finds the first's certificate. Tells the trainee by notice and e-mail.
    """
    now = now or utcnow()
    run_ids = set(db.session.scalars(
        select(Run.id).join(Enrolment, Enrolment.run_id == Run.id)
        .join(CourseModule, CourseModule.course_id == Run.course_id)
        .where(Enrolment.user_id == user_id, Enrolment.state == EnrolmentState.ENROLLED,
               CourseModule.module_id.in_(list(module_ids)))))
    if not run_ids:
        return []
    learner = lock_for_update(User, user_id)
    run_ids -= set(db.session.scalars(select(Certificate.run_id).where(
        Certificate.learner_id == user_id, Certificate.run_id.in_(run_ids), Certificate.revoked_at.is_(None))))
    if not run_ids:
        return []
    runs = db.session.scalars(select(Run).where(Run.id.in_(run_ids)).order_by(Run.starts_at).options(
        selectinload(Run.course).selectinload(Course.course_modules).selectinload(CourseModule.module))).all()
    modules = list({module.id: module for run in runs for module in run.course.modules}.values())
    facts = gather([user_id], modules)
    awarded = []
    for run in runs:
        run_facts = [facts[(user_id, module.id)] for module in run.course.modules]
        if not is_run_complete(run_facts):
            continue
        finished = completed_at(run_facts) or now
        certificate = Certificate(code=new_code(), learner_id=user_id, run_id=run.id, name=learner.display_name,
                                  completed_at=finished, issued_at=now,
                                  expires_at=expiry(finished, run.course.certificate_valid_years))
        db.session.add(certificate)
        db.session.flush()
        audit.record("certificate.award", subject=certificate.learner_id,
                     detail={"certificate_id": certificate.id, "run_id": run.id, "code": certificate.code})
        _tell_learner(learner, certificate, f"Your certificate for {run.course.title} is ready to download.",
                      "certificates/email/awarded.txt")
        awarded.append(certificate)
    return awarded


def revoke(certificate: Certificate, by: User, reason: str, now: datetime | None = None) -> None:
    """Revoke a certificate for `reason` (kept private: the public page shows only that and when).

    The row is locked first, so of two concurrent revocations the second is refused.
    """
    lock_for_update(Certificate, certificate.id)
    if certificate.is_revoked:
        raise CertificateRefusal("This certificate is already revoked.")
    reason = reason.strip()
    if not reason:
        raise CertificateRefusal("Give the reason for revoking the certificate.", status=400)
    certificate.revoked_at, certificate.revoked_by_id, certificate.revoke_reason = now or utcnow(), by.id, reason
    db.session.flush()
    audit.record("certificate.revoke", actor=by, subject=certificate.learner_id,
                 detail={"certificate_id": certificate.id, "code": certificate.code})
    _tell_learner(certificate.learner, certificate,
                  f"Your certificate for {certificate.run.course.title} has been revoked.",
                  "certificates/email/revoked.txt")


def revoke_for_module(learner_id: int, module_id: int, by: User, reason: str) -> list[Certificate]:
    """Revoke the learner's standing certificates for runs whose course includes the module.

    Called when a mentor's sign-off on the module is revoked: the run is no longer complete.
    """
    certificates = db.session.scalars(
        select(Certificate).join(Run, Run.id == Certificate.run_id)
        .join(CourseModule, CourseModule.course_id == Run.course_id)
        .where(Certificate.learner_id == learner_id, Certificate.revoked_at.is_(None),
               CourseModule.module_id == module_id)
        .options(selectinload(Certificate.run).selectinload(Run.course), selectinload(Certificate.learner))).all()
    for certificate in certificates:
        revoke(certificate, by, reason)
    return certificates


def _award_on_progress(sender, learner_id: int, module_ids, now: datetime) -> None:
    award_if_complete(learner_id, module_ids, now)


def _revoke_on_sign_off_revoked(sign_off, by: User, reason: str) -> None:
    revoke_for_module(sign_off.learner_id, sign_off.module_id, by,
                      f"The sign-off on {sign_off.module.title} was revoked: {reason}")


def connect_awarding() -> None:
    """Award certificates as learners progress, and revoke them with the sign-offs they rested on."""
    module_progressed.connect(_award_on_progress, weak=False)
    sign_off_revoked.connect(_revoke_on_sign_off_revoked, weak=False)


def reissue(certificate: Certificate, by: User, now: datetime | None = None) -> Certificate:
    """A new version in the trainee's present name, with the same code; refused if revoked or the name is unchanged.

    The row is locked first, so a double click makes one new version.
    """
    lock_for_update(Certificate, certificate.id)
    if certificate.is_revoked:
        raise CertificateRefusal("A revoked certificate cannot be reissued.")
    if not certificate.needs_reissue:
        raise CertificateRefusal("The certificate already shows your present name; there is nothing to reissue.")
    certificate.name = certificate.learner.display_name
    certificate.version += 1
    certificate.reissued_at = now or utcnow()
    db.session.flush()
    audit.record("certificate.reissue", actor=by, subject=certificate.learner_id,
                 detail={"certificate_id": certificate.id, "version": certificate.version})
    return certificate


def _tell_learner(learner: User, certificate: Certificate, text: str, template: str) -> None:
    link = path_for("certificates.download_certificate", certificate_id=certificate.id)
    notify([learner.id], text, link)
    queue_mail(learner.email, text, render_template(
        template, certificate=certificate, learner=learner,
        download_link=absolute_url("certificates.download_certificate", certificate_id=certificate.id),
        verify_link=absolute_url("certificates.verify_certificate", code=certificate.code)))


def has_certificates(user_id: int) -> Exists:
    return select(Certificate.id).where(Certificate.learner_id == user_id).exists()


def certificates_of(user_id: int) -> list[dict]:
    """The person's certificates, newest first, each with its status (one query)."""
    now = utcnow()
    certificates = db.session.scalars(_certificates_query(), {"user_id": user_id}).all()
    return [{"certificate": certificate, "status": status(certificate, now)} for certificate in certificates]


@cache
def _certificates_query() -> Select:
    """Built once per process, with parameters (the dashboard would otherwise spend more on building it than on
    running it)."""
    return (select(Certificate).where(Certificate.learner_id == bindparam("user_id"))
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
            .options(joinedload(Certificate.run).joinedload(Run.course)))


def find_by_code(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.code == code).options(
        selectinload(Certificate.run).selectinload(Run.course)))


def search(text: str = "", wanted_status: str = "", now: datetime | None = None):
    """Certificates matching a name or code fragment and a status, newest first (a query to paginate)."""
    now = now or utcnow()
    query = (select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
             .options(selectinload(Certificate.learner), selectinload(Certificate.run).selectinload(Run.course)))
    text = text.strip()
    if text:
        code = re.sub(r"[\s\-]+", "", text).upper()
        query = query.where(or_(db.func.lower(Certificate.name).like(f"%{text.lower()}%"),
                                db.func.replace(Certificate.code, "-", "").like(f"%{code}%")))
    standing = Certificate.revoked_at.is_(None)
    if wanted_status == "revoked":
        query = query.where(Certificate.revoked_at.is_not(None))
    elif wanted_status == "expired":
        query = query.where(standing, Certificate.expires_at <= now)
    elif wanted_status == "valid":
        query = query.where(standing, or_(Certificate.expires_at.is_(None), Certificate.expires_at > now))
    return query


# -- the PDF -------------------------------------------------------------------

def _run_dates(run: Run) -> str:
    zone = run.zone
    first = run.starts_at.astimezone(zone).date()
    last = (run.ends_at - timedelta(seconds=1)).astimezone(zone).date()
    if first == last:
        return f"{first:%-d %B %Y}"
    return f"{first:%-d %B %Y} to {last:%-d %B %Y}"


def _signing_mentors(certificate: Certificate, module_ids: list[int]) -> dict[int, str]:
    sign_offs = db.session.scalars(select(SignOff).where(
        SignOff.learner_id == certificate.learner_id, SignOff.module_id.in_(module_ids),
        SignOff.state == SignOffState.SIGNED_OFF).options(selectinload(SignOff.decided_by))).all()
    return {sign_off.module_id: sign_off.decided_by.display_name for sign_off in sign_offs if sign_off.decided_by}


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as an A4 landscape PDF, with the verification code and address."""
    run = certificate.run
    course = run.course
    modules = course.modules
    mentors = _signing_mentors(certificate, [module.id for module in modules])
    verify_url = absolute_url("certificates.verify_certificate", code=certificate.code)

    document = CertificateDocument(f"Certificate: {course.title}")
    line = document.line
    line("CASEWORK ACADEMY", 13, "B", ACCENT, gap=2)
    line("Certificate of completion", 30, "B", gap=4)
    line("This certifies that", 13, "I", MUTED, gap=1)
    line(certificate.name, 28, "B", ACCENT, gap=2)
    line("has completed the course", 13, "I", MUTED, gap=1)
    line(course.title, 20, "B", gap=1)
    line(f"{course.format.label} · {_run_dates(run)}", 13, gap=0)
    line(f"Completed on {certificate.completed_at.astimezone(run.zone):%-d %B %Y}", 13, gap=4)

    line("Modules", 12, "B", ACCENT, gap=0.5)
    module_size = 11 if len(modules) <= 6 else 9.5
    for module in modules:
        signed = f" — signed off by {mentors[module.id]}" if module.id in mentors else ""
        line(f"{module.title}{signed}", module_size, height=module_size * 0.48)

    document.footer(certificate.code, verify_url)
    if certificate.version > 1:
        line(f"Version {certificate.version}, reissued "
             f"{certificate.reissued_at.astimezone(run.zone):%-d %B %Y}", 10, colour=MUTED)
    if certificate.expires_at is not None:
        line(f"Valid until {certificate.expires_at.astimezone(run.zone):%-d %B %Y}", 10, colour=MUTED)
    return document.output()
