"""Account rules: registration, invitations, approval, tokens. Flush only; views commit."""
import hashlib
import hmac
from datetime import timedelta

from flask import current_app, render_template
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from accounts.models import Invitation, InvitationRole, Nation, Organisation, OrganisationState, User
from accounts.sessions import end_sessions
from accounts.signals import account_deactivated
from core import audit
from core.db import utcnow
from core.extensions import db
from core.mail import queue_mail
from core.urls import absolute_url

PASSWORD_RESET_AGE = timedelta(hours=1)
INVITATION_AGE = timedelta(days=7)
REGISTRATION_AGE = timedelta(days=1)


class TokenError(Exception):
    """The link is malformed, expired or already used; the message says which, for the user."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"casework-academy:{purpose}")


def _read_token(purpose: str, token: str, max_age: timedelta) -> dict:
    try:
        return _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise TokenError("This link has expired. Ask for a new one.") from error
    except BadSignature as error:
        raise TokenError("This link is not valid. Check that you copied all of it.") from error


# -- passwords -----------------------------------------------------------------

def _password_fingerprint(user: User) -> str:
    # A keyed digest of the password hash: it changes when the password does, so a used link stops
    # working, yet the link (signed, not encrypted) shows nothing of the hash itself.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"password-reset:{user.password_hash}".encode(), hashlib.sha256).hexdigest()[:32]


def password_token(user: User) -> str:
    return _serializer("password-reset").dumps({"id": user.id, "pw": _password_fingerprint(user)})


def user_for_password_token(token: str) -> User:
    payload = _read_token("password-reset", token, PASSWORD_RESET_AGE)
    user = db.session.get(User, payload.get("id"))
    if user is None or not user.is_active or not hmac.compare_digest(
            str(payload.get("pw", "")), _password_fingerprint(user)):
        raise TokenError("This link has already been used. Ask for a new one if you need it.")
    return user


def send_password_reset(email: str) -> None:
    """Mail a reset link if the address has an account; says nothing either way."""
    user = User.find_by_email(email)
    if user is None or not user.is_active:
        return
    link = absolute_url("accounts.reset_password", token=password_token(user))
    queue_mail(user.email, "Reset your Casework Academy password",
               render_template("accounts/email/password_reset.txt", user=user, link=link))


def set_password(user: User, password: str) -> None:
    """A new password signs the account out everywhere (the old one may be what leaked)."""
    user.set_password(password)
    end_sessions(user)
    audit.record("password.set", actor=user, subject=user)


# -- registration and organisations ---------------------------------------------

def registration_token(email: str) -> str:
    return _serializer("registration").dumps({"email": email})


def start_registration(email: str) -> None:
    """Mail a link that finishes registering `email`, or tell the address's owner someone tried.

    The page says the same either way, and each branch renders one e-mail and queues it, so
    neither the answer nor its timing tells a stranger whether the address has an account.
    Nothing is created until the link comes back (`email_for_registration_token`).
    """
    email = email.strip().lower()
    user = User.find_by_email(email)
    if user is None:
        token = registration_token(email)
        queue_mail(email, "Finish registering your project on Casework Academy",
                   render_template("accounts/email/registration.txt", hours=REGISTRATION_AGE // timedelta(hours=1),
                                   link=absolute_url("accounts.finish_registration", token=token)))
    else:
        queue_mail(user.email, "Someone tried to register on Casework Academy with your address",
                   render_template("accounts/email/registration_attempted.txt", user=user,
                                   sign_in=absolute_url("accounts.sign_in"),
                                   reset=absolute_url("accounts.request_password_reset")))


def email_for_registration_token(token: str) -> str:
    """The confirmed address the link was sent to; refused once it has an account (the link is used)."""
    email = _read_token("registration", token, REGISTRATION_AGE).get("email")
    if not isinstance(email, str) or User.find_by_email(email) is not None:
        raise TokenError("This link has already been used. Sign in, or reset your password if you have forgotten it.")
    return email


def register_leader(display_name: str, email: str, password: str, organisation_name: str,
                    institution: str, nation: Nation) -> User:
    """A prospective leader and their organisation, which waits for an administrator's approval."""
    organisation = Organisation(name=organisation_name.strip(), institution=institution.strip(), nation=nation)
    user = User(email=email.strip().lower(), display_name=display_name.strip(), is_leader=True,
                organisation=organisation)
    user.set_password(password)
    db.session.add_all([organisation, user])
    db.session.flush()
    audit.record("organisation.register", actor=user, subject=user, detail={"organisation_id": organisation.id})
    admins = db.session.scalars(select(User).where(User.is_admin.is_(True), User.is_active_account.is_(True)))
    for admin in admins:
        queue_mail(admin.email, f"New organisation to approve: {organisation.name}",
                   render_template("accounts/email/organisation_registered.txt", organisation=organisation,
                                   leader=user, link=absolute_url("accounts.list_organisations")))
    return user


