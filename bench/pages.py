"""Seed a realistic amount of data and time the key pages.

    .venv/bin/python -m bench.pages                 # a throw-away SQLite database
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/bench .venv/bin/python -m bench.pages

Prints, per page, the median and 95th-percentile time over REQUESTS requests and the
number of SQL statements one request runs (the competency matrix is that of a project of
300 members). The database must be empty (it is migrated and filled here).
"""
import os
import statistics
import tempfile
import time as clock
from datetime import time, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event, text
from werkzeug.security import generate_password_hash

from accounts.models import Nation, Organisation, OrganisationState, User
from accounts.sessions import new_session
from app import create_app
from core.config import normalise_database_url
from core.db import utcnow
from core.extensions import db
from courses.loader import apply_curriculum, read_curriculum
from courses.models import Course, Enrolment, EnrolmentState, Run
from curriculum.models import Lesson
from mentoring.bookings import free_slots, set_times
from mentoring.models import AvailabilityWindow, Booking, MentorProfile
from modules.models import LessonRead

ROOT = Path(__file__).parent.parent
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
ORGANISATIONS, MEMBERS_EACH, RUNS = 30, 10, 40
#: the competency matrix is timed on one large project of this many members
MATRIX_MEMBERS = 300


def seed() -> dict:
    curriculum, problems = read_curriculum(ROOT / "content")
    assert not problems, problems
    apply_curriculum(curriculum)
    password_hash = generate_password_hash("bench password")
    courses = db.session.scalars(db.select(Course)).all()
    lessons = db.session.scalars(db.select(Lesson)).all()
    mentor = User(email="mentor@bench.example.org", display_name="Mentor", is_mentor=True, password_hash=password_hash)
    admin = User(email="admin@bench.example.org", display_name="Admin", is_admin=True, password_hash=password_hash)
    db.session.add_all([mentor, admin])
    runs = []
    for number in range(RUNS):
        course = courses[number % len(courses)]
        starts_at = utcnow() + timedelta(days=number - 10)
        run = Run(course=course, starts_at=starts_at, ends_at=starts_at + timedelta(weeks=course.weeks or 1),
                  enrol_opens_at=starts_at - timedelta(days=60), enrol_closes_at=starts_at, capacity=30)
        run.mentors = [mentor]
        runs.append(run)
    db.session.add_all(runs)
    leader = trainee = None
    for number in range(ORGANISATIONS):
        organisation = Organisation(name=f"Bench project {number}", institution="University",
                                    nation=Nation.ENGLAND_AND_WALES, state=OrganisationState.APPROVED)
        db.session.add(organisation)
        for member in range(MEMBERS_EACH):
            user = User(email=f"u{number}-{member}@bench.example.org", display_name=f"Member {number}-{member}",
                        is_trainee=True, is_leader=member == 0, organisation=organisation, password_hash=password_hash)
            db.session.add(user)
            leader = leader or (user if member == 0 else None)
            trainee = trainee or (user if member == 1 else None)
    db.session.flush()
    users = db.session.scalars(db.select(User).where(User.is_trainee.is_(True))).all()
    for index, user in enumerate(users):
        for run in runs[index % 7::7][:3]:
            db.session.add(Enrolment(run_id=run.id, user_id=user.id, state=EnrolmentState.ENROLLED))
        for lesson in lessons[index % 5::5]:
            db.session.add(LessonRead(user_id=user.id, lesson_id=lesson.id, read_at=utcnow()))
    db.session.commit()
    seed_mentoring(mentor, users)
    large_leader = seed_large_organisation(runs, lessons, password_hash)
    return {"trainee": trainee.id, "leader": leader.id, "mentor": mentor.id, "admin": admin.id,
            "organisation": leader.organisation_id, "run": runs[0].id,
            "large_leader": large_leader.id, "large_organisation": large_leader.organisation_id}


