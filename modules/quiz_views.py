"""Quiz routes: the quiz page, taking an attempt, review, marking, adjustments, regrading and item analysis."""
import math
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from accounts.models import User
from core.cache import fragment
from core.db import paginate, utcnow
from core.errors import back_on_refusal
from core.extensions import db
from core.forms import ActionForm
from core.permissions import require
from core.timezones import iso
from core.web import private_attachment
from courses import structure
from courses.access import module_access
from courses.models import CourseModule, Enrolment, EnrolmentState, Run
from curriculum.models import Feedback, Question, Quiz, ShowAnswers
from curriculum.question_types import QUESTION_TYPES, AnswerError
from modules.analysis import MIN_ATTEMPTS, analyse, analysis_csv, histogram
from modules.attempts import (
    KEEP,
    QuizRefusal,
    autosave,
    close_if_overdue,
    grant_adjustment,
    lock_attempt,
    mark,
    regrade_question,
    save_answers,
    standings,
    start_attempt,
    submit,
)
from modules.forms import AdjustmentForm, MarkForm
from modules.grading import marking_due
from modules.models import Attempt, AttemptAnswer, AttemptState, QuizAdjustment, Regrade, oversees
from modules.views import module_or_404

QUESTIONS_PER_PAGE = 5


def _quiz_of(module) -> Quiz:
    if module.quiz is None:
        abort(404)
    return module.quiz


def _attempt_or_404(attempt_id: int) -> Attempt:
    attempt = db.session.scalar(select(Attempt).where(Attempt.id == attempt_id).options(
        joinedload(Attempt.quiz, innerjoin=True), joinedload(Attempt.user, innerjoin=True),
        selectinload(Attempt.answers).joinedload(AttemptAnswer.question, innerjoin=True)))
    if attempt is None:
        abort(404)
    return attempt


def _check_csrf() -> None:
    if not ActionForm().validate_on_submit():
        abort(400, "The form has expired; reload the page and try again.")


def show_quiz(slug: str):
    module = module_or_404(slug)
    quiz = _quiz_of(module)
    access = module_access(current_user, module)
    require(access.can_read)
    standing = None
    if access.counts_progress:
        standing = standings(current_user.id, [quiz])[quiz.id]
        if standing.in_progress and close_if_overdue(standing.in_progress, utcnow()):
            db.session.commit()
            flash("Time ran out on your last attempt: it was submitted with the answers you had saved.", "warning")
            return redirect(url_for("modules.show_quiz", slug=slug))
    return render_template("modules/quiz/show_quiz.html", module=module, quiz=quiz, access=access,
                           standing=standing, bank_size=len(quiz.questions), form=ActionForm())


def start_quiz(slug: str):
    module = module_or_404(slug)
    quiz = _quiz_of(module)
    require(module_access(current_user, module).counts_progress)
    _check_csrf()
    back_on_refusal(url_for("modules.show_quiz", slug=slug))
    attempt = start_attempt(quiz, current_user)
    db.session.commit()
    return redirect(url_for("modules.take_attempt", attempt_id=attempt.id, page=attempt.last_page))


def _page_rows(attempt: Attempt, page: int) -> list[AttemptAnswer]:
    rows = attempt.answers[(page - 1) * QUESTIONS_PER_PAGE: page * QUESTIONS_PER_PAGE]
    if not rows:
        abort(404)
    return rows


def _time_up_redirect(attempt: Attempt, refused: bool):
    db.session.commit()
    if refused:
        flash("Time ran out, so the answers you just sent could not be saved. Your attempt was submitted with "
              "the answers saved before the deadline.", "error")
    else:
        flash("Time is up: your attempt was submitted with the answers you had saved.", "warning")
    return redirect(url_for("modules.review_attempt", attempt_id=attempt.id))


def _question_to_go_to(attempt: Attempt, go: str) -> AttemptAnswer | None:
    """The navigator's buttons post go=question-<answer id>: that row of this attempt, if it is one."""
    if not go.startswith("question-"):
        return None
    return next((row for row in attempt.answers if f"question-{row.id}" == go), None)