def decide_organisation(organisation: Organisation, approve: bool, admin: User) -> None:
    organisation.state = OrganisationState.APPROVED if approve else OrganisationState.REJECTED
    organisation.decided_at = utcnow()
    organisation.decided_by_id = admin.id
    audit.record("organisation.approve" if approve else "organisation.reject", actor=admin,
                 detail={"organisation_id": organisation.id})
    for leader in organisation.members:
        if leader.is_leader:
            queue_mail(leader.email, f"{organisation.name}: {organisation.state.value.lower()}",
                       render_template("accounts/email/organisation_decided.txt", organisation=organisation,
                                       leader=leader, link=absolute_url("dashboards.dashboard")))


ROLES = ("is_admin", "is_mentor", "is_leader", "is_trainee")
#: what the administrators' form sets: the roles, and whether the account is active
ROLE_FLAGS = (*ROLES, "is_active_account")


def update_roles(user: User, values: dict[str, bool], admin: User) -> None:
    """Set the role flags (and deactivate or reactivate); taking a role away ends the person's sessions.

    Permissions are read afresh on every request anyway; ending the sessions makes the change
    felt at once and leaves nothing signed in under the old rights (an administrator editing
    their own roles keeps the session they are using).
    """
    changes = {flag: values[flag] for flag in ROLES if getattr(user, flag) != values[flag]}
    if any(getattr(user, flag) and not values[flag] for flag in ROLES):
        end_sessions(user, keep=admin.current_session if admin.id == user.id else None)
    for flag in ROLES:
        setattr(user, flag, values[flag])
    if changes:
        audit.record("user.update_roles", actor=admin, subject=user, detail=changes)
    if values.get("is_active_account", user.is_active_account) != user.is_active_account:
        (reactivate if values["is_active_account"] else deactivate)(user, admin)


def deactivate(user: User, by: User) -> None:
    """Close the account at once (someone left the project): every session ends and nobody can sign in to it.

    Everything the person did stays (attempts, sign-offs, certificates, notes) for its retention period;
    their future mentoring sessions are cancelled (`account_deactivated`). Deactivating an inactive
    account changes nothing.
    """
    if not user.is_active_account:
        return
    user.is_active_account = False
    user.deactivated_at = utcnow()
    ended = end_sessions(user)
    audit.record("account.deactivate", actor=by, subject=user, detail={"sessions_ended": ended})
    account_deactivated.send(user, by=by)


def reactivate(user: User, by: User) -> None:
    """Open a deactivated account again (administrators): the person signs in with their password as before."""
    if user.is_active_account:
        return
    user.is_active_account = True
    user.deactivated_at = None
    audit.record("account.reactivate", actor=by, subject=user)


# -- invitations -----------------------------------------------------------------

def invitation_token(invitation: Invitation) -> str:
    return _serializer("invitation").dumps({"id": invitation.id, "at": invitation.created_at.timestamp()})


def invitation_for_token(token: str) -> Invitation:
    payload = _read_token("invitation", token, INVITATION_AGE)
    invitation = db.session.get(Invitation, payload.get("id"))
    # A re-sent invitation gets a new timestamp, which retires the earlier link.
    if invitation is None or invitation.created_at.timestamp() != payload.get("at"):
        raise TokenError("This invitation link has been replaced by a newer one. Use the latest e-mail.")
    if invitation.accepted_at is not None:
        raise TokenError("This invitation has already been accepted. Sign in instead.")
    if invitation.revoked_at is not None:
        raise TokenError("This invitation was withdrawn. Ask whoever invited you for a new one.")
    return invitation


