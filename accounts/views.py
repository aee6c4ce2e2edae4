from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select

from accounts import notifications, security_views, sessions, team_import
from accounts import operations as ops
from accounts.forms import (
    AcceptInvitationForm,
    CreateProjectForm,
    FinishRegistrationForm,
    ForgotPasswordForm,
    InviteForm,
    NotificationSettingsForm,
    ProfileForm,
    RegisterForm,
    SetPasswordForm,
    SignInForm,
    TeamConfirmForm,
    TeamUploadForm,
    UserRolesForm,
)
from accounts.models import (
    Invitation,
    InvitationRole,
    Nation,
    NotificationSettings,
    Organisation,
    OrganisationState,
    User,
)
from accounts.team_import import read_team_csv
from core import audit, notices
from core.db import paginate, utcnow
from core.extensions import db, limiter, login_manager
from core.forms import ActionForm
from core.mail import MailState, OutgoingMail
from core.mail import retry as retry_mail
from core.permissions import require
from core.web import safe_redirect_target


@login_manager.user_loader
def load_user(cookie_id: str) -> User | None:
    return sessions.user_for_cookie_id(cookie_id)


def _account_key() -> str:
    return "sign-in:" + request.form.get("email", "").strip().lower()


def _failed(response) -> bool:
    return response.status_code == 200


@limiter.limit("20 per minute", methods=["POST"], deduct_when=_failed,
               error_message="Too many sign-in attempts from this address. Wait a minute and try again.")
@limiter.limit("5 per 15 minutes", methods=["POST"], key_func=_account_key, deduct_when=_failed,
               error_message="Too many failed sign-ins for this account. Wait 15 minutes or reset your password.")
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("dashboards.dashboard"))
    form = SignInForm()
    if form.validate_on_submit():
        if form.user.has_two_factor:
            return security_views.begin_second_step(form.user, form.remember.data, request.args.get("next"))
        sessions.sign_in(form.user, remember=form.remember.data)
        form.user.last_sign_in_at = utcnow()
        audit.record("sign_in.succeeded", actor=form.user, subject=form.user)
        db.session.commit()
        return redirect(safe_redirect_target(request.args.get("next"), url_for("dashboards.dashboard")))
    if form.refusal:
        audit.record("sign_in.failed", subject=form.account, detail={"reason": form.refusal})
        db.session.commit()
    return render_template("accounts/sign_in.html", form=form)


@login_required
def sign_out():
    if ActionForm().validate_on_submit():
        sessions.end_session(current_user.current_session)
        db.session.commit()
        logout_user()
        flash("You are signed out.", "info")
    return redirect(url_for("courses.catalogue"))


