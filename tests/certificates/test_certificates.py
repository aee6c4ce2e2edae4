"""Certificates: awarded once a run is complete, printed as a PDF, verified in public, reissued and revoked."""
import io
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest
from flask import has_request_context
from pypdf import PdfReader

from certificates import operations as ops
from certificates.models import Certificate
from core.db import utcnow
from core.extensions import db
from core.notices import Notice
from core.urls import DEVELOPMENT_BASE_URL
from courses.models import Course
from curriculum.models import Module, Question
from modules.attempts import start_attempt
from modules.models import Attempt, SignOff, SignOffState
from tests.modules.quiz_helpers import fixture_quiz, page_form

CODE = re.compile(r"^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$")


@pytest.fixture
def sign_off(db):
    """Record a mentor's sign-off on a module, as the sign-off flow leaves it."""
    def sign(learner, mentor, module_slug="appeals-basics"):
        module = db.session.scalar(db.select(Module).where(Module.slug == module_slug))
        db.session.add(SignOff(learner_id=learner.id, module_id=module.id, state=SignOffState.SIGNED_OFF,
                               decided_by_id=mentor.id, state_changed_at=utcnow()))
        db.session.commit()
        return module

    return sign


@pytest.fixture
def completed(app, make_user, make_run, enrol, finish_module, sign_off, make_organisation):
    """A trainee who has completed the appeals workshop (lessons, quiz, sign-off), and a way to award."""
    mentor = make_user("mentor", name="Siobhán Ó Briain")
    trainee = make_user("trainee", make_organisation(), name="Łucja Nguyễn", email="lucja@example.org")
    run = make_run(mentors=[mentor])
    enrol(run, trainee)
    module = finish_module(trainee)
    sign_off(trainee, mentor)

    def award(user=trainee, module_ids=(module.id,), now=None):
        with app.test_request_context():
            awarded = ops.award_if_complete(user.id, module_ids, now)
            db.session.commit()
        return awarded

    return {"trainee": trainee, "mentor": mentor, "run": run, "module": module, "award": award}


def _certificate(completed) -> Certificate:
    [certificate] = completed["award"]()
    return certificate


# -- awarding ------------------------------------------------------------------

def test_a_complete_run_earns_one_certificate_and_the_trainee_is_told(completed, outbox):
    [certificate] = completed["award"]()
    trainee = completed["trainee"]
    assert CODE.match(certificate.code) and certificate.version == 1
    assert certificate.name == "Łucja Nguyễn" and certificate.expires_at is None
    assert certificate.completed_at is not None and certificate.run_id == completed["run"].id
    assert completed["award"]() == []
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 1
    [mail] = outbox(trainee.email)
    assert certificate.code in mail.get_content() and f"/certificates/{certificate.id}.pdf" in mail.get_content()
    notice = db.session.scalar(db.select(Notice).where(Notice.user_id == trainee.id))
    assert notice.link == f"/certificates/{certificate.id}.pdf"


def test_no_certificate_before_every_module_is_complete(app, make_user, make_run, enrol, finish_module, sign_off):
    trainee, mentor = make_user("trainee"), make_user("mentor")
    run = make_run()
    enrol(run, trainee)
    module = finish_module(trainee)
    with app.test_request_context():
        assert ops.award_if_complete(trainee.id, [module.id]) == []  # the sign-off is missing
    sign_off(trainee, mentor)
    waitlisted = make_user("trainee")
    finish_module(waitlisted)
    sign_off(waitlisted, mentor)
    with app.test_request_context():
        assert ops.award_if_complete(waitlisted.id, [module.id]) == []  # no seat on the run
        assert len(ops.award_if_complete(trainee.id, [module.id])) == 1


def test_reading_the_last_lesson_awards_the_certificate(client, login_as, make_user, make_run, enrol, finish_module,
                                                        sign_off):
    trainee, mentor = make_user("trainee"), make_user("mentor")
    run = make_run("two-week-programme", starts_in=-timedelta(days=8))
    enrol(run, trainee)
    finish_module(trainee)
    sign_off(trainee, mentor)
    login_as(trainee)
    assert client.get("/modules/evidence-basics/lessons/01-identification").status_code == 200
    certificate = db.session.scalar(db.select(Certificate))
    assert certificate.learner_id == trainee.id and certificate.run_id == run.id
    client.get("/modules/evidence-basics/lessons/01-identification")
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 1


