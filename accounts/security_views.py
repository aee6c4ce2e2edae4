"""Account security pages: two-factor sign-in (its second step, set-up, recovery codes, turning off, an
administrator's reset) and the audit log (administrators search it; everybody reads what it holds about them)."""
import time as clock
from datetime import time, timedelta

from flask import abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from accounts import sessions
from accounts import two_factor as tf
from accounts.forms import AuditSearchForm, PasswordAndCodeForm, TwoFactorCodeForm
from accounts.models import User
from core import audit
from core.audit import AuditEntry
from core.db import paginate, utcnow
from core.extensions import db, limiter
from core.forms import ActionForm
from core.permissions import require
from core.timezones import local_to_utc, viewer_timezone
from core.web import safe_redirect_target

#: the Flask session key of a sign-in waiting for its second step: the password was right, no code given yet
PENDING = "two_factor_pending"
#: how long the second step may wait after the password
PENDING_SECONDS = 300
#: what someone who must set up a second factor may still open
OPEN_DURING_SET_UP = {"accounts.set_up_two_factor", "accounts.sign_out", "static", "bootstrap.static"}


def begin_second_step(user: User, remember: bool, next_url: str | None):
    """After the right password for an account with two-factor sign-in: nobody is signed in until the code.

    No session row and no cookie naming one (remember-me included) exists before the code is given,
    so a remembered device is not a way round the second step.
    """
    session[PENDING] = {"id": user.id, "remember": bool(remember), "next": next_url or "",
                        "until": clock.time() + PENDING_SECONDS}
    return redirect(url_for("accounts.verify_two_factor"))


def _pending() -> dict | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or pending.get("until", 0) < clock.time():
        session.pop(PENDING, None)
        return None
    return pending


def _pending_key() -> str:
    pending = session.get(PENDING)
    return f"two-factor:{pending.get('id') if isinstance(pending, dict) else ''}"


def _failed(response) -> bool:
    return response.status_code == 200


def _secret_page(template: str, status: int = 200, **context):
    """A page showing a secret (the TOTP key, recovery codes): no browser or proxy may keep a copy."""
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response


def close_app_until_set_up():
    """Before each request: someone whose role requires a second factor and who has none may only set one up."""
    if request.endpoint in OPEN_DURING_SET_UP or request.endpoint is None:
        return None
    if tf.must_set_up(current_user):
        flash("Your role requires two-factor sign-in. Set it up to continue.", "warning")
        return redirect(url_for("accounts.set_up_two_factor"))
    return None


@limiter.limit("20 per minute", methods=["POST"], deduct_when=_failed,
               error_message="Too many codes tried from this address. Wait a minute and try again.")
@limiter.limit("5 per 15 minutes", methods=["POST"], key_func=_pending_key, deduct_when=_failed,
               error_message="Too many wrong codes for this account. Wait 15 minutes and sign in again.")
