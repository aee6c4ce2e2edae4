import secrets
from datetime import datetime, timezone

import wtforms
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from core.forms import DateField, Form, IdSelectField, IntegerField, MultiCheckboxField, TimezoneField, database_int
from courses import structure
from mentoring import places, slots
from mentoring.models import Attendance
from mentoring.places import Place, PlaceKind

LENGTH_CHOICES = [(15, "15 minutes"), (30, "30 minutes"), (45, "45 minutes"), (60, "1 hour"), (90, "1½ hours"),
                  (120, "2 hours")]
MAX_SERIES = 12


def parse_start(value: str | None) -> datetime | None:
    """An ISO 8601 UTC start from a URL or hidden field; None when it is not one (tampered input)."""
    try:
        start = datetime.fromisoformat(value or "")
    except ValueError:
        return None
    if start.tzinfo is None:
        return None
    return start.astimezone(timezone.utc)


class PlaceForm(Form):
    """Where sessions happen: how (video, phone, in person) and the link, number or room."""

    place_type = SelectField("How you meet", choices=[(kind.name, kind.value) for kind in PlaceKind], default="",
                             invalid_choice_message="Choose video call, phone call or in person.")
    place_detail = StringField("Video link, phone number or room", validators=[Length(max=places.MAX_LENGTH)],
                              description="A video link starting https://, a phone number with its area code, "
                                          "or the room and building.")
    submit = SubmitField("Save the meeting place")

    #: the checked place, once validated (None when none is set)
    place: Place | None = None

    def validate_place_detail(self, field):
        kind = PlaceKind.__members__.get(self.place_type.data or "")
        if kind is None:
            if field.data.strip():
                raise ValidationError("Choose how you meet: video call, phone call or in person.")
            self.place = None
            return
        try:
            self.place = Place(kind, places.check(kind, field.data))
        except ValueError as error:
            raise ValidationError(str(error)) from None


DAY_KEYS = [name.lower() for name in slots.WEEKDAYS]
MAX_RANGES = 12
MAX_EXCEPTIONS = 100


class RangeForm(wtforms.Form):
    """One time range of a day in the weekly editor (a sub-form: the page's form carries the CSRF token)."""

    start = TimeField("From", validators=[Optional()])
    end = TimeField("Until", validators=[Optional()])


class ExceptionForm(wtforms.Form):
    """One date that differs from the week: a day off, different hours instead of the week's, or extra hours."""

    on_date = DateField("Date", validators=[Optional()])
    kind = SelectField("What changes", default="off", choices=[
        ("off", "Day off"), ("only", "Only these hours"), ("extra", "Extra hours")],
        invalid_choice_message="Choose day off, only these hours or extra hours.")
    start = TimeField("From", validators=[Optional()])
    end = TimeField("Until", validators=[Optional()])


