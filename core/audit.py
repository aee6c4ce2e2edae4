"""The audit log: an append-only record of security-relevant events, who did them and whom they concern.

`record()` adds an entry to the current transaction, so it is written exactly when the action it
describes is committed, and vanishes with it on a rollback. The application never changes or deletes
an entry (the ORM refuses to); only the retention purge removes entries older than their period, with
one bulk DELETE from a command.
"""
from datetime import datetime

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, String, event, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import UTCDateTime, utcnow
from core.extensions import db

#: what each action means, in the words the audit pages show (an action missing here is shown by its name)
ACTIONS = {
    "sign_in.succeeded": "Signed in",
    "sign_in.failed": "Failed sign-in",
    "sign_out.everywhere": "Signed out of all other devices",
    "password.set": "Password set",
    "two_factor.enabled": "Two-factor sign-in turned on",
    "two_factor.disabled": "Two-factor sign-in turned off",
    "two_factor.reset": "Second factor reset by an administrator",
    "two_factor.failed": "Wrong two-factor code",
    "two_factor.recovery_code_used": "Recovery code used",
    "two_factor.recovery_codes_replaced": "New recovery codes made",
    "user.create_admin": "Made an administrator from the command line",
    "user.create_mentor": "Mentor account created",
    "user.update_roles": "Roles changed",
    "user.view": "Account opened by an administrator",
    "account.deactivate": "Account deactivated",
    "account.reactivate": "Account reactivated",
    "invitation.send": "Invitation sent",
    "invitation.accept": "Invitation accepted",
    "invitation.revoke": "Invitation withdrawn",
    "organisation.register": "Project registered",
    "organisation.create": "Project set up by an administrator",
    "organisation.approve": "Project approved",
    "organisation.reject": "Project rejected",
    "evidence.download": "Sign-off evidence file downloaded",
    "enrolment.enrol": "Enrolled",
    "enrolment.waitlist": "Put on a waitlist",
    "enrolment.promote": "Moved from the waitlist to a seat",
    "enrolment.withdraw": "Enrolment withdrawn",
    "run.create": "Course run created",
    "run.edit": "Course run changed",
    "quiz.start": "Quiz attempt started",
    "quiz.submit": "Quiz attempt submitted",
    "quiz.mark": "Written answer marked",
    "quiz.adjust": "Quiz adjustment granted",
    "quiz.regrade": "Question regraded",
    "sign_off.requested": "Sign-off requested",
    "sign_off.resubmitted": "Sign-off resubmitted",
    "sign_off.returned": "Sign-off returned for revision",
    "sign_off.signed_off": "Module signed off",
    "sign_off.revoked": "Sign-off revoked",
    "certificate.award": "Certificate awarded",
    "certificate.revoke": "Certificate revoked",
    "certificate.reissue": "Certificate reissued",
    "booking.book": "Mentoring session booked",
    "booking.book_series": "Mentoring series booked",
    "booking.cancel": "Mentoring session cancelled",
    "booking.reschedule": "Mentoring session moved",
    "booking.notes": "Session notes saved",
    "booking.change_place": "Mentoring session's meeting place changed",
    "event.create": "Event created",
    "event.edit": "Event changed",
    "event.publish": "Event published",
    "event.unpublish": "Event unpublished",
    "event.session": "Event session saved",
    "event.session_delete": "Event session deleted",
    "event.material_add": "Recording or slides added to a session",
    "event.material_remove": "Recording or slides removed from a session",
    "event.choose_sessions": "Event sessions chosen",
    "event.message": "Registrants of an event e-mailed",
    "speaker.save": "Speaker saved",
    "privacy.export": "Personal data exported",
    "privacy.notes_read": "Mentors' private notes read by an administrator",
    "privacy.notes_request": "Mentors' private notes asked for",
    "privacy.notes_approve": "Mentors' private notes released",
    "privacy.notes_decline": "Mentors' private notes withheld",
    "privacy.erasure_request": "Erasure asked for",
    "privacy.erasure_withdraw": "Erasure request withdrawn",
    "privacy.erase": "Personal data erased",
    "privacy.purge": "Retention purge",
}


def describe(action: str) -> str:
    return ACTIONS.get(action, action)


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: who did it; None for the system (a command, an automatic award) or someone not signed in
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: the person the event concerns (whose account, data or attempt); None when it concerns nobody's
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: dotted, e.g. "sign_in.failed", "two_factor.reset", "evidence.download"
    action: Mapped[str] = mapped_column(String(64), index=True)
    #: small facts about the event (ids of the objects, what changed); never a password, code or secret
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the client's address, when the event came from a request
    ip_address: Mapped[str] = mapped_column(String(45), default="")

    actor = relationship("User", foreign_keys=[actor_id])
    subject = relationship("User", foreign_keys=[subject_id])

    @property
    def is_by_subject(self) -> bool:
        return self.actor_id is not None and self.actor_id == self.subject_id

    @staticmethod
    def can_search(user) -> bool:
        """Administrators search everyone's entries; everybody else sees only their own (`about`)."""
        return user.is_authenticated and user.is_admin

    @staticmethod
    def can_see_own(user) -> bool:
        """Every signed-in person sees what the log holds about them."""
        return user.is_authenticated


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_rewriting(mapper, connection, target) -> None:
    raise PermissionError("audit entries are never changed or deleted by the application")


def record(action: str, *, actor=None, subject=None, detail: dict | None = None) -> AuditEntry:
    """Add an entry to the current transaction (flushed, not committed): it commits with the action it records.

    `actor` and `subject` are users, or their ids (or None); `detail` must be JSON-serialisable and carry no
    secret and no personal data beyond ids (erasure detaches the person from the entry, not from its detail).
    """
    entry = AuditEntry(
        action=action,
        actor_id=_id_of(actor),
        subject_id=_id_of(subject),
        detail=detail or {},
        ip_address=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def _id_of(user) -> int | None:
    return user if user is None or isinstance(user, int) else user.id


def about(user_id: int):
    """The entries a person sees as their own: what they did, and what was done concerning them; newest first."""
    return select(AuditEntry).where(or_(AuditEntry.subject_id == user_id, AuditEntry.actor_id == user_id)).order_by(
        AuditEntry.at.desc(), AuditEntry.id.desc())


def search(user_ids: list[int] | None = None, action: str = "", since: datetime | None = None,
           before: datetime | None = None):
    """Entries by or about any of `user_ids` (None: everyone), whose action starts with `action`, at or after
    `since` and before `before`; newest first."""
    query = select(AuditEntry)
    if user_ids is not None:
        query = query.where(or_(AuditEntry.subject_id.in_(user_ids), AuditEntry.actor_id.in_(user_ids)))
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if before is not None:
        query = query.where(AuditEntry.at < before)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def actions() -> list[str]:
    """Every action the log holds, for the search form's choices."""
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
