"""What every form shares: the base class, and fields whose values always fit the database."""
from datetime import date

import wtforms
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import RadioField, SelectField, SelectMultipleField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, html_params

from core.db import MAX_INT, MIN_INT
from core.timezones import is_valid_timezone, zone_options


def _none_as_empty(value):
    return "" if value is None else value


class Form(FlaskForm):
    """The base of every form in the app (a test holds each form to it).

    A text field missing from the request is "" rather than None, so code after validation can strip,
    compare and store it (a hand-made POST without `comment` once crashed on `None.strip()`).
    Control characters never get this far: `core.web.refuse_control_characters` turns them away first.
    """

    class Meta:
        def bind_field(self, form, unbound_field, options):
            if issubclass(unbound_field.field_class, wtforms.StringField):
                options = {**options, "filters": [*unbound_field.kwargs.get("filters", ()), _none_as_empty]}
            return super().bind_field(form, unbound_field, options)


def database_int(value) -> int:
    """`int()` for `coerce=`, refusing (ValueError) a number that no INTEGER column can hold."""
    number = int(value)
    if not MIN_INT <= number <= MAX_INT:
        raise ValueError("out of range")
    return number


class IntegerField(wtforms.IntegerField):
    """A whole number that fits an INTEGER column; a larger one is refused beside the field, not sent to the
    database (PostgreSQL fails on it; SQLite does not, so only production would have found out)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not MIN_INT <= self.data <= MAX_INT:
            self.data = None
            raise ValueError("That number is too large. Enter a smaller one.")


class DateField(wtforms.DateField):
    """A date from 1900 to 2999: the first and last dates Python knows overflow as soon as a time zone or a week
    is added to them, so they are refused beside the field instead."""

    EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.EARLIEST <= self.data <= self.LATEST:
            self.data = None
            raise ValueError("Enter a date from 1900 to 2999.")


class IdSelectField(SelectField):
    """A choice of rows by id: anything but one of the ids listed (text, a huge number) is refused beside it."""

    MESSAGE = "Choose one of the options in the list."

    def __init__(self, label=None, validators=None, coerce=database_int, **kwargs):
        kwargs.setdefault("invalid_choice_message", self.MESSAGE)
        super().__init__(label, validators, coerce=coerce, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None  # not the default: code that reads it before validation must not see a choice
            raise ValueError(self.MESSAGE) from None


class ActionForm(Form):
    """A bare form for POST-only buttons (withdraw, approve, sign out): it carries the CSRF token."""


class _ZoneSelect:
    """A select of the process's ready-made zone options (see `zone_options`)."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{zone_options(field.data)}</select>")


class TimezoneField(SelectField):
    """A choice of IANA time zones; anything else is refused beside the field.

    It renders as a select that static/zone-select.js (loaded on every page) makes searchable.
    """

    widget = _ZoneSelect()

    def __init__(self, label=None, render_kw=None, **kwargs):
        super().__init__(label, render_kw={"data-zone-search": True, **(render_kw or {})}, **kwargs)

    def pre_validate(self, form):
        if not is_valid_timezone(self.data):
            raise ValidationError("Choose a time zone from the list.")


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes, coerced to ints that fit the database unless told otherwise."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, coerce=database_int, **kwargs):
        super().__init__(label, validators, coerce=coerce, **kwargs)


class ChoiceField(RadioField):
    """Radio buttons; no choice at all gets `message` (or passes, when not required) instead of "Not a valid choice"."""

    def __init__(self, label=None, validators=None, required=True, message="Choose one of the options.", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required, self.message = required, message

    def pre_validate(self, form):
        if not self.process_errors and self.data in (None, ""):
            raise StopValidation(self.message if self.required else None)
        super().pre_validate(form)