def verify_two_factor():
    if current_user.is_authenticated:
        return redirect(url_for("dashboards.dashboard"))
    pending = _pending()
    user = db.session.get(User, pending["id"]) if pending else None
    if user is None or not user.is_active or not user.has_two_factor:
        session.pop(PENDING, None)
        flash("Sign in again: the second step waits five minutes after the password.", "info")
        return redirect(url_for("accounts.sign_in"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        try:
            how = tf.verify(user, form.code.data, "sign-in")
        except tf.TwoFactorRefusal as refusal:
            db.session.commit()  # the failed attempt stays in the audit log
            form.code.errors.append(str(refusal))
            return render_template("accounts/verify_two_factor.html", form=form)
        session.pop(PENDING)
        sessions.sign_in(user, remember=pending["remember"])
        user.last_sign_in_at = utcnow()
        audit.record("sign_in.succeeded", actor=user, subject=user, detail={"second_factor": how})
        left = tf.recovery_codes_left(user) if how == "recovery code" else None
        db.session.commit()
        if left is not None:
            flash(f"You signed in with a recovery code; {left} of them left. If your phone is lost, turn two-factor "
                  "sign-in off and on again with a new one, or make new recovery codes.", "warning")
        return redirect(safe_redirect_target(pending["next"], url_for("dashboards.dashboard")))
    return render_template("accounts/verify_two_factor.html", form=form)


@login_required
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=lambda: f"two-factor-set-up:{current_user.id}",
               deduct_when=lambda response: response.status_code == 400,
               error_message="Too many wrong codes. Wait 15 minutes and try again.")
def set_up_two_factor():
    if current_user.has_two_factor:
        return _manage(status=200)
    form = PasswordAndCodeForm(user=current_user, app_code_only=True)
    if form.validate_on_submit():
        try:
            codes = tf.enable(current_user, form.code.data)
        except tf.TwoFactorRefusal as refusal:
            db.session.commit()
            form.code.errors.append(str(refusal))
        else:
            db.session.commit()
            return _secret_page("accounts/recovery_codes.html", codes=codes, first_time=True)
    secret = tf.secret_to_set_up(current_user)
    db.session.commit()
    uri = tf.provisioning_uri(current_user.email, secret)
    return _secret_page("accounts/set_up_two_factor.html", 400 if form.errors else 200, form=form,
                        qr=tf.qr_svg(uri), secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
                        required=tf.required_for(current_user))


def _manage(status: int = 400, **submitted):
    """The page of someone whose second factor is on, with the form they `submitted` (and its errors), if any."""
    forms = {"codes_form": PasswordAndCodeForm(user=current_user, prefix="codes"),
             "disable_form": PasswordAndCodeForm(user=current_user, prefix="disable")} | submitted
    return render_template("accounts/two_factor.html", left=tf.recovery_codes_left(current_user),
                           can_disable=tf.can_disable(current_user), **forms), status


@login_required
@limiter.limit("10 per 15 minutes", key_func=lambda: f"two-factor-manage:{current_user.id}",
               deduct_when=lambda response: response.status_code == 400,
               error_message="Too many wrong codes. Wait 15 minutes and try again.")
def replace_recovery_codes():
    require(current_user.has_two_factor)
    form = PasswordAndCodeForm(user=current_user, prefix="codes")
    if not form.validate_on_submit():
        return _manage(codes_form=form)
    try:
        codes = tf.regenerate_recovery_codes(current_user, form.code.data)
    except tf.TwoFactorRefusal as refusal:
        db.session.commit()
        form.code.errors.append(str(refusal))
        return _manage(codes_form=form)
    db.session.commit()
    return _secret_page("accounts/recovery_codes.html", codes=codes, first_time=False)


@login_required
@limiter.limit("10 per 15 minutes", key_func=lambda: f"two-factor-manage:{current_user.id}",
               deduct_when=lambda response: response.status_code == 400,
               error_message="Too many wrong codes. Wait 15 minutes and try again.")
def disable_two_factor():
    require(tf.can_disable(current_user))
    form = PasswordAndCodeForm(user=current_user, prefix="disable")
    if not form.validate_on_submit():
        return _manage(disable_form=form)
    try:
        tf.disable(current_user, form.code.data)
    except tf.TwoFactorRefusal as refusal:
        db.session.commit()
        form.code.errors.append(str(refusal))
        return _manage(disable_form=form)
    db.session.commit()
    flash("Two-factor sign-in is off. Your password alone now signs you in.", "info")
    return redirect(url_for("accounts.edit_profile"))


@login_required
def reset_two_factor(user_id: int):
    user = db.get_or_404(User, user_id)
    require(user.can_reset_two_factor(current_user))
    if not ActionForm().validate_on_submit():
        abort(400)
    tf.reset(user, current_user)
    db.session.commit()
    flash(f"{user.display_name}'s second factor is reset and they are signed out everywhere. They sign in with "
          "their password and set it up again.", "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))


def _page_of(query):
    return paginate(query.options(joinedload(AuditEntry.actor), joinedload(AuditEntry.subject)))


@login_required
def list_audit_entries():
    require(AuditEntry.can_search(current_user))
    form = AuditSearchForm(request.args)
    valid = form.validate()
    person, action = (form.person.data.strip(), form.action.data.strip()) if valid else ("", "")
    zone = viewer_timezone().key
    since = local_to_utc(form.since.data, time(0), zone) if valid and form.since.data else None
    before = local_to_utc(form.until.data + timedelta(days=1), time(0), zone) if valid and form.until.data else None
    people = None
    if person:
        pattern = f"%{person.lower()}%"
        people = select(User.id).where(or_(User.email.like(pattern), func.lower(User.display_name).like(pattern)))
    page = _page_of(audit.search(people, action, since, before))
    arguments = {name: request.args.get(name, "") for name in ("person", "action", "since", "until")} if valid else {}
    return render_template("accounts/list_audit_entries.html", form=form, page=page, arguments=arguments,
                           actions=audit.ACTIONS), 200 if valid else 400


@login_required
def show_security_activity():
    require(AuditEntry.can_see_own(current_user))
    page = _page_of(audit.about(current_user.id))
    return render_template("accounts/show_security_activity.html", page=page)
