"""Demo data for `flask demo load`: safe to run again, it only fills in what is missing."""
from datetime import time, timedelta

from sqlalchemy import select

from accounts import two_factor
from accounts.models import Nation, NotificationSettings, Organisation, OrganisationState, User
from core.db import utcnow
from core.extensions import db
from core.timezones import local_to_utc
from courses.models import Course, CourseFormat, Enrolment, EnrolmentState, Run
from demo.events import load_events_demo
from demo.feedback import load_feedback_demo
from demo.mentoring import load_mentoring_demo
from demo.plans import load_plans_demo
from demo.privacy import load_privacy_demo
from demo.quizzes import load_demo_attempts
from demo.sign_offs import load_demo_sign_offs
from modules.progress import record_read

ORGANISATION = "Northtown University Innocence Project"
PEOPLE = [
    # email, name, flags
    ("admin@example.org", "Alex Admin", {"is_admin": True}),
    ("leader@example.org", "Lee Leader", {"is_leader": True}),
    ("mentor@example.org", "Morgan Mentor", {"is_mentor": True}),
    ("trainee@example.org", "Taylor Trainee", {"is_trainee": True}),
    ("trainee2@example.org", "Sam Student", {"is_trainee": True}),
    ("trainee3@example.org", "Jo Caseworker", {"is_trainee": True}),
    ("trainee4@example.org", "Robin Reader", {"is_trainee": True}),
    ("mentor2fa@example.org", "Mina Twofactor", {"is_mentor": True}),
]
#: this demo user has two-factor sign-in on, so a newcomer can try it with the key `flask demo load` prints
TWO_FACTOR_USER = "mentor2fa@example.org"


#: the e-mail settings page shows choices already made: the leader takes the weekly digest, the mentor both reminders
EMAIL_CHOICES = {"leader@example.org": {"weekly_digest": True}, "mentor@example.org": {"remind_hour_before": True}}


def _course(format_: CourseFormat) -> Course:
    course = db.session.scalar(select(Course).where(Course.format == format_, Course.is_retired.is_(False))
                               .order_by(Course.position))
    if course is None:
        raise LookupError(f"no {format_.value} course found; run 'flask content load' first")
    return course


def _run(course: Course, first_day, session: tuple[time, time] | None, mentor: User) -> Run:
    existing = db.session.scalar(select(Run).where(Run.course_id == course.id))
    if existing is not None:
        return existing
    zone = "Europe/London"
    if session:
        starts_at, ends_at = (local_to_utc(first_day, clock, zone) for clock in session)
    else:
        starts_at = local_to_utc(first_day, time(0), zone)
        ends_at = local_to_utc(first_day + timedelta(weeks=course.weeks or 1), time(0), zone)
    run = Run(course_id=course.id, starts_at=starts_at, ends_at=ends_at, timezone=zone,
              venue="Room 2.14, Northtown Law School" if session else "",
              video_link="https://meet.example.org/casework-academy" if session else "",
              enrol_opens_at=starts_at - timedelta(days=60), enrol_closes_at=starts_at, capacity=12)
    run.mentors = [mentor]
    db.session.add(run)
    db.session.flush()
    return run


def load_demo_data(password: str, reset_passwords: bool) -> list[str]:
    """Returns the e-mail addresses of the demo users it created."""
    half_day, multi_week = _course(CourseFormat.HALF_DAY), _course(CourseFormat.MULTI_WEEK)
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == ORGANISATION))
    if organisation is None:
        organisation = Organisation(name=ORGANISATION, institution="Northtown University",
                                    nation=Nation.ENGLAND_AND_WALES, state=OrganisationState.APPROVED,
                                    decided_at=utcnow())
        db.session.add(organisation)
    created, people = [], {}
    for email, name, flags in PEOPLE:
        user = User.find_by_email(email)
        if user is None:
            user = User(email=email, display_name=name, **flags)
            user.set_password(password)
            if not flags.get("is_admin") and not flags.get("is_mentor"):
                user.organisation = organisation
            if email == TWO_FACTOR_USER:
                user.totp_secret, user.two_factor_enabled_at = two_factor.new_secret(), utcnow()
            db.session.add(user)
            created.append(email)
        elif reset_passwords and not user.check_password(password):
            user.set_password(password)
        people[email] = user
    db.session.flush()

    today = utcnow().date()
    workshop = _run(half_day, today + timedelta(days=21), (time(9, 30), time(13, 0)), people["mentor@example.org"])
    # Held last week, so its modules are open: the sign-off and certificate demo happens here.
    full_day = _run(_course(CourseFormat.FULL_DAY), today - timedelta(days=7), (time(9, 30), time(16, 30)),
                    people["mentor@example.org"])
    # Started long enough ago that every week's module is released: the demo trainee can take every quiz.
    programme = _run(multi_week, today - timedelta(weeks=(multi_week.weeks or 1) - 1, days=3), None,
                     people["mentor@example.org"])
    for run, emails in ((programme, ["trainee@example.org", "trainee2@example.org", "trainee3@example.org"]),
                        (workshop, ["trainee2@example.org", "leader@example.org"]),
                        (full_day, ["trainee@example.org", "trainee2@example.org", "trainee3@example.org"])):
        for email in emails:
            user = people[email]
            if db.session.scalar(select(Enrolment.id).where(Enrolment.run_id == run.id,
                                                            Enrolment.user_id == user.id)) is None:
                db.session.add(Enrolment(run_id=run.id, user_id=user.id, state=EnrolmentState.ENROLLED,
                                         enrolled_by_id=people["leader@example.org"].id))
    first_module = programme.course.course_modules[0].module
    for lesson in first_module.lessons[:2]:
        record_read(people["trainee@example.org"].id, lesson.id)
    record_read(people["trainee2@example.org"].id, first_module.lessons[0].id)
    load_mentoring_demo(people, first_module)
    for email, choices in EMAIL_CHOICES.items():
        if email in created:  # a person's own later choices are kept
            db.session.add(NotificationSettings(user_id=people[email].id, **{**NotificationSettings.DEFAULTS,
                                                                              **choices}))
    db.session.flush()
    load_demo_attempts()
    load_demo_sign_offs(people, full_day)
    load_events_demo(people)
    load_feedback_demo(people)
    load_plans_demo(people)
    load_privacy_demo(people)
    return created


def two_factor_key() -> str | None:
    """The authenticator key of the demo user with two-factor sign-in, while it is on."""
    user = User.find_by_email(TWO_FACTOR_USER)
    return user.totp_secret if user is not None and user.has_two_factor else None
