import secrets
from datetime import datetime, timezone

from sqlalchemy import select
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from core.extensions import db
from core.forms import Form, IdSelectField, IntegerField, MultiCheckboxField, TimezoneField
from curriculum.models import Module
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

    SETTINGS = ("timezone", "buffer_minutes", "notice_hours", "horizon_weeks", "cancel_cutoff_hours")
    parsed_windows: list[slots.Window] = []
    parsed_overrides: list[slots.Override] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place_type.label.text = "How you usually meet"
        self.place_type.choices = [("", "Not set yet"), *self.place_type.choices]

    def validate_session_lengths(self, field):
        if not field.data:
            raise ValidationError("Offer at least one session length.")

    def validate_weekly_hours(self, field):
        self.parsed_windows, problems = slots.parse_windows(field.data or "")
        if problems:
            raise ValidationError(" ".join(problems))

    def validate_date_changes(self, field):
        self.parsed_overrides, problems = slots.parse_overrides(field.data or "")
        if problems:
            raise ValidationError(" ".join(problems))


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
        modules = db.session.execute(select(Module.id, Module.title).where(Module.is_retired.is_(False))
                                     .order_by(Module.title)).all()
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
