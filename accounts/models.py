import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ColumnElement, Enum, ForeignKey, Index, String, UniqueConstraint, false, select, text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.db import UTCDateTime, utcnow
from core.extensions import db


class Nation(enum.Enum):
    ENGLAND_AND_WALES = "England and Wales"
    SCOTLAND = "Scotland"
    NORTHERN_IRELAND = "Northern Ireland"


class OrganisationState(enum.Enum):
    PENDING = "Awaiting approval"
    APPROVED = "Approved"
    REJECTED = "Rejected"


class Organisation(db.Model):
    """An innocence project: a university clinic or a law-firm team."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    institution: Mapped[str] = mapped_column(String(200))
    nation: Mapped[Nation] = mapped_column(Enum(Nation, native_enum=False, length=32))
    state: Mapped[OrganisationState] = mapped_column(
        Enum(OrganisationState, native_enum=False, length=16),
        default=OrganisationState.PENDING,
        index=True,
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True), index=True
    )

    members: Mapped[list["User"]] = relationship(
        back_populates="organisation", foreign_keys="User.organisation_id", order_by="User.display_name"
    )

    @property
    def is_approved(self) -> bool:
        return self.state is OrganisationState.APPROVED

    def can_decide(self, user) -> bool:
        """Only administrators approve or reject, and only while the organisation is pending."""
        return user.is_authenticated and user.is_admin and self.state is OrganisationState.PENDING

    def can_manage(self, user) -> bool:
        """Leaders of this organisation and administrators manage members and invitations."""
        return user.is_authenticated and (
            user.is_admin or (user.is_leader and user.organisation_id == self.id)
        )

    def can_view_matrix(self, user) -> bool:
        """Those who manage the organisation (its leaders, administrators) see its members' competency matrix."""
        return self.can_manage(user)

    @staticmethod
    def can_list(user) -> bool:
        """Administrators review every organisation (and approve the pending ones)."""
        return user.is_authenticated and user.is_admin

    @staticmethod
    def can_list_matrices(user) -> bool:
        """Only administrators see every organisation, so only they pick among the matrices."""
        return user.is_authenticated and user.is_admin

    @staticmethod
    def can_create(user) -> bool:
        """Administrators set up a project themselves (approved at once) and invite its leaders."""
        return user.is_authenticated and user.is_admin

    def can_enrol_members(self, user) -> bool:
        """Leaders enrol their members only once an administrator has approved the organisation."""
        return self.is_approved and self.can_manage(user)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-cased; compared lower-cased
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/London")
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_mentor: Mapped[bool] = mapped_column(default=False)
    #: leads `organisation`
    is_leader: Mapped[bool] = mapped_column(default=False)
    is_trainee: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    #: when the account was deactivated (None while active; who did it is in the audit log); its records stay
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the base32 TOTP secret shared with the person's authenticator app; shown on the set-up page until a
    #: code from it turns two-factor sign-in on (`two_factor_enabled_at`)
    totp_secret: Mapped[str | None] = mapped_column(String(32))
    two_factor_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the last 30-second time step whose code was accepted: a code is used once (see accounts/two_factor.py)
    totp_last_step: Mapped[int | None] = mapped_column()

    organisation: Mapped[Organisation | None] = relationship(
        back_populates="members", foreign_keys=[organisation_id]
    )

    # Not columns: the sign-in (a UserSession) this request belongs to and the secret half of its
    # cookie id, set by `accounts.sessions` when it signs the user in or loads them for a request.
    current_session = None
    session_key = None

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        # Flask-Login keeps this in the session cookie and the remember-me cookie, so both name one
        # server-side session, which can be ended (see accounts/sessions.py).
        return f"{self.id}:{self.session_key}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_names(self) -> list[str]:
        flags = [
            (self.is_admin, "Administrator"),
            (self.is_mentor, "Mentor"),
            (self.is_leader, "Project leader"),
            (self.is_trainee, "Trainee"),
        ]
        return [name for held, name in flags if held]

    @property
    def has_two_factor(self) -> bool:
        return self.two_factor_enabled_at is not None

    @property
    def role_keys(self) -> set[str]:
        """The roles held, as the names `TWO_FACTOR_REQUIRED_ROLES` uses."""
        return {role for role in ("admin", "mentor", "leader", "trainee") if getattr(self, f"is_{role}")}

    @property
    def is_learner(self) -> bool:
        """Trainees and leaders take courses (a leader is a learner too)."""
        return self.is_trainee or self.is_leader

    @classmethod
    def find_by_email(cls, email: str) -> "User | None":
        return db.session.scalar(select(cls).where(cls.email == email.strip().lower()))

    @staticmethod
    def can_list(user) -> bool:
        """Administrators list and search everyone's accounts."""
        return user.is_authenticated and user.is_admin

    @staticmethod
    def can_find_people(user) -> bool:
        """Administrators find anyone; a project's leaders find its members (see `found_by`)."""
        return user.is_authenticated and (user.is_admin or (user.is_leader and user.organisation_id is not None))

    @staticmethod
    def found_by(viewer) -> ColumnElement[bool]:
        """The people `viewer` may find by name or e-mail: everyone for administrators, the members of the
        organisation they lead for leaders (those `Organisation.can_manage` lets them manage), nobody else."""
        if not User.can_find_people(viewer):
            return false()
        return true() if viewer.is_admin else User.organisation_id == viewer.organisation_id

    def can_be_found_by(self, viewer) -> bool:
        """The same rule as `found_by`, for one person."""
        return User.can_find_people(viewer) and (
            viewer.is_admin or (self.organisation is not None and self.organisation.can_manage(viewer)))

    @staticmethod
    def can_manage_mail(user) -> bool:
        """Administrators see messages that could not be delivered, and send them again."""
        return user.is_authenticated and user.is_admin

    @staticmethod
    def can_invite_mentors(user) -> bool:
        """Administrators bring mentors in, by invitation."""
        return bool(Invitation.roles_for(user, None))

    def can_be_edited_by(self, editor) -> bool:
        """Administrators change people's roles and deactivate accounts."""
        return editor.is_authenticated and editor.is_admin

    def can_deactivate(self, actor) -> bool:
        """Administrators deactivate anyone but themselves; a project's leaders deactivate its trainees who leave.

        A co-leader, a mentor or an administrator is deactivated by an administrator only, so no leader can
        lock another out of the project.
        """
        if not actor.is_authenticated or actor.id == self.id or not self.is_active_account:
            return False
        if actor.is_admin:
            return True
        return (actor.is_leader and actor.organisation_id is not None and self.organisation_id == actor.organisation_id
                and not (self.is_leader or self.is_mentor or self.is_admin))

    def can_reset_two_factor(self, editor) -> bool:
        """Administrators reset someone else's second factor (a lost phone); their own goes through another one."""
        return editor.is_authenticated and editor.is_admin and editor.id != self.id and self.has_two_factor


