from email_validator import EmailNotValidError, validate_email
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional, ValidationError

from accounts.models import EmailNotice, InvitationRole, Nation, Organisation, SessionReminder, User
from core.extensions import db
from core.forms import DateField, Form, TimezoneField


def _is_email(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


_UNUSED_HASH = generate_password_hash("an unused password that nobody has")

PASSWORD_HINT = "At least 10 characters. A short sentence is easy to remember and hard to guess."


def _password_field(label="Password"):
    return PasswordField(label, validators=[InputRequired(message="Enter a password."),
                                            Length(min=10, max=200, message="Use at least 10 characters.")],
                         description=PASSWORD_HINT)


def _confirm_field():
    return PasswordField("Repeat the password", validators=[
        InputRequired(message="Repeat the password."),
        EqualTo("password", message="The two passwords are not the same."),
        Length(max=200),
    ])


def _email_field(label="E-mail address"):
    return EmailField(label, validators=[
        InputRequired(message="Enter your e-mail address."),
        Email(message="Enter an e-mail address like name@example.org.", check_deliverability=False),
        Length(max=254),
    ], filters=[lambda value: value.strip().lower() if value else value])


class SignInForm(Form):
    email = _email_field()
    password = PasswordField("Password", validators=[InputRequired(message="Enter your password.")])
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")

    user: User | None = None
    #: after a refused address and password: why (for the audit log, never for the page), and the account named
    refusal: str = ""
    account: User | None = None

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        user = User.find_by_email(self.email.data)
        if user is None:
            # Spend the same time as a real check, so timing does not reveal which addresses exist.
            check_password_hash(_UNUSED_HASH, self.password.data)
            self.refusal = "unknown address"
        elif not user.check_password(self.password.data):
            self.refusal = "wrong password"
        elif not user.is_active:
            self.refusal = "account deactivated"
        if self.refusal:
            # The same words whether or not the address has an account.
            self.password.errors.append("The e-mail address or password is not right.")
            self.account = user
            return False
        self.user = user
        return True


class RegisterForm(Form):
    """The first step: the address, confirmed by a link before anything is created."""

    email = _email_field("Your e-mail address")
    submit = SubmitField("Send me a link to register")


class ProjectDetailsForm(Form):
    """What a new project is called, whose it is and where it works: asked of a registering leader and of an administrator."""

    organisation_name = StringField("Name of the innocence project", validators=[
        InputRequired(message="Enter the project's name."), Length(max=200)],
        description="For example: Northtown University Innocence Project")
    institution = StringField("University or firm", validators=[
        InputRequired(message="Enter the university or firm the project belongs to."), Length(max=200)])
    nation = SelectField("Where the project works", choices=[(n.name, n.value) for n in Nation],
                         validators=[DataRequired()])

    def validate_organisation_name(self, field):
        taken = db.session.scalar(select(Organisation.id).where(
            func.lower(Organisation.name) == field.data.strip().lower()))
        if taken:
            raise ValidationError("A project with this name is registered already. Ask its leader to invite you.")


class FinishRegistrationForm(ProjectDetailsForm):
    display_name = StringField("Your name", validators=[InputRequired(message="Enter your name."), Length(max=120)])
    password = _password_field()
    confirm = _confirm_field()
    submit = SubmitField("Register the project")


class ForgotPasswordForm(Form):
    email = _email_field()
    submit = SubmitField("Send me a reset link")


class SetPasswordForm(Form):
    password = _password_field("New password")
    confirm = _confirm_field()
    submit = SubmitField("Save the new password")


class ProfileForm(Form):
    display_name = StringField("Name", validators=[InputRequired(message="Enter your name."), Length(max=120)])
    timezone = TimezoneField("Time zone", description="Dates and times are shown in this zone.")
    submit = SubmitField("Save profile")


class InviteForm(Form):
    role = SelectField("Invite them as", default=InvitationRole.TRAINEE.name,
                       invalid_choice_message="Choose one of the roles in the list.",
                       description="The e-mail and the page they accept on say what the role means.")
    emails = TextAreaField("E-mail addresses", validators=[InputRequired(message="Enter at least one address.")],
                           description="One address per line (or separated by commas). Each gets a link valid for 7 days.")
    submit = SubmitField("Send invitations")

    addresses: list[str] = []

    def __init__(self, *args, roles: list[InvitationRole], **kwargs):
        """`roles`: what the inviter may invite to (Invitation.roles_for); with only one, there is no choice."""
        super().__init__(*args, **kwargs)
        self.roles = roles
        self.role.choices = [(role.name, "Co-leader" if role is InvitationRole.LEADER else role.value)
                             for role in roles]
        if len(roles) == 1:
            del self.role

    @property
    def chosen_role(self) -> InvitationRole:
        return InvitationRole[self.role.data] if "role" in self else self.roles[0]

    def validate_emails(self, field):
        self.addresses = _addresses(field.data)


def _addresses(text: str) -> list[str]:
    addresses = [part.strip().lower() for part in text.replace(",", "\n").splitlines() if part.strip()]
    if len(addresses) > 100:
        raise ValidationError("Invite at most 100 people at a time.")
    bad = [address for address in addresses if not _is_email(address)]
    if bad:
        raise ValidationError(f"These are not e-mail addresses: {', '.join(bad[:10])}")
    return addresses


class TeamUploadForm(Form):
    csv_file = FileField("Spreadsheet (CSV)", validators=[FileRequired(message="Choose a CSV file.")],
                         description="Columns name, email, role; the role is trainee or leader. Up to 1,000 people.")
    preview = SubmitField("Check the file")


class TeamConfirmForm(Form):
    #: the file's text, carried from the preview so the confirmation invites exactly what was shown
    content = HiddenField(validators=[InputRequired(), Length(max=2 * 1024 * 1024)])
    confirm = SubmitField("Send the invitations")


class AcceptInvitationForm(Form):
    display_name = StringField("Your name", validators=[InputRequired(message="Enter your name."), Length(max=120)])
    password = _password_field()
    confirm = _confirm_field()
    submit = SubmitField("Create my account")


class UserRolesForm(Form):
    is_admin = BooleanField("Administrator")
    is_mentor = BooleanField("Mentor")
    is_leader = BooleanField("Project leader", description="Leads the project they belong to.")
    is_trainee = BooleanField("Trainee")
    is_active_account = BooleanField("Account active", description="An inactive account cannot sign in.")
    submit = SubmitField("Save")

    def __init__(self, *args, editing_self: bool = False, has_organisation: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing_self = editing_self
        self.has_organisation = has_organisation

    def validate_is_admin(self, field):
        if self.editing_self and not field.data:
            raise ValidationError("You cannot remove your own administrator role; ask another administrator.")

    def validate_is_active_account(self, field):
        if self.editing_self and not field.data:
            raise ValidationError("You cannot deactivate your own account.")

    def validate_is_leader(self, field):
        if field.data and not self.has_organisation:
            raise ValidationError("Only a member of a project can lead it.")


class CreateProjectForm(ProjectDetailsForm):
    """An administrator sets up a project and invites its leaders."""

    leader_emails = TextAreaField("Leaders' e-mail addresses", validators=[
        InputRequired(message="Enter the address of at least one leader.")],
        description="One address per line. Each gets an invitation to lead the project, valid for 7 days.")
    submit = SubmitField("Create the project and invite its leaders")

    addresses: list[str] = []

    def validate_leader_emails(self, field):
        self.addresses = _addresses(field.data)


class AuditSearchForm(Form):
    """The administrators' search of the audit log (a GET form: a search can be bookmarked)."""

    class Meta:
        csrf = False

    person = StringField("Person", validators=[Optional(), Length(max=254)],
                         description="Part of a name or e-mail address: what they did and what concerned them.")
    action = StringField("Action", validators=[Optional(), Length(max=64)],
                         description="An action such as sign_in.failed, or its start (sign_in).")
    since = DateField("From", validators=[Optional()])
    until = DateField("To (inclusive)", validators=[Optional()])
    submit = SubmitField("Search")

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("Choose a date on or after the first one.")


def _code_field():
    return StringField("Code", validators=[InputRequired(message="Enter the code."), Length(max=64)],
                       description="The 6-digit code your authenticator app shows now, or one of your recovery codes.")


class TwoFactorCodeForm(Form):
    """The second step of signing in."""

    code = _code_field()
    submit = SubmitField("Continue")


class PasswordAndCodeForm(Form):
    """Proof that the person at the keyboard holds both the password and the device, before a change to either."""

    password = PasswordField("Your password", validators=[InputRequired(message="Enter your password."),
                                                          Length(max=200)])
    code = _code_field()

    def __init__(self, *args, user: User, app_code_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if app_code_only:
            self.code.description = "The 6-digit code your authenticator app shows now."

    def validate_password(self, field):
        if not self.user.check_password(field.data):
            raise ValidationError("That is not your password.")


class NotificationSettingsForm(Form):
    """Each box is one column of NotificationSettings (same name); unticked means off."""

    remind_day_before = BooleanField(SessionReminder.DAY_BEFORE.label)
    remind_hour_before = BooleanField(SessionReminder.HOUR_BEFORE.label)
    email_notes_shared = BooleanField(EmailNotice.NOTES_SHARED.value)
    email_sign_off_steps = BooleanField(EmailNotice.SIGN_OFF_STEPS.value)
    email_marking_finished = BooleanField(EmailNotice.MARKING_FINISHED.value)
    email_run_changes = BooleanField(EmailNotice.RUN_CHANGES.value)
    weekly_digest = BooleanField("A weekly digest of my project", description=(
        "On Mondays: the modules your members completed, sign-off steps and mentoring sessions held over the "
        "week before, and who is behind schedule or on their learning plan."))
    submit = SubmitField("Save settings")

    def __init__(self, *args, offers_digest: bool, **kwargs):
        """`offers_digest`: the person leads a project, so the weekly digest is theirs to choose."""
        super().__init__(*args, **kwargs)
        if not offers_digest:
            del self.weekly_digest

    reminder_fields = ("remind_day_before", "remind_hour_before")
    notice_fields = ("email_notes_shared", "email_sign_off_steps", "email_marking_finished", "email_run_changes")
