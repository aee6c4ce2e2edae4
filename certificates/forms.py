"""Certificate look-up, search and revocation forms."""
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from certificates.operations import STATUSES, normalise_code
from core.forms import Form


class VerifyCertificateForm(Form):
    """The public look-up: a GET form (nothing changes), so no CSRF token."""

    class Meta:
        csrf = False

    code = StringField("Verification code", description="16 letters and digits, printed on the certificate, "
                       "e.g. K7QD-4XTM-PLA2-R6FW. Spaces, hyphens and case do not matter.",
                       validators=[InputRequired(message="Enter the verification code from the certificate.")])
    submit = SubmitField("Check the certificate")

    def validate_code(self, field):
        if normalise_code(field.data) is None:
            raise ValidationError("Enter the 16 letters and digits of the code, as printed on the certificate.")


class CertificateSearchForm(Form):
    class Meta:
        csrf = False

    q = StringField("Name or code", validators=[Optional(), Length(max=120)])
    status = SelectField("Status", choices=[("", "Any status")] + [(status, status.capitalize()) for status in STATUSES],
                         validators=[Optional()])
    submit = SubmitField("Search")


class RevokeCertificateForm(Form):
    reason = TextAreaField("Reason for revoking", description="Kept private: the trainee is told it by e-mail; "
                           "the public verification page shows only that the certificate was revoked, and when.",
                           validators=[DataRequired(message="Give the reason for revoking the certificate."),
                                       Length(max=2000)])
    submit = SubmitField("Revoke the certificate")
