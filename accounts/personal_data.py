"""What accounts holds about a person, for privacy's export, erasure and retention schedule."""
import secrets
from datetime import datetime

from sqlalchemy import delete, func, select

from accounts.models import (
    Invitation,
    NotificationSettings,
    Organisation,
    OrganisationState,
    RecoveryCode,
    User,
    UserSession,
)
from core.extensions import db
from core.timezones import iso


def erased_name(user: User) -> str:
    """What others' records call the person once erased (a mentor's sessions: "A former trainee")."""
    return "A former mentor" if user.is_mentor else "A former trainee"


def erased_email(user: User) -> str:
    """A unique address that can receive nothing (.invalid is reserved, RFC 2606)."""
    return f"erased-{user.id}@erased.invalid"


def personal_data(user: User) -> dict:
    organisation = user.organisation
    settings = NotificationSettings.of(user.id)
    sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                  .order_by(UserSession.id)).all()
    invitations = db.session.scalars(select(Invitation).where(Invitation.email == user.email)
                                     .order_by(Invitation.id)).all()
    return {
        "profile": {"name": user.display_name, "email": user.email, "time_zone": user.timezone,
                    "created_at": iso(user.created_at), "last_sign_in_at": iso(user.last_sign_in_at),
                    "is_active": user.is_active_account, "deactivated_at": iso(user.deactivated_at),
                    "two_factor_enabled_at": iso(user.two_factor_enabled_at)},
        "roles": user.role_names,
        "organisations": [{"name": organisation.name, "institution": organisation.institution,
                           "nation": organisation.nation.value, "leads_it": user.is_leader}] if organisation else [],
        "devices": [{"device": s.device, "ip_address": s.ip_address, "signed_in_at": iso(s.created_at),
                     "last_seen_at": iso(s.last_seen_at), "ended_at": iso(s.ended_at)} for s in sessions],
        "invitations": [{"organisation": i.organisation.name, "sent_at": iso(i.created_at),
                         "accepted_at": iso(i.accepted_at)} for i in invitations],
        "e_mail_settings": {name: getattr(settings, name) for name in NotificationSettings.DEFAULTS},
    }


def erase(user: User, by) -> None:
    """Overwrite every personal field of the account, end its sessions and drop invitations to its address.

    The row itself stays, nameless, so the records others rely on (a mentor's sessions, a quiz's attempts)
    keep pointing somewhere and read "A former trainee". Nobody can sign in to it again.
    """
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(delete(NotificationSettings).where(NotificationSettings.user_id == user.id))
    db.session.execute(delete(Invitation).where(Invitation.email == user.email))
    user.email, user.display_name = erased_email(user), erased_name(user)
    user.timezone = "Europe/London"
    user.password_hash = "!" + secrets.token_hex(32)  # no password hashes to this
    user.is_admin = user.is_mentor = user.is_leader = user.is_trainee = False
    user.is_active_account = False
    user.organisation_id = None
    user.last_sign_in_at = None
    user.totp_secret = user.two_factor_enabled_at = user.totp_last_step = None
    db.session.flush()


def last_active(user: User) -> datetime:
    return user.last_sign_in_at or user.created_at


def inactive_since(before: datetime, organisation_id: int | None = None) -> list[User]:
    """Retention: the accounts nobody has signed in to since `before` (or, never signed in, created before it),
    of one organisation if given. Administrators' accounts are kept (they run the site), and so are accounts
    already erased."""
    query = select(User).where(func.coalesce(User.last_sign_in_at, User.created_at) < before,
                               User.is_admin.is_(False), ~User.email.like("erased-%@erased.invalid"))
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    return list(db.session.scalars(query.order_by(User.display_name, User.id)))


def purge_declined_organisations(before: datetime, dry_run: bool) -> int:
    """Retention: delete projects whose registration was declined before `before` (their people stay, projectless)."""
    wanted = (Organisation.state == OrganisationState.REJECTED, Organisation.decided_at < before)
    if dry_run:
        return db.session.scalar(select(func.count(Organisation.id)).where(*wanted))
    return db.session.execute(delete(Organisation).where(*wanted)).rowcount