def take_attempt(attempt_id: int):
    attempt = _attempt_or_404(attempt_id)
    require(attempt.belongs_to(current_user))
    now = utcnow()
    if request.method == "GET":
        if attempt.is_in_progress and close_if_overdue(attempt, now):
            return _time_up_redirect(attempt, refused=False)
        if not attempt.is_in_progress:
            return redirect(url_for("modules.review_attempt", attempt_id=attempt.id))
    page_count = max(1, math.ceil(len(attempt.answers) / QUESTIONS_PER_PAGE))
    page = request.args.get("page", attempt.last_page, type=int)
    rows = _page_rows(attempt, page)
    errors, posted = {}, None
    if request.method == "POST":
        _check_csrf()
        if request.form.get("shown") != ",".join(str(row.id) for row in rows):
            abort(400, "This page is out of date; reload it and answer again.")
        attempt = lock_attempt(attempt.id)
        if not attempt.is_in_progress:
            return redirect(url_for("modules.review_attempt", attempt_id=attempt.id))
        if not attempt.accepts_answers(now):
            close_if_overdue(attempt, now)
            return _time_up_redirect(attempt, refused=True)
        answers = {}
        for row in rows:
            try:
                answers[row.id] = QUESTION_TYPES[row.question.type].read_answer(
                    row.question.data, request.form, f"q{row.question_id}")
            except AnswerError as error:
                errors[row.id] = str(error)
        go = request.form.get("go", "save")
        jump = _question_to_go_to(attempt, go)
        if errors:
            target = page
        elif jump is not None:
            target = jump.position // QUESTIONS_PER_PAGE + 1
        else:
            target = min(max({"previous": page - 1, "next": page + 1}.get(go, page), 1), page_count)
        save_answers(attempt, answers, now, target, flags={row.id: f"flag-{row.id}" in request.form for row in rows})
        if close_if_overdue(attempt, now):
            return _time_up_redirect(attempt, refused=False)
        db.session.commit()
        if not errors:
            if go == "finish":
                return redirect(url_for("modules.submit_attempt", attempt_id=attempt.id))
            if go == "save":
                flash("Your answers are saved.", "success")
            return redirect(url_for("modules.take_attempt", attempt_id=attempt.id, page=target,
                                    _anchor=f"question-{jump.id}" if jump is not None else None))
        posted = request.form
    return render_template("modules/quiz/take_attempt.html", attempt=attempt, quiz=attempt.quiz, rows=rows,
                           on_page={row.id for row in rows},
                           page=page, page_count=page_count, per_page=QUESTIONS_PER_PAGE, errors=errors,
                           immediate=attempt.quiz.feedback is Feedback.IMMEDIATE,
                           posted=posted, types=QUESTION_TYPES, form=ActionForm()), 400 if errors else 200


def autosave_answer(attempt_id: int, answer_id: int):
    """One question's answer or flag, sent by static/quiz.js as the trainee changes it; answers in JSON."""
    attempt = _attempt_or_404(attempt_id)
    require(attempt.belongs_to(current_user))
    row = next((row for row in attempt.answers if row.id == answer_id), None)
    if row is None:
        abort(404)
    _check_csrf()
    now = utcnow()
    attempt = lock_attempt(attempt.id)
    answer = KEEP
    if request.form.get("with_answer") == "1":
        try:
            answer = QUESTION_TYPES[row.question.type].read_answer(row.question.data, request.form,
                                                                   f"q{row.question_id}")
        except AnswerError as error:
            return jsonify(error=str(error)), 400
    flagged = {"1": True, "0": False}.get(request.form.get("flagged", ""))
    try:
        autosave(attempt, row, now, answer, flagged)
    except QuizRefusal as refusal:
        close_if_overdue(attempt, now)
        db.session.commit()
        return jsonify(error=refusal.message, review_url=url_for("modules.review_attempt", attempt_id=attempt.id)), 409
    db.session.commit()
    return jsonify(answered=row.answer is not None, flagged=row.flagged, saved_at=iso(row.saved_at))