def seed_large_organisation(runs: list[Run], lessons: list[Lesson], password_hash: str) -> User:
    """A project of MATRIX_MEMBERS members on three runs, each having read some lessons; returns its leader."""
    organisation = Organisation(name="Bench large project", institution="University", nation=Nation.ENGLAND_AND_WALES,
                                state=OrganisationState.APPROVED)
    members = [User(email=f"large-{number}@bench.example.org", display_name=f"Large member {number:03}",
                    is_trainee=True, is_leader=number == 0, organisation=organisation, password_hash=password_hash)
               for number in range(MATRIX_MEMBERS)]
    db.session.add_all(members)
    db.session.flush()
    for index, member in enumerate(members):
        db.session.add_all(Enrolment(run_id=run.id, user_id=member.id, state=EnrolmentState.ENROLLED)
                           for run in runs[:3])
        db.session.add_all(LessonRead(user_id=member.id, lesson_id=lesson.id, read_at=utcnow())
                           for lesson in lessons[index % 4::4])
    db.session.commit()
    return members[0]


def seed_mentoring(mentor: User, learners: list[User]) -> None:
    """A busy mentor: weekday hours 09:00-17:00, every other free hour booked over the horizon, 300 past sessions."""
    profile = MentorProfile.with_defaults(mentor)
    profile.session_lengths = [30, 60, 90]
    profile.windows = [AvailabilityWindow(weekday=day, start_time=time(9), end_time=time(17)) for day in range(5)]
    db.session.add(profile)
    db.session.flush()
    hour = timedelta(hours=1)
    upcoming = [start for start in free_slots(profile, None, hour) if start.minute == 0][::2]
    past = [utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(days=1 + n // 4, hours=n % 4 * 2)
            for n in range(300)]
    for number, start in enumerate(upcoming + past):
        booking = Booking(mentor_id=mentor.id, learner_id=learners[number % len(learners)].id, topic="Casework",
                          shared_note="Notes" if start < utcnow() else "", action_points="Read the papers")
        set_times(booking, start, hour, profile.buffer_minutes)
        db.session.add(booking)
    db.session.commit()


def measure(app, ids):
    with app.app_context():
        engine = db.engine
    pages = [
        ("anonymous", "/"),
        ("anonymous", "/courses/running-an-innocence-project"),
        ("trainee", "/dashboard"),
        ("trainee", "/modules/appeals-law"),
        ("trainee", "/modules/appeals-law/lessons/01-routes-and-leave"),
        ("leader", "/dashboard"),
        ("leader", f"/organisations/{ids['organisation']}"),
        ("large_leader", f"/organisations/{ids['large_organisation']}/matrix"),
        ("large_leader", f"/organisations/{ids['large_organisation']}/matrix.csv"),
        ("mentor", f"/runs/{ids['run']}"),
        ("admin", "/dashboard"),
        ("admin", "/admin/users"),
        ("leader", f"/mentoring/mentors/{ids['mentor']}/book?length=60"),
        ("leader", f"/mentoring/mentors/{ids['mentor']}/book?length=60&week=6"),
        ("mentor", "/mentoring/sessions"),
        ("mentor", "/mentoring/week"),
    ]
    print(f"{'page':<48} {'role':<12} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for role, url in pages:
        client = app.test_client()
        if role != "anonymous":
            user = db.session.get(User, ids[role])
            new_session(user)
            db.session.commit()
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
        statements: list[str] = []

        def count(conn, cursor, statement, *args, statements=statements):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        assert client.get(url).status_code == 200, url
        event.remove(engine, "before_cursor_execute", count)
        timings = []
        for _ in range(REQUESTS):
            started = clock.perf_counter()
            client.get(url)
            timings.append((clock.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{url:<48} {role:<12} {statistics.median(timings):>10.1f} {p95:>8.1f} {len(statements):>8}")


def main():
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        ids = seed()
        # Fresh statistics, as autovacuum would have them: without, PostgreSQL plans for empty tables.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    print(f"{ORGANISATIONS} organisations, {ORGANISATIONS * MEMBERS_EACH} members, {RUNS} runs, "
          f"and a project of {MATRIX_MEMBERS} members for the matrix; "
          f"{REQUESTS} requests per page on {url.split(':')[0]}")
    measure(app, ids)


if __name__ == "__main__":
    main()
