"""Event, programme and speaker forms (administrators and organisers)."""
import secrets
from datetime import datetime, time, timedelta

from flask_wtf.file import FileField
from sqlalchemy import or_, select
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from accounts.models import User
from core.extensions import db
from core.forms import (
    ChoiceField,
    DateField,
    Form,
    IdSelectField,
    IntegerField,
    MultiCheckboxField,
    TimezoneField,
    database_int,
)
from core.text import quantity
from core.timezones import local_to_utc
from core.uploads import CheckedFile, UploadError
from curriculum.models import Module
from events import media
from events.feedback import RATING_WORDS, names_change_problem
from events.models import Event, EventKind, EventSession, FeedbackSurvey, MessageAudience, SessionKind, Speaker
from events.programme import event_bounds, session_problem

#: Markdown texts: a summary, an abstract or a biography fits in this many characters
LONG_TEXT = 20000


class EventForm(Form):
    title = StringField("Title", validators=[DataRequired(message="Give the event a title."), Length(max=200)])
    kind = SelectField("Kind", choices=[(kind.value, kind.label) for kind in EventKind], default="conference")
    summary = TextAreaField("Summary", description="Markdown: what the event is about, for the public page.",
                            validators=[Optional(), Length(max=LONG_TEXT)])
    audience = StringField("Audience", description="Who it is for, e.g. “Project leaders and senior caseworkers”.",
                           validators=[Optional(), Length(max=300)])
    timezone = TimezoneField("Time zone", default="Europe/London",
                             description="The programme's times are set in this zone.")
    first_day = DateField("First day", validators=[InputRequired(message="Enter the event's first day.")])
    day_starts = TimeField("Programme begins", validators=[InputRequired(message="Enter when the first day begins.")])
    last_day = DateField("Last day", validators=[InputRequired(message="Enter the event's last day.")],
                         description="The same as the first day for a one-day event.")
    day_ends = TimeField("Programme ends", validators=[InputRequired(message="Enter when the last day ends.")])
    venue = StringField("Venue", validators=[Optional(), Length(max=300)])
    online_link = StringField("Online link", validators=[Optional(), Length(max=500),
                                                         URL(require_tld=True, message="Enter a full https:// link.")])
    capacity = IntegerField("Places", validators=[InputRequired(message="Enter the number of places."),
                                                  NumberRange(min=1, max=10000, message="Places must be from 1 to 10000.")])
    registration_opens = DateField("Registration opens",
                                   validators=[InputRequired(message="Enter when registration opens.")])
    registration_closes = DateField("Registration closes",
                                    validators=[InputRequired(message="Enter when registration closes.")],
                                    description="At the start of this day, and always when the event begins.")
    organiser_id = IdSelectField("Organiser", description="An administrator or mentor, who may edit the event, "
                                 "its programme and its registrations.")
    submit = SubmitField("Save event")

    def __init__(self, *args, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        staff = db.session.scalars(select(User).where(or_(User.is_admin.is_(True), User.is_mentor.is_(True)),
                                                      User.is_active_account.is_(True)).order_by(User.display_name))
        self.organiser_id.choices = [(0, "No organiser (administrators only)")] + [(u.id, u.display_name) for u in staff]

    def validate_last_day(self, field):
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError("The last day cannot be before the first.")
        if self.first_day.data and field.data and (field.data - self.first_day.data).days > 13:
            raise ValidationError("An event lasts at most two weeks.")

    def validate_day_ends(self, field):
        if self.first_day.data == self.last_day.data and self.day_starts.data and field.data \
                and field.data <= self.day_starts.data:
            raise ValidationError("The programme must end after it begins.")

    def validate_registration_closes(self, field):
        if self.registration_opens.data and field.data and field.data <= self.registration_opens.data:
            raise ValidationError("Registration must close after it opens.")
        if self.first_day.data and field.data and field.data > self.first_day.data:
            raise ValidationError("Registration must close on or before the first day.")

    def validate(self, extra_validators=None) -> bool:
        is_valid = super().validate(extra_validators)
        if not (self.venue.data.strip() or self.online_link.data.strip()):
            self.venue.errors.append("Give a venue, an online link, or both.")
            is_valid = False
        if is_valid and self.event is not None:
            starts_at, ends_at = self.bounds()
            outside = [s.title for s in self.event.sessions if s.starts_at < starts_at or s.ends_at > ends_at]
            if outside:
                self.first_day.errors.append(f"These sessions would fall outside the new dates; move them first: "
                                             f"{', '.join(outside)}.")
                is_valid = False
        return is_valid

    def bounds(self) -> tuple[datetime, datetime]:
        return event_bounds(self.first_day.data, self.day_starts.data, self.last_day.data, self.day_ends.data,
                            self.timezone.data)

    def event_values(self) -> dict:
        """The event's stored values (UTC instants) from the form's local days and times."""
        starts_at, ends_at = self.bounds()
        zone = self.timezone.data
        return {
            "title": self.title.data.strip(), "kind": EventKind(self.kind.data), "summary": self.summary.data.strip(),
            "audience": self.audience.data.strip(), "timezone": zone, "starts_at": starts_at, "ends_at": ends_at,
            "venue": self.venue.data.strip(), "online_link": self.online_link.data.strip(),
            "capacity": self.capacity.data,
            "registration_opens_at": local_to_utc(self.registration_opens.data, time(0), zone),
            "registration_closes_at": min(local_to_utc(self.registration_closes.data, time(0), zone), starts_at),
            "organiser_id": self.organiser_id.data or None,
        }

    @classmethod
    def for_event(cls, event: Event) -> "EventForm":
        zone = event.zone
        starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
        return cls(event=event, title=event.title, kind=event.kind.value, summary=event.summary,
                   audience=event.audience, timezone=event.timezone, first_day=starts.date(),
                   day_starts=starts.time(), last_day=ends.date(), day_ends=ends.time(), venue=event.venue,
                   online_link=event.online_link, capacity=event.capacity,
                   registration_opens=event.registration_opens_at.astimezone(zone).date(),
                   registration_closes=event.registration_closes_at.astimezone(zone).date(),
                   organiser_id=event.organiser_id or 0)


class PublishForm(Form):
    publish = SelectField("Publication", choices=[("yes", "Published"), ("no", "Not published")],
                          validators=[InputRequired(message="Choose whether the event is published.")])
    submit = SubmitField("Save")


class SessionForm(Form):
    title = StringField("Title", validators=[DataRequired(message="Give the session a title."), Length(max=200)])
    kind = SelectField("Kind", choices=[(kind.value, kind.label) for kind in SessionKind], default="talk")
    day = SelectField("Day", validators=[InputRequired(message="Choose the day.")])
    starts = TimeField("Starts", validators=[InputRequired(message="Enter when the session starts.")])
    ends = TimeField("Ends", validators=[InputRequired(message="Enter when the session ends.")])
    room = StringField("Room or stream", description="Sessions at the same time in different rooms run in parallel.",
                       validators=[Optional(), Length(max=120)])
    summary = TextAreaField("Abstract", description="Markdown.", validators=[Optional(), Length(max=LONG_TEXT)])
    choice_capacity = IntegerField(
        "Places, when people choose this session",
        description="For sessions in parallel streams, e.g. workshops: each registered person chooses at most one "
                    "of the sessions at the same time, and this many may choose this one. Leave it empty when "
                    "everyone attends.",
        validators=[Optional(), NumberRange(min=1, max=10000, message="Places must be from 1 to 10000.")])
    speaker_ids = MultiCheckboxField("Speakers")
    module_ids = MultiCheckboxField("Related curriculum modules",
                                    description="A trainee studying one of these modules finds this session there.")
    submit = SubmitField("Save session")

    def __init__(self, *args, event: Event, chosen: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        #: how many people have chosen the session being edited
        self.chosen = chosen
        self.day.choices = [(day.isoformat(), f"{day:%A %-d %B %Y}") for day in event.days]
        self.speaker_ids.choices = [(s.id, s.name) for s in db.session.scalars(select(Speaker).order_by(Speaker.name))]
        self.module_ids.choices = [(m.id, m.title) for m in db.session.scalars(
            select(Module).where(Module.is_retired.is_(False)).order_by(Module.title))]

    def times(self) -> tuple[datetime, datetime]:
        day = datetime.fromisoformat(self.day.data).date()
        return (local_to_utc(day, self.starts.data, self.event.timezone),
                local_to_utc(day, self.ends.data, self.event.timezone))

    def validate_ends(self, field):
        if self.day.data in dict(self.day.choices) and self.starts.data and field.data:
            problem = session_problem(*self.times(), self.event.starts_at, self.event.ends_at)
            if problem:
                raise ValidationError(problem)

    def validate_choice_capacity(self, field):
        if field.data is not None and field.data < self.chosen:
            raise ValidationError(f"{self.chosen} people have chosen this session: give it at least that many places.")

    def session_values(self) -> dict:
        starts_at, ends_at = self.times()
        return {"title": self.title.data.strip(), "kind": SessionKind(self.kind.data), "starts_at": starts_at,
                "ends_at": ends_at, "room": self.room.data.strip(), "summary": self.summary.data.strip(),
                "choice_capacity": self.choice_capacity.data}

    @classmethod
    def for_session(cls, session, chosen: int = 0) -> "SessionForm":
        zone = session.event.zone
        starts, ends = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        return cls(event=session.event, chosen=chosen, title=session.title, kind=session.kind.value,
                   day=starts.date().isoformat(), starts=starts.time(), ends=ends.time(), room=session.room,
                   summary=session.summary, choice_capacity=session.choice_capacity,
                   speaker_ids=[s.id for s in session.speakers], module_ids=[m.id for m in session.modules])


class ChooseSessionsForm(Form):
    """One group of radio buttons per set of sessions at the same time, named `group_<its first session's id>`."""

    submit = SubmitField("Save my choice")

    #: (field, sessions) for each group, in time order
    groups: list = []

    @property
    def chosen_ids(self) -> set[int]:
        return {field.data for field, _ in self.groups} - {0}


def choose_sessions_form(event: Event, groups: list[list[EventSession]], chosen_ids: set[int],
                         formdata=None) -> ChooseSessionsForm:
    """The form for the event's choice groups, with the person's present choice selected."""
    fields = {}
    for group in groups:
        label = f"{event.local(group[0].starts_at, '%A %-d %B, %H:%M')} to " \
                f"{event.local(max(s.ends_at for s in group), '%H:%M')}"
        fields[f"group_{group[0].id}"] = RadioField(
            label, choices=[(0, "None of these")] + [(s.id, s.title) for s in group], coerce=database_int,
            default=next((s.id for s in group if s.id in chosen_ids), 0))
    form = type("EventChooseSessionsForm", (ChooseSessionsForm,), fields)(formdata)
    form.groups = [(form[f"group_{group[0].id}"], group) for group in groups]
    return form


class SpeakerForm(Form):
    name = StringField("Name", validators=[DataRequired(message="Enter the speaker's name."), Length(max=120)])
    role = StringField("Role", description="e.g. “Director”, “Solicitor advocate”.",
                       validators=[Optional(), Length(max=200)])
    organisation = StringField("Organisation", validators=[Optional(), Length(max=200)])
    biography = TextAreaField("Short biography", description="Markdown.",
                              validators=[Optional(), Length(max=LONG_TEXT)])
    photo = FileField("Photo (optional)", description="A JPEG, PNG or WebP picture of up to 5 MB; it is cropped "
                      "to a square and its camera details (EXIF, location) are dropped.")
    remove_photo = BooleanField("Remove the photo")
    submit = SubmitField("Save speaker")

    #: the uploaded photo, ready to store (see `events.media.prepare_photo`)
    prepared_photo: bytes | None = None

    def validate_photo(self, field) -> None:
        upload = field.data
        if not upload or not upload.filename:
            return
        try:
            self.prepared_photo = media.prepare_photo(upload.read(media.PHOTO_MAX_BYTES + 1))
        except UploadError as error:
            raise ValidationError(str(error)) from error


def _request_key() -> str:
    return secrets.token_urlsafe(24)


class RecordingForm(Form):
    url = StringField("Link to the recording", description="An https:// address on the video platform.",
                      validators=[DataRequired(message="Enter the link to the recording."), Length(max=500)])
    label = StringField("Label (optional)", description="e.g. “Part 2”; without one it is called “Recording”.",
                        validators=[Optional(), Length(max=120)])
    #: one per rendered form: a resubmission (double click, retry) finds the recording it already added
    request_key = HiddenField(default=_request_key, validators=[
        DataRequired(message="This form is out of date: reload the page."), Length(max=64)])
    submit = SubmitField("Add the recording")

    def validate_url(self, field) -> None:
        try:
            field.data = media.check_recording_url(field.data)
        except UploadError as error:
            raise ValidationError(str(error)) from error


class SlidesForm(Form):
    file = FileField("Slides", description="A PDF, PowerPoint (.pptx) or OpenDocument (.odp) file of up to 10 MB.")
    label = StringField("Label (optional)", description="e.g. “Handout”; without one they are called “Slides”.",
                        validators=[Optional(), Length(max=120)])
    request_key = HiddenField(default=_request_key, validators=[
        DataRequired(message="This form is out of date: reload the page."), Length(max=64)])
    submit = SubmitField("Upload the slides")

    checked_file: CheckedFile | None = None

    def validate_file(self, field) -> None:
        upload = field.data
        if not upload or not upload.filename:
            raise ValidationError("Choose the slides file.")
        try:
            self.checked_file = media.check_slides(upload.filename, upload.read(media.SLIDES_MAX_BYTES + 1))
        except UploadError as error:
            raise ValidationError(str(error)) from error


class RegisterMembersForm(Form):
    member_ids = MultiCheckboxField("Members to register",
                                    validators=[InputRequired(message="Choose at least one member.")])
    submit = SubmitField("Register the chosen members")


class CheckInSearchForm(Form):
    """The door's search: a GET form (nothing changes), so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField("Name or check-in code", validators=[Optional(), Length(max=120)])
    day = SelectField("Day", validators=[Optional()])
    submit = SubmitField("Search")

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.day.choices = [(day.isoformat(), f"{day:%a %-d %b}") for day in event.days]


class CheckInForm(Form):
    registration_id = IntegerField("Registration", widget=HiddenInput(),
                                   validators=[InputRequired(message="Choose the person to check in.")])
    day = SelectField("Day", widget=HiddenInput(), validators=[InputRequired(message="Choose the day.")])
    submit = SubmitField("Check in")

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.day.choices = [(day.isoformat(), day.isoformat()) for day in event.days]


#: comments on an event fit in this many characters
FEEDBACK_COMMENTS_LIMIT = 5000
_NOT_A_RATING = "Choose a rating from 1 to 5."


class FeedbackForm(Form):
    """An attendee's answers: one field per rated session (`session_<id>`, 0 for "did not attend"; see
    `for_sessions`), an overall rating and comments."""

    overall = ChoiceField("Overall, how would you rate the event?", coerce=database_int,
                          choices=[(rating, f"{rating} {word}") for rating, word in RATING_WORDS.items()],
                          message="Rate the event as a whole, from 1 to 5.", invalid_value_message=_NOT_A_RATING)
    comments = TextAreaField("Comments", description="Optional: what worked, what should change, what you would "
                             "like at the next event.", validators=[Optional(), Length(max=FEEDBACK_COMMENTS_LIMIT)])
    submit = SubmitField("Send my feedback")

    sessions: list = []

    @classmethod
    def for_sessions(cls, sessions, *args, **kwargs) -> "FeedbackForm":
        fields = {f"session_{session.id}": ChoiceField(
            session.title, coerce=database_int, required=False, default=0, invalid_value_message=_NOT_A_RATING,
            choices=[(0, "Did not attend"), *((rating, str(rating)) for rating in RATING_WORDS)])
            for session in sessions}
        return type("SessionFeedbackForm", (cls,), {**fields, "sessions": list(sessions)})(*args, **kwargs)

    def session_field(self, session):
        return self[f"session_{session.id}"]

    @property
    def session_ratings(self) -> dict[int, int]:
        return {session.id: self.session_field(session).data for session in self.sessions
                if self.session_field(session).data}

    @staticmethod
    def answers_of(response) -> dict:
        """A saved response as the form's data, to change it."""
        return {"overall": response.overall, "comments": response.comments,
                **{f"session_{rating.session_id}": rating.rating for rating in response.ratings}}


class FeedbackSettingsForm(Form):
    closes_on = DateField("Last day for answers", validators=[InputRequired(message="Enter the last day.")],
                          description="Attendees answer, and may change their answers, until the end of this day "
                                      "(in the event's time zone).")
    names_to_admins = BooleanField("Show respondents' names to administrators",
                                   description="Organisers who are not administrators never see names. Attendees "
                                               "are told which applies before they answer.")
    submit = SubmitField("Save settings")

    def __init__(self, *args, event: Event, survey: FeedbackSurvey, responses: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.event, self.survey, self.responses = event, survey, responses

    def validate_closes_on(self, field):
        last_day = self.event.days[-1]
        if field.data and not last_day <= field.data <= last_day + timedelta(days=365):
            raise ValidationError(f"Choose a day from {last_day:%-d %B %Y} (the event's last day) to a year later.")

    def validate_names_to_admins(self, field):
        problem = names_change_problem(self.survey, field.data, self.responses)
        if problem:
            raise ValidationError(problem)

    @property
    def closes_at(self) -> datetime:
        return FeedbackSurvey.closing_after(self.event, self.closes_on.data)

    @classmethod
    def for_survey(cls, event: Event, survey: FeedbackSurvey, responses: int) -> "FeedbackSettingsForm":
        return cls(event=event, survey=survey, responses=responses, closes_on=survey.last_day,
                   names_to_admins=survey.names_to_admins)


class MessageForm(Form):
    """A message to an event's registrants: Preview shows it as sent, Send queues one e-mail per person."""

    audience = RadioField("Send to", default=MessageAudience.REGISTERED.value,
                          validators=[InputRequired(message="Choose who receives the message.")])
    subject = StringField("Subject", validators=[DataRequired(message="Give the message a subject."),
                                                 Length(max=200, message="Keep the subject under 200 characters.")])
    body = TextAreaField("Message", description="Markdown. Each e-mail begins “Hello” and the person's name, and "
                                                "ends with your name and a link to the event's page.",
                         validators=[DataRequired(message="Write the message."),
                                     Length(max=LONG_TEXT, message=f"Keep the message under {LONG_TEXT} characters.")])
    #: one per rendered form: a resubmission (double click, retry) finds the message it already sent
    request_key = HiddenField(default=lambda: secrets.token_urlsafe(24), validators=[
        InputRequired(message="This form is out of date: reload the page and write the message again."),
        Length(max=64, message="This form is out of date: reload the page and write the message again.")])
    preview = SubmitField("Preview")
    send = SubmitField("Send")

    def __init__(self, *args, sizes: dict[MessageAudience, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.sizes = sizes
        self.audience.choices = [(audience.value, f"{audience.label} ({quantity(sizes[audience], 'person', 'people')})")
                                 for audience in MessageAudience]

    def validate_audience(self, field):
        if field.data in {a.value for a in MessageAudience} and not self.sizes[MessageAudience(field.data)]:
            raise ValidationError("Nobody is in this audience yet: choose another.")