def submit_attempt(attempt_id: int):
    attempt = _attempt_or_404(attempt_id)
    require(attempt.belongs_to(current_user))
    now = utcnow()
    if request.method == "POST":
        _check_csrf()
        attempt = lock_attempt(attempt.id)
        # Past the deadline the attempt counts as submitted at the deadline, not now.
        if not close_if_overdue(attempt, now):
            submit(attempt, now)
        db.session.commit()
        return redirect(url_for("modules.review_attempt", attempt_id=attempt.id))
    if attempt.is_in_progress and close_if_overdue(attempt, now):
        return _time_up_redirect(attempt, refused=False)
    if not attempt.is_in_progress:
        return redirect(url_for("modules.review_attempt", attempt_id=attempt.id))
    return render_template("modules/quiz/submit_attempt.html", attempt=attempt, quiz=attempt.quiz,
                           per_page=QUESTIONS_PER_PAGE, form=ActionForm())


def _run_closed_for(user_id: int, module_id: int) -> bool:
    """After-close feedback: every run through which the trainee takes this module has ended."""
    last_end = db.session.scalar(
        select(func.max(Run.ends_at)).join(Enrolment, Enrolment.run_id == Run.id)
        .join(CourseModule, CourseModule.course_id == Run.course_id)
        .where(Enrolment.user_id == user_id, Enrolment.state == EnrolmentState.ENROLLED,
               CourseModule.module_id == module_id))
    return last_end is not None and last_end <= utcnow()


def _marking_expected(attempt: Attempt) -> dict | None:
    """When written answers waiting for a mentor should be marked, by the turnaround rule, in the trainee's zone."""
    if attempt.state is not AttemptState.AWAITING_MARKING:
        return None
    zone = ZoneInfo(attempt.user.timezone or current_app.config["TIMEZONE"])
    days = current_app.config["MARKING_TURNAROUND_WORKING_DAYS"]
    closed = current_app.config["MARKING_CLOSED_DATES"]
    due = marking_due(attempt.submitted_at, days, zone, closed)
    return {"due": due, "working_days": days, "zone": zone.key, "skips_holidays": bool(closed),
            "is_late": utcnow().astimezone(zone).date() > due}


def review_attempt(attempt_id: int):
    attempt = _attempt_or_404(attempt_id)
    require(attempt.can_view(current_user))
    if attempt.is_in_progress and attempt.belongs_to(current_user):
        return redirect(url_for("modules.take_attempt", attempt_id=attempt.id))
    quiz = attempt.quiz
    is_staff = not attempt.belongs_to(current_user)
    standing = standings(attempt.user_id, [quiz])[quiz.id]
    show_feedback = (is_staff or quiz.feedback is not Feedback.AFTER_CLOSE
                     or _run_closed_for(attempt.user_id, quiz.module_id))
    answers_after_pass = quiz.show_answers is ShowAnswers.AFTER_PASS
    show_answers = is_staff or quiz.show_answers is ShowAnswers.ALWAYS or (answers_after_pass and standing.is_passed)
    return render_template("modules/quiz/review_attempt.html", attempt=attempt, quiz=quiz,
                           module=structure.module(quiz.module_id), standing=standing,
                           show_feedback=show_feedback, show_answers=show_answers,
                           answers_after_pass=answers_after_pass, types=QUESTION_TYPES,
                           is_staff=is_staff, can_mark=[row for row in attempt.answers if row.can_mark(current_user)],
                           marking=_marking_expected(attempt),
                           can_adjust=QuizAdjustment.can_grant(current_user, attempt.user_id, quiz))


def marking_queue():
    require(AttemptAnswer.can_use_marking_queue(current_user))
    query = (select(AttemptAnswer).join(Attempt)
             .where(AttemptAnswer.needs_marking.is_(True), AttemptAnswer.score.is_(None),
                    Attempt.state == AttemptState.AWAITING_MARKING)
             .order_by(Attempt.submitted_at, AttemptAnswer.id)
             .options(selectinload(AttemptAnswer.question),
                      selectinload(AttemptAnswer.attempt).selectinload(Attempt.user),
                      selectinload(AttemptAnswer.attempt).selectinload(Attempt.quiz)))
    query = query.where(AttemptAnswer.in_marking_queue_of(current_user))
    page = paginate(query)
    return render_template("modules/quiz/marking_queue.html", page=page)