def _holds(user: User | None, role: InvitationRole, organisation: Organisation | None) -> bool:
    """Whether the account already has the role the invitation would give (in that project)."""
    if user is None or not getattr(user, role.flag):
        return False
    return organisation is None or user.organisation_id == organisation.id


def invite(organisation: Organisation | None, emails: list[str], role: InvitationRole,
           by: User) -> tuple[list[str], list[str]]:
    """Invite each address to `role` (in `organisation`, or as a mentor with None); returns (invited, skipped-with-reason).

    Re-inviting an address refreshes its invitation (a new link; the old one
    stops working) and may change its role. The caller has checked that `by`
    may invite to this role (`Invitation.roles_for`).
    """
    invited, skipped = [], []
    accounts = {user.email: user for user in db.session.scalars(select(User).where(User.email.in_(emails)))}
    in_project = (Invitation.organisation_id == organisation.id if organisation is not None
                  else Invitation.organisation_id.is_(None))
    existing = {inv.email: inv for inv in db.session.scalars(
        select(Invitation).where(in_project, Invitation.email.in_(emails)))}
    for email in dict.fromkeys(emails):
        if _holds(accounts.get(email), role, organisation):
            skipped.append(f"{email} is already a {role.value.lower()}"
                           + (f" of {organisation.name}" if organisation is not None else ""))
            continue
        invitation = existing.get(email)
        if invitation is None:
            invitation = Invitation(organisation_id=organisation.id if organisation is not None else None,
                                    email=email)
            db.session.add(invitation)
        invitation.role = role
        invitation.created_at, invitation.revoked_at, invitation.accepted_at = utcnow(), None, None
        invitation.invited_by_id = by.id
        db.session.flush()
        audit.record("invitation.send", actor=by, detail={
            "invitation_id": invitation.id, "role": role.name,
            "organisation_id": organisation.id if organisation is not None else None})
        _send_invitation(invitation, by)
        invited.append(email)
    return invited, skipped


def _send_invitation(invitation: Invitation, by: User) -> None:
    where = invitation.organisation.name if invitation.organisation is not None else "Casework Academy"
    subject = (f"Join {where} on Casework Academy as a {invitation.role.value.lower()}"
               if invitation.organisation is not None else "Join Casework Academy as a mentor")
    link = absolute_url("accounts.accept_invitation", token=invitation_token(invitation))
    queue_mail(invitation.email, subject,
               render_template("accounts/email/invitation.txt", invitation=invitation, inviter=by, link=link,
                               days=INVITATION_AGE.days))


def create_project(name: str, institution: str, nation: Nation, leader_emails: list[str],
                   admin: User) -> tuple[Organisation, list[str], list[str]]:
    """A project set up by an administrator: approved at once, and its leaders invited."""
    organisation = Organisation(name=name.strip(), institution=institution.strip(), nation=nation,
                                state=OrganisationState.APPROVED, decided_at=utcnow(), decided_by_id=admin.id)
    db.session.add(organisation)
    db.session.flush()
    audit.record("organisation.create", actor=admin, detail={"organisation_id": organisation.id})
    invited, skipped = invite(organisation, leader_emails, InvitationRole.LEADER, admin)
    return organisation, invited, skipped


def revoke_invitation(invitation: Invitation, by: User) -> None:
    invitation.revoked_at = utcnow()
    audit.record("invitation.revoke", actor=by, detail={"invitation_id": invitation.id,
                                                        "organisation_id": invitation.organisation_id})


def accept_invitation(invitation: Invitation, user: User | None, display_name: str = "", password: str = "") -> User:
    """Take the invitation's role: an existing account (signed in as the invited address) or a new one.

    A project invitation also makes the person a member of the project (the
    view refuses a member of another project first); a mentor's invitation
    leaves their project as it is.
    """
    if user is None:
        user = User(email=invitation.email, display_name=display_name.strip())
        user.set_password(password)
        db.session.add(user)
    if invitation.organisation_id is not None:
        user.organisation_id = invitation.organisation_id
    setattr(user, invitation.role.flag, True)
    invitation.accepted_at = utcnow()
    db.session.flush()
    audit.record("invitation.accept", actor=user, subject=user, detail={
        "invitation_id": invitation.id, "role": invitation.role.name,
        "organisation_id": invitation.organisation_id})
    return user
