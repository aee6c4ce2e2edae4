"""Forms of the privacy pages."""
from wtforms import BooleanField, EmailField, RadioField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, ValidationError

from accounts.models import User
from core.forms import Form


class NotesDecisionForm(Form):
    decision = RadioField("Decision", choices=[("approve", "Approve: include these notes in the person's download"),
                                               ("decline", "Decline: the notes stay out of it")],
                          validators=[InputRequired(message="Choose to approve or decline.")])
    reason = TextAreaField("Reason (shown to the person when you decline)", validators=[Length(max=500)])
    submit = SubmitField("Record the decision")

    def validate_reason(self, field):
        if self.decision.data == "decline" and not field.data.strip():
            raise ValidationError("Say why the notes are withheld (for example, they name other people).")


class ExportForPersonForm(Form):
    email = EmailField("The person's e-mail address", validators=[
        InputRequired(message="Enter the e-mail address of the account."),
        Email(message="Enter an e-mail address like name@example.org.", check_deliverability=False),
        Length(max=254)], filters=[lambda value: value.strip().lower() if value else value])
    private_notes = BooleanField("Include mentors' private notes about them",
                                 description="Only once you have read them and they name nobody else.")
    submit = SubmitField("Download their data")

    def validate_email(self, field):
        self.user = User.find_by_email(field.data)
        if self.user is None:
            raise ValidationError("No account has this e-mail address.")


class ErasureRequestForm(Form):
    understood = BooleanField("I understand that my account, my answers, files and notes will be deleted for good, "
                              "and my certificates withdrawn.",
                              validators=[InputRequired(message="Tick the box to confirm you understand.")])
    submit = SubmitField("Ask to delete my account")


class ConfirmErasureForm(Form):
    understood = BooleanField("Erase this person's data now; this cannot be undone.",
                              validators=[InputRequired(message="Tick the box to confirm the erasure.")])
    submit = SubmitField("Erase")