def test_the_last_mark_on_a_passing_attempt_awards_the_certificate(client, login_as, make_user, make_run, enrol,
                                                                   finish_module, sign_off):
    quiz = fixture_quiz()
    quiz.draw = None
    mentor, trainee = make_user("mentor"), make_user("trainee")
    run = make_run(mentors=[mentor])
    enrol(run, trainee)
    finish_module(trainee, grade=None)
    sign_off(trainee, mentor)
    login_as(trainee)
    client.post("/modules/appeals-basics/quiz/start")
    attempt = db.session.scalar(db.select(Attempt))
    for page in (1, 2):
        client.post(f"/attempts/{attempt.id}?page={page}", data=page_form(attempt, page))
    client.post(f"/attempts/{attempt.id}/submit")
    assert db.session.scalar(db.select(Certificate)) is None  # the written answer awaits its mark
    written = next(row for row in attempt.answers if row.question.type == "written")
    login_as(mentor)
    assert client.post(f"/answers/{written.id}/mark", data={"score": "5", "comment": ""}).status_code == 302
    assert db.session.scalar(db.select(Certificate)).learner_id == trainee.id


def test_the_backfill_command_awards_what_is_owed_once(completed, runner):
    result = runner.invoke(args=["certificates", "award"])
    assert result.exit_code == 0 and "Awarded 1 certificate(s)." in result.output
    assert "Awarded 0 certificate(s)." in runner.invoke(args=["certificates", "award"]).output


def test_the_backfill_command_needs_no_request(completed, runner, outbox, app):
    assert not has_request_context()
    assert runner.invoke(args=["certificates", "award"]).exit_code == 0
    certificate = db.session.scalar(db.select(Certificate))
    [mail] = outbox(completed["trainee"].email)
    assert f"{DEVELOPMENT_BASE_URL}/certificates/{certificate.id}.pdf" in mail.get_content()


def test_closing_an_overdue_attempt_from_the_command_line_awards_the_certificate(runner, outbox, make_user, make_run,
                                                                                 enrol, finish_module, sign_off):
    """`flask quizzes close-overdue` runs outside any request; the certificate's links must still build."""
    mentor, trainee = make_user("mentor"), make_user("trainee")
    enrol(make_run(mentors=[mentor]), trainee)
    finish_module(trainee, grade=None)
    sign_off(trainee, mentor)
    db.session.execute(db.update(Question).where(Question.type == "written").values(is_retired=True))
    db.session.expire_all()
    attempt = start_attempt(fixture_quiz(), trainee, now=utcnow() - timedelta(hours=1))
    for row in attempt.answers:
        row.answer = row.question.kind.sample_answer(row.question.data, right=True)
    db.session.commit()
    assert not has_request_context()
    result = runner.invoke(args=["quizzes", "close-overdue"])
    assert result.exit_code == 0, result.output
    assert "Submitted 1 overdue attempt(s)." in result.output
    db.session.expire_all()
    assert db.session.get(Attempt, attempt.id).grade == 100
    certificate = db.session.scalar(db.select(Certificate).where(Certificate.learner_id == trainee.id))
    notice = db.session.scalar(db.select(Notice).where(Notice.user_id == trainee.id))
    assert notice.link == f"/certificates/{certificate.id}.pdf"
    [mail] = outbox(trainee.email)
    assert certificate.code in mail.get_content()
    assert f"{DEVELOPMENT_BASE_URL}/certificates/{certificate.id}.pdf" in mail.get_content()


# -- expiry --------------------------------------------------------------------

def test_expiry_is_in_calendar_years_and_29_february_falls_back_to_the_28th():
    leap_day = datetime(2024, 2, 29, 15, 30, tzinfo=timezone.utc)
    assert ops.add_years(leap_day, 1) == datetime(2025, 2, 28, 15, 30, tzinfo=timezone.utc)
    assert ops.add_years(leap_day, 4) == datetime(2028, 2, 29, 15, 30, tzinfo=timezone.utc)
    assert ops.expiry(datetime(2025, 6, 1, tzinfo=timezone.utc), 3) == datetime(2028, 6, 1, tzinfo=timezone.utc)
    assert ops.expiry(leap_day, None) is None