class RecoveryCode(db.Model):
    """One of a person's one-time recovery codes (for a lost phone); only a hash of the code is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the normalised code; the codes are random (80 bits), so a fast hash is enough
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserSession(db.Model):
    """One sign-in on one device; the cookies carry its random key, and ending the row signs that device out."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the random key in the cookies; the key itself is never stored
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: refreshed at most every `accounts.sessions.LAST_SEEN_EVERY`, to keep requests free of writes
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: e.g. "Firefox on Windows", for the list of devices on the profile page
    device: Mapped[str] = mapped_column(String(100), default="")
    ip_address: Mapped[str] = mapped_column(String(45), default="")

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None


class InvitationRole(enum.Enum):
    """What accepting an invitation makes someone; `meaning` is what the e-mail and the acceptance page say."""

    TRAINEE = "Trainee"
    LEADER = "Project leader"
    MENTOR = "Mentor"

    @property
    def meaning(self) -> str:
        return _ROLE_MEANINGS[self]

    @property
    def flag(self) -> str:
        """The User column that holds this role."""
        return {InvitationRole.TRAINEE: "is_trainee", InvitationRole.LEADER: "is_leader",
                InvitationRole.MENTOR: "is_mentor"}[self]


_ROLE_MEANINGS = {
    InvitationRole.TRAINEE: (
        "As a trainee you work through the courses your project enrols you on: you read the lessons, take each "
        "module's quiz, ask a mentor to sign off your casework skills and book one-to-one sessions with your "
        "mentors. Your project's leaders see your progress."),
    InvitationRole.LEADER: (
        "As a project leader you run the project here: you invite and enrol your team, see who is signed off on "
        "what in the competency matrix, and book mentoring for yourself. You can take the courses too."),
    InvitationRole.MENTOR: (
        "As a mentor you publish the hours you are free, run one-to-one sessions with trainees and project "
        "leaders, write session notes, mark written answers and sign off trainees' modules. You belong to no "
        "one project."),
}