def mark_answer(answer_id: int):
    row = db.get_or_404(AttemptAnswer, answer_id)
    require(oversees(current_user, row.attempt.user_id))
    if not row.can_mark(current_user):
        flash("This answer has already been marked.", "info")
        return redirect(url_for("modules.review_attempt", attempt_id=row.attempt_id))
    form = MarkForm(row.points)
    back_on_refusal(url_for("modules.mark_answer", answer_id=row.id))
    if form.validate_on_submit():
        lock_attempt(row.attempt_id)
        db.session.refresh(row)
        if not row.can_mark(current_user):
            flash("This answer has already been marked.", "info")
            return redirect(url_for("modules.review_attempt", attempt_id=row.attempt_id))
        mark(row, float(form.score.data), form.comment.data.strip(), current_user)
        db.session.commit()
        flash(f"Marked: {row.attempt.user.display_name} is told by e-mail.", "success")
        return redirect(url_for("modules.marking_queue"))
    return render_template("modules/quiz/mark_answer.html", row=row, attempt=row.attempt, form=form), \
        400 if form.errors else 200


def grant_quiz_adjustment(quiz_id: int, user_id: int):
    quiz = db.get_or_404(Quiz, quiz_id)
    trainee = db.get_or_404(User, user_id)
    require(QuizAdjustment.can_grant(current_user, trainee.id, quiz))
    current = standings(trainee.id, [quiz])[quiz.id]
    form = AdjustmentForm(obj=current.adjustment)
    if form.validate_on_submit():
        grant_adjustment(quiz, trainee, form.extra_minutes.data, form.extra_attempts.data, current_user)
        db.session.commit()
        flash(f"Adjustments saved for {trainee.display_name}.", "success")
        return redirect(url_for("modules.grant_quiz_adjustment", quiz_id=quiz.id, user_id=trainee.id))
    return render_template("modules/quiz/grant_quiz_adjustment.html", quiz=quiz, trainee=trainee, standing=current,
                           form=form), 400 if form.errors else 200


def _analysable_quiz(quiz_id: int) -> Quiz:
    quiz = db.get_or_404(Quiz, quiz_id)
    require(quiz.can_analyse(current_user))
    return quiz


def _scope() -> str:
    scope = request.args.get("attempts", "first")
    if scope not in ("first", "all"):
        abort(400, "Choose first or all attempts.")
    return scope


def show_analysis(quiz_id: int):
    quiz = _analysable_quiz(quiz_id)
    scope = _scope()

    def render_report() -> str:
        report = analyse(quiz, first_only=scope == "first")
        return render_template("modules/quiz/_analysis.html", report=report, chart=histogram(report.histogram),
                               min_attempts=MIN_ATTEMPTS)

    # Every administrator sees the same figures, so the report is cached under the quiz's analysis version (new
    # whenever an attempt is graded, marked or regraded) and the curriculum's (the questions' texts and options).
    report = fragment(f"quiz-analysis:{quiz.id}:{scope}:{quiz.analysis_version}:{structure.current().token}",
                      render_report)
    return render_template("modules/quiz/show_analysis.html", quiz=quiz, scope=scope, report=report)


def export_analysis(quiz_id: int):
    quiz = _analysable_quiz(quiz_id)
    scope = _scope()
    body = analysis_csv(analyse(quiz, first_only=scope == "first"))
    return private_attachment(body, "text/csv", f"{quiz.module.slug}-item-analysis-{scope}.csv")


def list_regrades(quiz_id: int):
    quiz = _analysable_quiz(quiz_id)
    log = paginate(select(Regrade).join(Question).where(Question.quiz_id == quiz.id)
                   .order_by(Regrade.at.desc(), Regrade.id.desc())
                   .options(selectinload(Regrade.by), selectinload(Regrade.answer).selectinload(
                       AttemptAnswer.attempt).selectinload(Attempt.user)))
    questions = {question.id: question for question in quiz.questions}
    return render_template("modules/quiz/list_regrades.html", quiz=quiz, log=log, questions=questions,
                           form=ActionForm())


def regrade(question_id: int):
    question = db.get_or_404(Question, question_id)
    require(question.quiz.can_analyse(current_user))
    _check_csrf()
    back_on_refusal(url_for("modules.list_regrades", quiz_id=question.quiz_id))
    changed = regrade_question(question, current_user)
    db.session.commit()
    flash(f"Regraded '{question.key}': {changed} score{'s' if changed != 1 else ''} changed.", "success")
    return redirect(url_for("modules.list_regrades", quiz_id=question.quiz_id))