class AvailabilityForm(PlaceForm):
    timezone = TimezoneField("Your time zone", description="Your weekly hours and dates below are in this zone.")
    session_lengths = MultiCheckboxField("Session lengths you offer", choices=LENGTH_CHOICES)
    buffer_minutes = IntegerField("Buffer between sessions (minutes)", validators=[
        InputRequired(message="Enter a buffer in minutes (0 for none)."),
        NumberRange(min=0, max=240, message="The buffer must be from 0 to 240 minutes.")])
    notice_hours = IntegerField("Minimum notice (hours)", validators=[
        InputRequired(message="Enter the minimum notice in hours."),
        NumberRange(min=0, max=24 * 14, message="The notice must be from 0 to 336 hours.")])
    horizon_weeks = IntegerField("Booking horizon (weeks)", validators=[
        InputRequired(message="Enter how many weeks ahead people may book."),
        NumberRange(min=1, max=52, message="The horizon must be from 1 to 52 weeks.")])
    cancel_cutoff_hours = IntegerField("Trainees may cancel until (hours before)", validators=[
        InputRequired(message="Enter the cancellation cut-off in hours."),
        NumberRange(min=0, max=24 * 14, message="The cut-off must be from 0 to 336 hours.")])
    weekly_hours = TextAreaField("Weekly hours", validators=[Length(max=2000)],
                           description="One window a line, e.g. “Tuesday 14:00-17:00”.")
    date_changes = TextAreaField("Date changes", validators=[Length(max=4000)],
                              description="One date a line: “2026-12-24 off” for a day off, or "
                                          "“2026-12-28 10:00-12:00” for extra hours.")
    submit = SubmitField("Save availability")

    exceptions = FieldList(FormField(ExceptionForm), max_entries=MAX_EXCEPTIONS)
    copy_from = SelectField("Copy the hours of", choices=list(enumerate(slots.WEEKDAYS)), coerce=database_int, default=0,
                            validate_choice=False)
    copy_to = MultiCheckboxField("to", choices=list(enumerate(slots.WEEKDAYS)), validate_choice=False)
    paste = SubmitField("Save the pasted hours")

    SETTINGS = ("timezone", "buffer_minutes", "notice_hours", "horizon_weeks", "cancel_cutoff_hours")
    parsed_windows: list[slots.Window] = []
    parsed_overrides: list[slots.Override] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place_type.label.text = "How you usually meet"
        self.place_type.choices = [("", "Not set yet"), *self.place_type.choices]

    @property
    def pasting(self) -> bool:
        """The power users' way: the hours come from the text boxes, not the rows."""
        return bool(self.paste.data)

    def days(self):
        return [(n, name, self[DAY_KEYS[n]]) for n, name in enumerate(slots.WEEKDAYS)]

    def fill(self, windows, overrides) -> None:
        """Rows for the week and the dates, from saved (or parsed) windows and overrides."""
        for window in windows:
            self[DAY_KEYS[window.weekday]].append_entry({"start": window.start, "end": window.end})
        by_date: dict = {}
        for override in overrides:
            by_date.setdefault(override.day, []).append(override)
        for day, found in sorted(by_date.items()):
            off = any(o.is_day_off for o in found)
            hours = [o for o in found if not o.is_day_off]
            for o in hours or [found[0]]:
                kind = "only" if off and hours else "off" if off else "extra"
                self.exceptions.append_entry({"on_date": day, "kind": kind, "start": o.start, "end": o.end})

    def apply(self, action: str) -> str | None:
        """Add, remove or copy rows without saving (the buttons work without JavaScript).

        Returns the id of the field to focus next, or None. Unknown actions change nothing.
        """
        verb, _, rest = action.partition(":")
        if verb == "add" and rest in DAY_KEYS and len(self[rest]) < MAX_RANGES:
            return self[rest].append_entry().form.start.id
        if verb == "remove":
            key, _, index = rest.partition(":")
            if key in DAY_KEYS and index.isdigit() and int(index) < len(self[key]):
                self[key].entries.pop(int(index))
                return f"add-{key}"
        if verb == "copy" and isinstance(self.copy_from.data, int) and 0 <= self.copy_from.data < 7:
            source = [(e.form.start.data, e.form.end.data) for e in self[DAY_KEYS[self.copy_from.data]]]
            for target in self.copy_to.data or []:
                if 0 <= target < 7 and target != self.copy_from.data:
                    day = self[DAY_KEYS[target]]
                    day.entries, day.last_index = [], -1
                    for start, end in source:
                        day.append_entry({"start": start, "end": end})
            return "copy_from"
        if verb == "add-date" and len(self.exceptions) < MAX_EXCEPTIONS:
            return self.exceptions.append_entry().form.on_date.id
        if verb == "remove-date" and rest.isdigit() and int(rest) < len(self.exceptions):
            self.exceptions.entries.pop(int(rest))
            return "add-date"
        return None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.pasting:
            return valid
        windows, problems = [], False
        for weekday, _, day in self.days():
            ranges = []
            for entry in day:
                start, end = entry.form.start.data, entry.form.end.data
                if start is None and end is None and not entry.form.start.errors and not entry.form.end.errors:
                    continue  # an empty row is no range
                message = _range_problem(start, end, ranges)
                if message:
                    entry.form.end.errors = [*entry.form.end.errors, message]
                    problems = True
                elif not entry.form.start.errors:
                    ranges.append((start, end))
            windows += [slots.Window(weekday, start, end) for start, end in sorted(ranges)]
        overrides = []
        for entry in self.exceptions:
            row = entry.form
            if row.on_date.data is None:
                if row.start.data or row.end.data or row.on_date.errors:
                    row.on_date.errors = [*row.on_date.errors, "Choose the date."] if not row.on_date.errors else \
                        row.on_date.errors
                    problems = True
                continue
            if row.kind.data in ("off", "only"):
                overrides.append(slots.Override(row.on_date.data))
            if row.kind.data in ("only", "extra"):
                message = _range_problem(row.start.data, row.end.data, [])
                if message:
                    row.end.errors = [*row.end.errors, message]
                    problems = True
                else:
                    overrides.append(slots.Override(row.on_date.data, row.start.data, row.end.data))
        self.parsed_windows, self.parsed_overrides = windows, sorted(set(overrides), key=slots.override_order)
        return valid and not problems

    def validate_session_lengths(self, field):
        if not field.data:
            raise ValidationError("Offer at least one session length.")

    def validate_weekly_hours(self, field):
        if self.pasting:
            self.parsed_windows, problems = slots.parse_windows(field.data or "")
            if problems:
                raise ValidationError(" ".join(problems))

    def validate_date_changes(self, field):
        if self.pasting:
            self.parsed_overrides, problems = slots.parse_overrides(field.data or "")
            if problems:
                raise ValidationError(" ".join(problems))


