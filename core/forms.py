from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from core.timezones import is_valid_timezone, timezone_choices


class ActionForm(FlaskForm):
    """A bare form for POST-only buttons (withdraw, approve, sign out): it carries the CSRF token."""


class TimezoneField(SelectField):
    """A choice of IANA time zones; anything else is refused beside the field."""

    def __init__(self, label=None, **kwargs):
        super().__init__(label, choices=lambda: [(name, name.replace("_", " ")) for name in timezone_choices()],
                         **kwargs)

    def pre_validate(self, form):
        if not is_valid_timezone(self.data):
            raise ValidationError("Choose a time zone from the list.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
