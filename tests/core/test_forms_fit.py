"""Every form's fields fit what they are stored in, so bad input is refused beside the field, not by the database.

These tests walk every form class in the app; a new form or field that breaks a rule fails here, before
PostgreSQL (or the fuzzer in tests/fuzz) finds it. SQLite ignores String(n) lengths and stores any integer,
so without these only production would find out.
"""
import importlib

import pytest
import wtforms
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, NumberRange

import core.forms
from accounts.models import Organisation, User
from core.db import MAX_INT, MIN_INT
from core.forms import DateField, Form, IntegerField, database_int
from courses.models import Run
from mentoring.models import Booking

PACKAGES = ["accounts", "certificates", "core", "courses", "events", "mentoring", "modules", "team", "search"]

#: (form, field) -> the String(n) column it is written to
WRITES = {
    ("FinishRegistrationForm", "display_name"): User.display_name, ("RegisterForm", "email"): User.email,
    ("FinishRegistrationForm", "organisation_name"): Organisation.name, ("FinishRegistrationForm", "institution"): Organisation.institution,
    ("ProfileForm", "display_name"): User.display_name, ("AcceptInvitationForm", "display_name"): User.display_name,
    ("CreateProjectForm", "organisation_name"): Organisation.name, ("CreateProjectForm", "institution"): Organisation.institution,
    ("RunForm", "venue"): Run.venue, ("RunForm", "video_link"): Run.video_link,
    ("PlaceForm", "place_detail"): Booking.place_value, ("AvailabilityForm", "place_detail"): Booking.place_value,
    ("BookingForm", "topic"): Booking.topic, ("BookingForm", "request_key"): Booking.request_key,
}

#: text fields that are never stored as they are, with why they need no Length
NOT_STORED_AS_TYPED = {
    ("SignInForm", "password"): "compared with a hash",
    ("SetPasswordForm", "confirm"): "must equal the password", ("FinishRegistrationForm", "confirm"): "must equal the password",
    ("AcceptInvitationForm", "confirm"): "must equal the password",
    ("InviteForm", "emails"): "split into addresses, each checked by email_validator (at most 254 characters)",
    ("CreateProjectForm", "leader_emails"): "split into addresses, each checked by email_validator (at most 254 characters)",
    ("VerifyCertificateForm", "code"): "normalised to 16 letters and digits, or refused",
    ("RescheduleForm", "start"): "parsed as a date and time, or refused",
}


def _form_classes():
    for package in PACKAGES:
        importlib.import_module(f"{package}.forms")
    found, todo = set(), [FlaskForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            found.add(subclass)
            todo.append(subclass)
    return sorted((c for c in found if c.__module__.split(".")[0] in PACKAGES and c is not Form),
                  key=lambda c: (c.__module__, c.__qualname__))


def _fields(form_class):
    for name in dir(form_class):
        value = getattr(form_class, name, None)
        if isinstance(value, UnboundField):
            yield name, value


def _text_fields():
    for form_class in _form_classes():
        for name, field in _fields(form_class):
            if issubclass(field.field_class, wtforms.StringField):
                yield form_class.__name__, name, field


def _max_length(field) -> int | None:
    lengths = [v.max for v in field.kwargs.get("validators", ()) if isinstance(v, Length) and v.max >= 0]
    return min(lengths) if lengths else None


def test_there_are_forms_to_check():
    assert len(_form_classes()) > 20
    assert core.forms.ActionForm in _form_classes()


@pytest.mark.parametrize("form_class", _form_classes(), ids=lambda c: c.__qualname__)
def test_every_form_is_a_core_form(form_class):
    """core.forms.Form turns a missing text field into "" (not None), so views can strip and store it."""
    assert issubclass(form_class, Form), f"{form_class.__qualname__} should subclass core.forms.Form"


@pytest.mark.parametrize("form_class", _form_classes(), ids=lambda c: c.__qualname__)
def test_numbers_and_dates_fit_the_database(form_class):
    for name, field in _fields(form_class):
        if issubclass(field.field_class, wtforms.IntegerField):
            assert issubclass(field.field_class, IntegerField), \
                f"{form_class.__qualname__}.{name}: use core.forms.IntegerField, which refuses numbers past 2**31"
        if issubclass(field.field_class, wtforms.DateField):
            assert issubclass(field.field_class, DateField), \
                f"{form_class.__qualname__}.{name}: use core.forms.DateField, which refuses dates that overflow"
        coerce = field.kwargs.get("coerce")
        assert coerce is not int, f"{form_class.__qualname__}.{name}: coerce=int takes any size; use database_int"
        for rule in field.kwargs.get("validators", ()):
            if isinstance(rule, NumberRange):
                assert rule.min is None or rule.min >= MIN_INT
                assert rule.max is None or rule.max <= MAX_INT


@pytest.mark.parametrize("form, name, field", list(_text_fields()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_text_field_has_a_maximum_length(form, name, field):
    if (form, name) in NOT_STORED_AS_TYPED:
        return
    if field.field_class is wtforms.HiddenField and (form, name) not in WRITES:
        pytest.skip("a hidden field that is not stored")
    assert _max_length(field) is not None, f"{form}.{name} needs Length(max=...) (or an entry in NOT_STORED_AS_TYPED)"


@pytest.mark.parametrize("key", sorted(WRITES), ids="-".join)
def test_each_fields_maximum_fits_its_column(key):
    form_class = next(c for c in _form_classes() if c.__name__ == key[0])
    field = dict(_fields(form_class))[key[1]]
    column_length = WRITES[key].property.columns[0].type.length
    assert _max_length(field) is not None and _max_length(field) <= column_length, \
        f"{key[0]}.{key[1]} allows {_max_length(field)} characters; the column holds {column_length}"


def test_database_int_refuses_what_no_column_holds():
    assert database_int("2147483647") == MAX_INT
    for value in ("2147483648", "-2147483649", "99999999999", "abc"):
        with pytest.raises(ValueError):
            database_int(value)