def test_a_course_validity_sets_the_expiry_and_the_status_follows(completed):
    course = db.session.get(Course, completed["run"].course_id)
    course.certificate_valid_years = 2
    db.session.commit()
    certificate = _certificate(completed)
    assert certificate.expires_at == ops.add_years(certificate.completed_at, 2)
    assert ops.status(certificate, certificate.expires_at - timedelta(seconds=1)) == "valid"
    assert ops.status(certificate, certificate.expires_at) == "expired"


# -- the PDF -------------------------------------------------------------------

def _pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_parses_and_shows_name_course_modules_mentor_and_code(app, completed):
    certificate = _certificate(completed)
    with app.test_request_context():
        data = ops.certificate_pdf(certificate)
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    for expected in ("Łucja Nguyễn", "Appeals workshop", "Half-day", "Appeals basics", "Siobhán Ó Briain",
                     certificate.code, f"/verify/{certificate.code}"):
        assert expected in text
    assert "Version" not in text


def test_any_script_prints_and_a_reissue_shows_its_version(app, completed):
    certificate = _certificate(completed)
    completed["trainee"].display_name = "Ελένη Дмитриевна"
    with app.test_request_context():
        ops.reissue(certificate, completed["trainee"])
        text = _pdf_text(ops.certificate_pdf(certificate))
    assert "Ελένη Дмитриевна" in text and "Version 2" in text


# -- downloading ---------------------------------------------------------------

def test_the_trainee_and_their_leader_download_others_may_not(client, login_as, make_user, completed):
    certificate = _certificate(completed)
    url = f"/certificates/{certificate.id}.pdf"
    login_as(completed["trainee"])
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "private, no-store"
    login_as(make_user("leader", completed["trainee"].organisation))
    assert client.get(url).status_code == 200
    login_as(make_user("leader"))
    assert client.get(url).status_code == 403
    login_as(completed["mentor"])
    assert client.get(url).status_code == 403
    assert client.get("/certificates/999999.pdf").status_code == 404


# -- public verification -------------------------------------------------------

def test_verification_of_a_valid_certificate_shows_only_name_course_and_date(client, completed):
    certificate = _certificate(completed)
    page = client.get(f"/verify/{certificate.code}")
    assert page.status_code == 200
    assert "valid Casework Academy certificate" in page.text
    assert "Łucja Nguyễn" in page.text and "Appeals workshop" in page.text
    organisation = completed["trainee"].organisation.name
    for private in ("lucja@example.org", "Appeals basics", "Siobhán", organisation):
        assert private not in page.text


def test_codes_are_normalised_and_the_form_leads_to_the_page(client, completed):
    certificate = _certificate(completed)
    sloppy = certificate.code.replace("-", " ").lower()
    response = client.get(f"/verify/{sloppy}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{certificate.code}")
    response = client.get("/verify", query_string={"code": sloppy})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{certificate.code}")
    form = client.get("/verify")
    assert form.status_code == 200 and '<label class="form-label" for="code">Verification code</label>' in form.text
    bad = client.get("/verify", query_string={"code": "not a code"})
    assert bad.status_code == 400 and 'id="code-error"' in bad.text


def test_an_unknown_code_is_a_helpful_404(client, curriculum):
    page = client.get("/verify/AAAA-BBBB-CCCC-DDDD")
    assert page.status_code == 404 and "No certificate has this code" in page.text
    assert client.get("/verify/nonsense").status_code == 404


def test_a_revoked_certificate_verifies_as_revoked_without_the_reason(client, completed, outbox):
    certificate = _certificate(completed)
    with client.application.test_request_context():
        ops.revoke(certificate, completed["mentor"], "Sign-off withdrawn after an audit")
    db.session.commit()
    page = client.get(f"/verify/{certificate.code}")
    assert page.status_code == 200 and "was revoked on" in page.text
    assert "audit" not in page.text
    assert any("revoked" in mail["Subject"] for mail in outbox(completed["trainee"].email))


def test_an_expired_certificate_says_so(client, completed):
    certificate = _certificate(completed)
    certificate.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/verify/{certificate.code}")
    assert page.status_code == 200 and "has expired" in page.text


