from datetime import time, timedelta

from sqlalchemy import select
from wtforms import (
    SelectField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.validators import (
    URL,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from accounts.models import User
from core.extensions import db
from core.forms import DateField, Form, IdSelectField, IntegerField, MultiCheckboxField, TimezoneField
from core.timezones import local_to_utc
from courses.models import Course, CourseFormat


class RunForm(Form):
    course_id = IdSelectField("Course", validators=[InputRequired(message="Choose a course.")])
    start_date = DateField("First day", validators=[InputRequired(message="Enter the date the run starts.")])
    session_start = TimeField("Session starts", validators=[Optional()],
                              description="Half-day and full-day courses: the live session's times, local to the run.")
    session_end = TimeField("Session ends", validators=[Optional()])
    timezone = TimezoneField("Run time zone", default="Europe/London",
                           description="Session times and weekly releases are set in this zone.")
    venue = StringField("Venue", validators=[Optional(), Length(max=300)])
    video_link = StringField("Video link", validators=[Optional(), Length(max=500),
                                                       URL(require_tld=True, message="Enter a full https:// link.")])
    enrol_opens = DateField("Enrolment opens", validators=[InputRequired(message="Enter when enrolment opens.")])
    enrol_closes = DateField("Enrolment closes", validators=[InputRequired(message="Enter when enrolment closes.")],
                             description="Enrolment closes at the start of this day, and always when the run starts.")
    capacity = IntegerField("Seats", validators=[InputRequired(message="Enter the number of seats."),
                                                 NumberRange(min=1, max=1000, message="Seats must be from 1 to 1000.")])
    mentor_ids = MultiCheckboxField("Mentors")
    submit = SubmitField("Save run")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        courses = db.session.scalars(select(Course).where(Course.is_retired.is_(False)).order_by(Course.position))
        self.course_id.choices = [(c.id, f"{c.title} ({c.format.label})") for c in courses]
        mentors = db.session.scalars(select(User).where(User.is_mentor.is_(True)).order_by(User.display_name))
        self.mentor_ids.choices = [(m.id, m.display_name) for m in mentors]

    @property
    def course(self) -> Course | None:
        return db.session.get(Course, self.course_id.data) if self.course_id.data else None

    def validate_session_end(self, field):
        course = self.course
        if course is None or not course.format.is_workshop:
            return
        if self.session_start.data is None or field.data is None:
            raise ValidationError("A half-day or full-day course needs the session's start and end times.")
        if field.data <= self.session_start.data:
            raise ValidationError("The session must end after it starts.")

    def validate_enrol_closes(self, field):
        if self.enrol_opens.data and field.data and field.data <= self.enrol_opens.data:
            raise ValidationError("Enrolment must close after it opens.")
        if self.start_date.data and field.data and field.data > self.start_date.data:
            raise ValidationError("Enrolment must close on or before the first day.")

    def validate(self, extra_validators=None) -> bool:
        is_valid = super().validate(extra_validators)
        course = self.course
        if course and course.format.is_workshop and None in (self.session_start.data, self.session_end.data) \
                and not self.session_end.errors:
            # validate_session_end does not run when the field is missing altogether (Optional stops the chain).
            self.session_end.errors.append("A half-day or full-day course needs the session's start and end times.")
            is_valid = False
        if course and course.format.is_workshop and not (self.venue.data or self.video_link.data):
            self.venue.errors.append("Give a venue or a video link for the live session.")
            return False
        return is_valid

    def run_values(self) -> dict:
        """The run's stored values (UTC instants) from the form's local dates and times."""
        course, zone = self.course, self.timezone.data
        if course.format.is_workshop:
            starts_at = local_to_utc(self.start_date.data, self.session_start.data, zone)
            ends_at = local_to_utc(self.start_date.data, self.session_end.data, zone)
        else:
            starts_at = local_to_utc(self.start_date.data, time(0), zone)
            ends_at = local_to_utc(self.start_date.data + timedelta(weeks=course.weeks or 1), time(0), zone)
        return {
            "course_id": course.id, "starts_at": starts_at, "ends_at": ends_at, "timezone": zone,
            "venue": (self.venue.data or "").strip(), "video_link": (self.video_link.data or "").strip(),
            "enrol_opens_at": local_to_utc(self.enrol_opens.data, time(0), zone),
            "enrol_closes_at": min(local_to_utc(self.enrol_closes.data, time(0), zone), starts_at),
            "capacity": self.capacity.data,
        }

    @classmethod
    def for_run(cls, run) -> "RunForm":
        local_start = run.starts_at.astimezone(run.zone)
        return cls(
            course_id=run.course_id, start_date=local_start.date(),
            session_start=local_start.time() if run.course.format.is_workshop else None,
            session_end=run.ends_at.astimezone(run.zone).time() if run.course.format.is_workshop else None,
            timezone=run.timezone, venue=run.venue, video_link=run.video_link,
            enrol_opens=run.enrol_opens_at.astimezone(run.zone).date(),
            enrol_closes=run.enrol_closes_at.astimezone(run.zone).date(),
            capacity=run.capacity, mentor_ids=[m.id for m in run.mentors],
        )


class RunStartForm(Form):
    """Where a new run's values start from: a course's defaults (`course`) or an earlier run (`copy`)."""

    class Meta:
        csrf = False

    course = IdSelectField("Course", validators=[Optional()])
    copy = IntegerField("Copy of run", validators=[Optional()])
    submit = SubmitField("Fill in this course's defaults")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        courses = db.session.scalars(select(Course).where(Course.is_retired.is_(False)).order_by(Course.position))
        self.course.choices = [(c.id, f"{c.title} ({c.format.label})") for c in courses]


class EnrolMembersForm(Form):
    member_ids = MultiCheckboxField("Members to enrol",
                                    validators=[InputRequired(message="Choose at least one member.")])
    submit = SubmitField("Enrol the chosen members")


class CatalogueFilterForm(Form):
    class Meta:
        csrf = False

    format = SelectField("Format", choices=[("", "Any format")] + [(f.value, f.label) for f in CourseFormat],
                         validators=[Optional()])
    topic = SelectField("Topic", validators=[Optional()])
    submit = SubmitField("Filter")
