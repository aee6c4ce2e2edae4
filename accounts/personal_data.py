"""What accounts holds about a person, for privacy's export and erasure."""

from sqlalchemy import select

from accounts.models import Invitation, User, UserSession
from core.extensions import db
from core.timezones import iso


def personal_data(user: User) -> dict:
    organisation = user.organisation
    sessions = db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                                  .order_by(UserSession.id)).all()
    invitations = db.session.scalars(select(Invitation).where(Invitation.email == user.email)
                                     .order_by(Invitation.id)).all()
    return {
        "profile": {"name": user.display_name, "email": user.email, "time_zone": user.timezone,
                    "created_at": iso(user.created_at), "last_sign_in_at": iso(user.last_sign_in_at),
                    "is_active": user.is_active_account},
        "roles": user.role_names,
        "organisations": [{"name": organisation.name, "institution": organisation.institution,
                           "nation": organisation.nation.value, "leads_it": user.is_leader}] if organisation else [],
        "devices": [{"device": s.device, "ip_address": s.ip_address, "signed_in_at": iso(s.created_at),
                     "last_seen_at": iso(s.last_seen_at), "ended_at": iso(s.ended_at)} for s in sessions],
        "invitations": [{"organisation": i.organisation.name, "sent_at": iso(i.created_at),
                         "accepted_at": iso(i.accepted_at)} for i in invitations],
    }