def test_verification_is_rate_limited(client, curriculum, rate_limits):
    statuses = [client.get("/verify/AAAA-BBBB-CCCC-DDDD").status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429


# -- reissue and revoke --------------------------------------------------------

def test_reissue_after_a_name_change_keeps_the_code_and_raises_the_version(client, login_as, completed):
    certificate = _certificate(completed)
    code = certificate.code
    login_as(completed["trainee"])
    refused = client.post(f"/certificates/{certificate.id}/reissue", follow_redirects=True)
    assert "nothing to reissue" in refused.text
    completed["trainee"].display_name = "Łucja Nguyễn-Smith"
    db.session.commit()
    dashboard = client.get("/dashboard").text
    assert "Reissue in my present name" in dashboard
    assert client.post(f"/certificates/{certificate.id}/reissue").status_code == 302
    client.post(f"/certificates/{certificate.id}/reissue")  # a double click
    db.session.refresh(certificate)
    assert (certificate.code, certificate.version, certificate.name) == (code, 2, "Łucja Nguyễn-Smith")
    assert certificate.reissued_at is not None
    assert "Reissue in my present name" not in client.get("/dashboard").text


def test_revoking_needs_a_reason_beside_the_field(client, login_as, make_user, completed):
    certificate = _certificate(completed)
    login_as(make_user("admin"))
    response = client.post(f"/admin/certificates/{certificate.id}/revoke", data={"reason": "  "})
    assert response.status_code == 400
    assert 'aria-describedby="reason-hint reason-error"' in response.text
    assert "Give the reason for revoking the certificate." in response.text
    db.session.refresh(certificate)
    assert not certificate.is_revoked
    response = client.post(f"/admin/certificates/{certificate.id}/revoke", data={"reason": "Issued in error"})
    assert response.status_code == 302
    db.session.refresh(certificate)
    assert certificate.is_revoked and certificate.revoke_reason == "Issued in error"
    listing = client.get("/admin/certificates", query_string={"status": "revoked"}).text
    assert certificate.code in listing and "Issued in error" in listing
    assert certificate.code not in client.get("/admin/certificates", query_string={"status": "valid"}).text


def test_completing_again_after_a_revocation_issues_a_new_code(app, completed):
    certificate = _certificate(completed)
    with app.test_request_context():
        ops.revoke(certificate, completed["mentor"], "Re-examined")
    db.session.commit()
    [again] = completed["award"]()
    assert again.code != certificate.code


def test_revoking_a_module_revokes_only_the_runs_that_include_it(app, completed, make_run, enrol, finish_module,
                                                                 sign_off):
    trainee = completed["trainee"]
    workshop_certificate = _certificate(completed)
    programme = make_run("two-week-programme", starts_in=-timedelta(days=8))
    enrol(programme, trainee)
    evidence = finish_module(trainee, "evidence-basics")
    [programme_certificate] = completed["award"](module_ids=[evidence.id])
    with app.test_request_context():
        revoked = ops.revoke_for_module(trainee.id, evidence.id, completed["mentor"], "Sign-off revoked")
    db.session.commit()
    assert revoked == [programme_certificate] and programme_certificate.is_revoked
    assert not workshop_certificate.is_revoked


def test_the_dashboard_lists_certificates_with_their_links(client, login_as, completed):
    certificate = _certificate(completed)
    login_as(completed["trainee"])
    page = client.get("/dashboard").text
    assert 'id="certificates-heading"' in page and certificate.code in page
    assert f"/certificates/{certificate.id}.pdf" in page and f"/verify/{certificate.code}" in page


def test_admins_search_by_name_or_code(client, login_as, make_user, completed):
    certificate = _certificate(completed)
    login_as(make_user("admin"))
    assert certificate.code in client.get("/admin/certificates", query_string={"q": "NGUY"}).text
    partial = certificate.code.replace("-", "")[2:9].lower()
    assert certificate.code in client.get("/admin/certificates", query_string={"q": partial}).text
    assert certificate.code not in client.get("/admin/certificates", query_string={"q": "nobody"}).text


# Each thread opens its own connection: the rows must be committed for real.
@pytest.mark.usefixtures("committed_db")
def test_concurrent_awards_make_one_certificate(app, completed):
    """Two requests completing the run at once (two tabs): the trainee's row lock lets only one award."""
    trainee_id, module_id = completed["trainee"].id, completed["module"].id
    start, results = threading.Barrier(2), []

    def award():
        with app.test_request_context():
            start.wait()
            results.append(len(ops.award_if_complete(trainee_id, [module_id])))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=award) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == [0, 1]
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 1