for _weekday, _key in enumerate(DAY_KEYS):
    setattr(AvailabilityForm, _key, FieldList(FormField(RangeForm), label=slots.WEEKDAYS[_weekday],
                                              max_entries=MAX_RANGES))


def _range_problem(start, end, taken: list) -> str | None:
    """What is wrong with a range typed into a row, or None: both times, in order, not overlapping `taken`."""
    if start is None or end is None:
        return "Enter both times (or remove this row)."
    if end <= start:
        return "The end must be after the start."
    for other_start, other_end in taken:
        if start < other_end and other_start < end:
            return f"This overlaps {other_start:%H:%M}–{other_end:%H:%M} on the same day."
    return None


class BookingForm(Form):
    """The slot (start and length) travels in the URL; the form holds what the session is about."""

    #: one per rendered form: a resubmission (double click, retry) finds the booking it already made
    request_key = HiddenField(default=lambda: secrets.token_urlsafe(24), validators=[
        Length(max=64, message="This form is out of date: reload the page and book again.")])
    topic = StringField("Topic", validators=[InputRequired(message="Say in a few words what the session is about."),
                                             Length(max=200, message="Keep the topic under 200 characters.")])
    module_id = IdSelectField("Module (optional)", default=0)
    agenda = TextAreaField("Agenda", validators=[Optional(), Length(max=4000)],
                           description="What you would like to cover, so your mentor can prepare.")
    count = IntegerField("Number of sessions", default=1, validators=[
        InputRequired(message="Enter how many sessions (1 for a single session)."),
        NumberRange(min=1, max=MAX_SERIES, message=f"Book from 1 to {MAX_SERIES} sessions at a time.")],
        description="More than one books a series at the same time of day, all or nothing.")
    every_weeks = IdSelectField("Repeat every", default=1,
                              choices=[(1, "week"), (2, "2 weeks"), (3, "3 weeks"), (4, "4 weeks")])
    submit = SubmitField("Book")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        modules = sorted((m for m in structure.current().modules.values() if not m.is_retired), key=lambda m: m.title)
        self.module_id.choices = [(0, "No particular module")] + [(m.id, m.title) for m in modules]


class CancelForm(Form):
    reason = TextAreaField("Reason for cancelling", validators=[
        InputRequired(message="Tell the other person why the session is cancelled."), Length(max=1000)])
    include_later = BooleanField("Also cancel the later sessions of this series")
    submit = SubmitField("Cancel the session")

    def __init__(self, *args, later_count: int = 0, **kwargs):
        """`later_count`: the series' later sessions this person may cancel; without any, there is no choice."""
        super().__init__(*args, **kwargs)
        if later_count:
            self.include_later.label.text = (f"Also cancel the {later_count} later session"
                                             f"{'s' if later_count > 1 else ''} of this series")
        else:
            del self.include_later


class RescheduleForm(Form):
    start = HiddenField()
    submit = SubmitField("Move the session here")


class NotesForm(Form):
    attendance = SelectField("Attendance", choices=[("", "Not recorded")] + [(a.name, a.value) for a in Attendance])
    shared_note = TextAreaField("Notes shared with the trainee", validators=[Length(max=10000)])
    action_points = TextAreaField("Action points", validators=[Length(max=4000)],
                                  description="Shown on the trainee's dashboard. One a line.")
    private_note = TextAreaField("Private note", validators=[Length(max=10000)],
                                 description="Only you can ever read this.")
    submit = SubmitField("Save notes")

    def __init__(self, *args, session_started: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.session_started = session_started

    def validate_attendance(self, field):
        if field.data and not self.session_started:
            raise ValidationError("You can record attendance once the session has begun.")