class Invitation(db.Model):
    """An invitation with a role: to a project (trainee or leader) or, with no project, as a mentor.

    The e-mailed link is signed and single use.
    """

    __tablename__ = "invitations"
    __table_args__ = (
        UniqueConstraint("organisation_id", "email"),
        # One mentor invitation per address (re-inviting refreshes it): the constraint above never compares NULLs.
        Index("uq_invitations_mentor_email", "email", unique=True, sqlite_where=text("organisation_id IS NULL"),
              postgresql_where=text("organisation_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None for a mentor's invitation: mentors belong to no project
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[InvitationRole] = mapped_column(Enum(InvitationRole, native_enum=False, length=16),
                                                 default=InvitationRole.TRAINEE)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship()
    invited_by: Mapped[User | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @staticmethod
    def roles_for(user, organisation: Organisation | None) -> list[InvitationRole]:
        """The roles `user` may invite people to: into a project, its leaders (and administrators) invite trainees
        and co-leaders; with no project, administrators invite mentors."""
        if organisation is None:
            return [InvitationRole.MENTOR] if user.is_authenticated and user.is_admin else []
        return [InvitationRole.TRAINEE, InvitationRole.LEADER] if organisation.can_manage(user) else []

    def can_revoke(self, user) -> bool:
        """Whoever could send it withdraws an open invitation."""
        return self.is_open and self.role in Invitation.roles_for(user, self.organisation)


class SessionReminder(enum.Enum):
    """A reminder e-mail before a mentoring session; the value is how many minutes before it starts."""

    DAY_BEFORE = 24 * 60
    HOUR_BEFORE = 60

    @property
    def label(self) -> str:
        return "24 hours before" if self is SessionReminder.DAY_BEFORE else "1 hour before"

    @property
    def setting(self) -> str:
        """The NotificationSettings column that turns it on."""
        return f"remind_{self.name.lower()}"


class EmailNotice(enum.Enum):
    """A kind of notice a person may choose not to be e-mailed (the in-app notice, where there is one, stays)."""

    NOTES_SHARED = "A mentor shares notes or action points from your session"
    SIGN_OFF_STEPS = "Sign-off requests and decisions (signed off, returned, revoked)"
    MARKING_FINISHED = "Your quiz has been marked"
    RUN_CHANGES = "Your place on a course run (enrolled, waitlisted, given a seat, withdrawn)"

    @property
    def setting(self) -> str:
        return f"email_{self.name.lower()}"


class NotificationSettings(db.Model):
    """What one person chooses to be e-mailed. No row means the defaults (`DEFAULTS`): what everyone got before
    people could choose."""

    __tablename__ = "notification_settings"

    DEFAULTS = {"remind_day_before": True, "remind_hour_before": False, "email_notes_shared": True,
                "email_sign_off_steps": True, "email_marking_finished": True, "email_run_changes": True,
                "weekly_digest": False}

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    remind_day_before: Mapped[bool] = mapped_column(default=True)
    remind_hour_before: Mapped[bool] = mapped_column(default=False)
    email_notes_shared: Mapped[bool] = mapped_column(default=True)
    email_sign_off_steps: Mapped[bool] = mapped_column(default=True)
    email_marking_finished: Mapped[bool] = mapped_column(default=True)
    email_run_changes: Mapped[bool] = mapped_column(default=True)
    #: a leader's Monday e-mail summing up their project's week (team/digest.py); only leaders are offered it
    weekly_digest: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @classmethod
    def of(cls, user_id: int) -> "NotificationSettings":
        """The person's settings: their row, or an unsaved one holding the defaults."""
        return db.session.get(cls, user_id) or cls(user_id=user_id, **cls.DEFAULTS)

    @property
    def reminders(self) -> list[SessionReminder]:
        return [reminder for reminder in SessionReminder if getattr(self, reminder.setting)]
