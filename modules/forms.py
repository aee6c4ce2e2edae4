from flask_wtf.file import FileField
from wtforms import DecimalField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import HiddenInput

from core.forms import Form, IntegerField
from core.uploads import UploadError
from modules import evidence
from modules.signoffs import MAX_ANSWER_LENGTH


class MarkForm(Form):
    score = DecimalField("Score", places=2, validators=[InputRequired(message="Enter a score.")])
    comment = TextAreaField("Comment to the trainee", validators=[Length(max=5000)],
                            description="Say what earned the marks and what was missing, against the rubric.")
    submit = SubmitField("Save mark")

    def __init__(self, points: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.score.validators = [*self.score.validators, NumberRange(
            min=0, max=points, message=f"Give a score from 0 to {points}.")]
        self.score.description = f"From 0 to {points}."


class AdjustmentForm(Form):
    extra_minutes = IntegerField("Extra minutes per attempt", default=0, validators=[
        InputRequired(message="Enter a number of minutes (0 for none)."),
        NumberRange(min=0, max=600, message="Enter from 0 to 600 minutes.")])
    extra_attempts = IntegerField("Extra attempts", default=0, validators=[
        InputRequired(message="Enter a number of attempts (0 for none)."),
        NumberRange(min=0, max=20, message="Enter from 0 to 20 attempts.")])
    submit = SubmitField("Save adjustments")


class SignOffRequestForm(Form):
    answer = TextAreaField("Your answer to the exercise", validators=[
        InputRequired(message="Write your answer to the exercise."),
        Length(max=MAX_ANSWER_LENGTH, message=f"Keep the answer under {MAX_ANSWER_LENGTH:,} characters.")],
        description="Markdown: *emphasis*, lists, headings and links are kept.")
    attachment = FileField("Attach a file (optional)",
                           description="One PDF, Word (.docx) or OpenDocument (.odt) file, up to 10 MB.")
    submit = SubmitField("Send for sign-off")

    checked_file: evidence.CheckedFile | None = None

    def validate_attachment(self, field) -> None:
        upload = field.data
        if not upload or not upload.filename:
            return
        try:
            self.checked_file = evidence.check_file(upload.filename, upload.read(evidence.MAX_BYTES + 1))
        except UploadError as error:
            raise ValidationError(str(error)) from error


class SignOffDecisionForm(Form):
    """Sign off (a comment against every criterion) or return with feedback; `decision_form` builds it per module."""

    decision = RadioField("Decision", choices=[("sign_off", "Sign off: ready for casework on this topic"),
                                               ("return", "Return for revision")],
                          validators=[InputRequired(message="Choose to sign off or to return.")])
    comment = TextAreaField("Overall comment", validators=[Length(max=5000)],
                            description="Required when you return the request: say what to change.")
    #: the version the mentor read: a decision on a page that is out of date (or tampered with) is refused
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1)])
    submit = SubmitField("Record decision")

    criterion_names: list[str] = []

    @property
    def criterion_fields(self) -> list:
        return [self[name] for name in self.criterion_names]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.version.errors:
            # The field is hidden, so its message goes where the mentor looks.
            self.decision.errors.append("This page is out of date: reload the page and decide again.")
        if self.decision.data == "sign_off":
            for field in self.criterion_fields:
                if not (field.data or "").strip():
                    field.errors.append("Comment on this criterion before you sign off.")
                    valid = False
        elif self.decision.data == "return" and not (self.comment.data or "").strip():
            self.comment.errors.append("Say what the trainee should change.")
            valid = False
        return valid


def decision_form(criteria: list[str], **kwargs) -> SignOffDecisionForm:
    names = [f"criterion_{index}" for index in range(1, len(criteria) + 1)]
    fields = {name: TextAreaField(criterion, validators=[Length(max=5000)]) for name, criterion in zip(names, criteria)}
    form_class = type("ModuleDecisionForm", (SignOffDecisionForm,), fields | {"criterion_names": names})
    return form_class(**kwargs)


class RevokeSignOffForm(Form):
    reason = TextAreaField("Reason for revoking", validators=[
        InputRequired(message="Give the reason for revoking."), Length(max=5000)],
        description="The trainee and their leader see this reason.")
    submit = SubmitField("Revoke sign-off")