@limiter.limit("10 per hour", methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        ops.start_registration(form.email.data)
        db.session.commit()
        # The same page whether or not the address has an account (its owner is told by e-mail instead).
        return render_template("accounts/register_sent.html", email=form.email.data,
                               hours=ops.REGISTRATION_AGE // timedelta(hours=1))
    return render_template("accounts/register.html", form=form)


@limiter.limit("10 per hour", methods=["POST"])
def finish_registration(token: str):
    try:
        email = ops.email_for_registration_token(token)
    except ops.TokenError as error:
        return render_template("accounts/token_error.html", message=str(error)), 400
    form = FinishRegistrationForm()
    if form.validate_on_submit():
        user = ops.register_leader(form.display_name.data, email, form.password.data,
                                   form.organisation_name.data, form.institution.data, Nation[form.nation.data])
        sessions.sign_in(user)
        db.session.commit()
        flash("Your project is registered. An administrator will approve it shortly; "
              "you can invite your team now and enrol them once it is approved.", "success")
        return redirect(url_for("dashboards.dashboard"))
    return render_template("accounts/finish_registration.html", form=form, email=email)


@limiter.limit("5 per hour", methods=["POST"])
def request_password_reset():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        ops.send_password_reset(form.email.data)
        db.session.commit()
        flash("If that address has an account, a reset link is on its way. It works for one hour, once.", "info")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/request_password_reset.html", form=form)


def reset_password(token: str):
    try:
        user = ops.user_for_password_token(token)
    except ops.TokenError as error:
        return render_template("accounts/token_error.html", message=str(error)), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        ops.set_password(user, form.password.data)
        db.session.commit()
        flash("Your password is saved. Sign in with it now.", "success")
        logout_user()
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form, user=user)


@login_required
def edit_profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.display_name = form.display_name.data.strip()
        current_user.timezone = form.timezone.data
        db.session.commit()
        flash("Profile saved.", "success")
        return redirect(url_for("accounts.edit_profile"))
    return render_template("accounts/edit_profile.html", form=form, sessions=sessions.open_sessions(current_user),
                           action_form=ActionForm())


@login_required
def edit_notifications():
    form = NotificationSettingsForm(obj=NotificationSettings.of(current_user.id),
                                    offers_digest=current_user.is_leader and current_user.organisation_id is not None)
    if form.validate_on_submit():
        notifications.save_settings(current_user, form.data)
        db.session.commit()
        flash("Your e-mail settings are saved.", "success")
        return redirect(url_for("accounts.edit_notifications"))
    return render_template("accounts/edit_notifications.html", form=form)


@login_required
def end_other_sessions():
    if ActionForm().validate_on_submit():
        ended = sessions.end_sessions(current_user, keep=current_user.current_session)
        audit.record("sign_out.everywhere", actor=current_user, subject=current_user, detail={"ended": ended})
        db.session.commit()
        flash(f"Signed out of {ended} other device{'' if ended == 1 else 's'}." if ended
              else "You were not signed in anywhere else.", "success")
    return redirect(url_for("accounts.edit_profile"))


# -- organisations and invitations ------------------------------------------------

def _open_invitations(organisation_id: int | None) -> list[Invitation]:
    in_project = (Invitation.organisation_id == organisation_id if organisation_id is not None
                  else Invitation.organisation_id.is_(None))
    return db.session.scalars(
        select(Invitation).where(in_project, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at.desc()).limit(500)).all()


def _render_organisation(organisation: Organisation, invite_form: InviteForm, status: int = 200):
    members = paginate(select(User).where(User.organisation_id == organisation.id)
                       .order_by(User.display_name, User.id))
    return render_template("accounts/show_organisation.html", organisation=organisation,
                           invitations=_open_invitations(organisation.id), members=members,
                           invite_form=invite_form, action_form=ActionForm(), now=utcnow(),
                           invitation_age=ops.INVITATION_AGE), status


@login_required
def show_organisation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    require(organisation.can_manage(current_user))
    return _render_organisation(organisation, InviteForm(roles=Invitation.roles_for(current_user, organisation)))


def _flash_invited(invited: list[str], skipped: list[str]) -> None:
    if invited:
        flash(f"Invitation sent to {', '.join(invited)}.", "success")
    for reason in skipped:
        flash(f"Not invited: {reason}.", "warning")


@login_required
@limiter.limit("30 per hour")
def invite_members(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    roles = Invitation.roles_for(current_user, organisation)
    require(roles)
    form = InviteForm(roles=roles)
    if not form.validate_on_submit():
        return _render_organisation(organisation, form, 400)
    invited, skipped = ops.invite(organisation, form.addresses, form.chosen_role, current_user)
    db.session.commit()
    _flash_invited(invited, skipped)
    return redirect(url_for("accounts.show_organisation", organisation_id=organisation.id))


@login_required
def import_team(organisation_id: int):
    """Upload a CSV, see what each row will do, then send the invitations in one step."""
    organisation = db.get_or_404(Organisation, organisation_id)
    roles = [role for role in Invitation.roles_for(current_user, organisation) if role is not InvitationRole.MENTOR]
    require(roles)
    upload, confirm = TeamUploadForm(), TeamConfirmForm()
    members = set(db.session.scalars(select(User.email).where(User.organisation_id == organisation.id)))
    if confirm.confirm.data and confirm.validate_on_submit():
        checked = read_team_csv(confirm.content.data.encode(), roles, members)
        if checked.errors:
            abort(400)
        results = []
        for role in roles:
            rows = [row for row in checked.ready if row.role is role]
            if rows:
                invited, skipped = ops.invite(organisation, [row.email for row in rows], role, current_user)
                results.append((role, invited, skipped))
        db.session.commit()
        return render_template("accounts/import_team_done.html", organisation=organisation, results=results,
                               left_out=[row for row in checked.rows if not row.is_ready])
    checked = None
    if upload.preview.data and upload.validate_on_submit():
        data = upload.csv_file.data.read(team_import.MAX_BYTES + 1)
        checked = read_team_csv(data, roles, members)
        if not checked.errors:
            confirm.content.data = data.decode("utf-8-sig")
    status = 400 if upload.errors or (checked and checked.errors) else 200
    return render_template("accounts/import_team.html", organisation=organisation, upload=upload, confirm=confirm,
                           checked=checked, roles=roles), status


@login_required
@limiter.limit("30 per hour", methods=["POST"])
def invite_mentors():
    require(User.can_invite_mentors(current_user))
    form = InviteForm(roles=Invitation.roles_for(current_user, None))
    if form.validate_on_submit():
        invited, skipped = ops.invite(None, form.addresses, InvitationRole.MENTOR, current_user)
        db.session.commit()
        _flash_invited(invited, skipped)
        return redirect(url_for("accounts.invite_mentors"))
    return render_template("accounts/invite_mentors.html", form=form, invitations=_open_invitations(None),
                           action_form=ActionForm(), now=utcnow(), invitation_age=ops.INVITATION_AGE,
                           meaning=InvitationRole.MENTOR.meaning), 400 if form.errors else 200


@login_required
def create_project():
    require(Organisation.can_create(current_user))
    form = CreateProjectForm()
    if form.validate_on_submit():
        organisation, invited, skipped = ops.create_project(
            form.organisation_name.data, form.institution.data, Nation[form.nation.data], form.addresses,
            current_user)
        db.session.commit()
        flash(f"{organisation.name} is set up and approved.", "success")
        _flash_invited(invited, skipped)
        return redirect(url_for("accounts.show_organisation", organisation_id=organisation.id))
    return render_template("accounts/create_project.html", form=form, meaning=InvitationRole.LEADER.meaning)


@login_required
def deactivate_member(organisation_id: int, user_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    member = db.session.scalar(select(User).where(User.id == user_id, User.organisation_id == organisation.id))
    if member is None:
        abort(404)
    require(member.can_deactivate(current_user))
    form = ActionForm()
    if form.validate_on_submit():
        ops.deactivate(member, current_user)
        db.session.commit()
        flash(f"{member.display_name}'s account is deactivated: they are signed out and cannot sign in. Their "
              "records are kept.", "success")
        return redirect(url_for("accounts.show_organisation", organisation_id=organisation.id))
    return render_template("accounts/deactivate_member.html", organisation=organisation, member=member, form=form)


@login_required
def revoke_invitation(invitation_id: int):
    invitation = db.get_or_404(Invitation, invitation_id)
    require(invitation.can_revoke(current_user))
    if ActionForm().validate_on_submit():
        ops.revoke_invitation(invitation, current_user)
        db.session.commit()
        flash(f"The invitation to {invitation.email} is withdrawn.", "info")
    if invitation.organisation_id is None:
        return redirect(url_for("accounts.invite_mentors"))
    return redirect(url_for("accounts.show_organisation", organisation_id=invitation.organisation_id))


def _joined(invitation: Invitation) -> str:
    if invitation.organisation is None:
        return "You are now a mentor on Casework Academy. Start by setting the hours you are free."
    return f"You have joined {invitation.organisation.name} as a {invitation.role.value.lower()}."


def accept_invitation(token: str):
    try:
        invitation = ops.invitation_for_token(token)
    except ops.TokenError as error:
        return render_template("accounts/token_error.html", message=str(error)), 400
    existing = User.find_by_email(invitation.email)
    if existing is not None:
        if not current_user.is_authenticated or current_user.id != existing.id:
            flash(f"You already have an account as {invitation.email}. Sign in to accept the invitation.", "info")
            return redirect(url_for("accounts.sign_in", next=request.path))
        if invitation.organisation_id is not None and existing.organisation_id not in (None, invitation.organisation_id):
            return render_template("accounts/token_error.html", message=(
                "Your account already belongs to another project. Ask an administrator to move it.")), 409
        form = ActionForm()
        if form.validate_on_submit():
            ops.accept_invitation(invitation, existing)
            db.session.commit()
            flash(_joined(invitation), "success")
            return redirect(url_for("dashboards.dashboard"))
        return render_template("accounts/accept_invitation.html", invitation=invitation, form=form, existing=existing)
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        user = ops.accept_invitation(invitation, None, form.display_name.data, form.password.data)
        sessions.sign_in(user)
        db.session.commit()
        flash(f"Welcome to Casework Academy. {_joined(invitation)}", "success")
        return redirect(url_for("dashboards.dashboard"))
    return render_template("accounts/accept_invitation.html", invitation=invitation, form=form, existing=None)


# -- administration ------------------------------------------------------------

@login_required
def list_organisations():
    require(Organisation.can_list(current_user))
    state = request.args.get("state", "PENDING")
    if state not in OrganisationState.__members__:
        abort(404)
    page = paginate(select(Organisation).where(Organisation.state == OrganisationState[state])
                    .order_by(Organisation.created_at))
    return render_template("accounts/list_organisations.html", page=page, state=OrganisationState[state],
                           states=OrganisationState, action_form=ActionForm())


@login_required
def decide_organisation(organisation_id: int):
    organisation = db.get_or_404(Organisation, organisation_id)
    require(organisation.can_decide(current_user))
    decision = request.form.get("decision")
    if decision not in {"approve", "reject"}:
        abort(400)
    if ActionForm().validate_on_submit():
        ops.decide_organisation(organisation, decision == "approve", current_user)
        db.session.commit()
        flash(f"{organisation.name}: {organisation.state.value.lower()}.", "success")
    return redirect(url_for("accounts.list_organisations"))


@login_required
def list_users():
    require(User.can_list(current_user))
    query = select(User).order_by(User.display_name, User.id)
    search = request.args.get("q", "").strip()
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(db.or_(User.email.like(pattern), db.func.lower(User.display_name).like(pattern)))
    page = paginate(query.options(db.joinedload(User.organisation)))
    return render_template("accounts/list_users.html", page=page, search=search)


@login_required
def list_outgoing_mail():
    require(User.can_manage_mail(current_user))
    states = {state.name.lower(): state for state in MailState}
    shown = states.get(request.args.get("state", ""), MailState.FAILED)
    page = paginate(select(OutgoingMail).where(OutgoingMail.state == shown)
                    .order_by(OutgoingMail.created_at.desc(), OutgoingMail.id.desc())
                    .options(db.defer(OutgoingMail.content)))
    counts = dict(db.session.execute(select(OutgoingMail.state, db.func.count()).group_by(OutgoingMail.state)).all())
    return render_template("accounts/list_outgoing_mail.html", page=page, shown=shown, counts=counts,
                           states=list(MailState), form=ActionForm())


@login_required
def retry_outgoing_mail(mail_id: int):
    require(User.can_manage_mail(current_user))
    mail = db.get_or_404(OutgoingMail, mail_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if mail.state != MailState.FAILED:
        flash("That message is not waiting for a retry.", "info")
    else:
        retry_mail(mail)
        db.session.commit()
        flash(f"The message to {mail.recipient} is being sent again.", "success")
    return redirect(url_for("accounts.list_outgoing_mail", state="failed"))


@login_required
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    require(user.can_be_edited_by(current_user))
    form = UserRolesForm(obj=user, editing_self=user.id == current_user.id,
                         has_organisation=user.organisation_id is not None)
    if form.validate_on_submit():
        ops.update_roles(user, {flag: getattr(form, flag).data for flag in ops.ROLE_FLAGS}, current_user)
        db.session.commit()
        flash(f"Saved {user.display_name}'s roles.", "success")
        return redirect(url_for("accounts.list_users"))
    if request.method == "GET" and user.id != current_user.id:
        audit.record("user.view", actor=current_user, subject=user)
        db.session.commit()
    return render_template("accounts/edit_user.html", form=form, user=user)


@login_required
def list_notices():
    page = paginate(notices.notices_of(current_user.id))
    return render_template("accounts/list_notices.html", page=page, form=ActionForm())


@login_required
def mark_notices_read():
    if ActionForm().validate_on_submit():
        notices.mark_all_read(current_user.id)
        db.session.commit()
    return redirect(url_for("accounts.list_notices"))
