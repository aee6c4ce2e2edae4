"""Fixtures: the real app on a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""
import email
import os
import threading
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from accounts.models import Nation, Organisation, OrganisationState, User
from app import create_app
from core.config import normalise_database_url
from core.db import utcnow
from core.extensions import db as _db
from core.extensions import limiter
from courses.loader import apply_curriculum, read_curriculum
from courses.models import Course, Enrolment, EnrolmentState, Run
from curriculum.models import Module
from modules.models import Attempt, AttemptState, LessonRead

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
TEST_PASSWORD = "correct horse battery"
# Hashing once keeps hundreds of test users from spending seconds in scrypt.
TEST_PASSWORD_HASH = generate_password_hash(TEST_PASSWORD)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    outbox = tmp_path_factory.mktemp("outbox")
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        "WTF_CSRF_ENABLED": False,
        "MAIL_OUTBOX": str(outbox),
        "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        "MAIL_SERVER": "",
        "SERVER_NAME": None,
    })
    limiter.enabled = False
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(directory=str(Path(__file__).parent.parent / "migrations"))
    yield app


@pytest.fixture(scope="session")
def fixture_curriculum():
    curriculum, problems = read_curriculum(FIXTURE_CONTENT)
    assert problems == []
    return curriculum


@pytest.fixture
def db(app):
    """The database, emptied after each test so tests never see each other's rows."""
    with app.app_context():
        # The test's own session keeps loaded values after commit, so reading
        # `user.email` does not open a transaction (on SQLite, the write lock)
        # while the app serves requests; IsolatedRequestClient expires them after each request.
        _db.session().expire_on_commit = False
        yield _db
        _db.session.remove()
        tables = [table.name for table in reversed(_db.metadata.sorted_tables)]
        with _db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(text(f"DELETE FROM {table}"))


class IsolatedRequestClient(FlaskClient):
    """Runs each request in its own app context and database session, as production does.

    Flask reuses an app context that is already pushed (the test's own), which
    would share `g`, the signed-in user and the SQLAlchemy session between the
    test and every request. The test's session is committed first, so its
    transaction (and SQLite's write lock) is not held while the request runs,
    and its objects are expired, so the test reads what the request wrote.
    """

    def open(self, *args, **kwargs):
        _db.session.commit()
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            _db.session.expire_all()


@pytest.fixture
def client(app, db):
    app.test_client_class = IsolatedRequestClient
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def curriculum(db, fixture_curriculum):
    """The small fixture curriculum (two modules, a half-day and a two-week course), loaded."""
    apply_curriculum(fixture_curriculum)
    _db.session.commit()
    return fixture_curriculum


@pytest.fixture
def outbox(app):
    folder = Path(app.config["MAIL_OUTBOX"])
    for old in folder.glob("*.eml"):
        old.unlink()

    def messages(to: str | None = None):
        found = [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                 for path in sorted(folder.glob("*.eml"))]
        return [m for m in found if to is None or m["To"] == to]

    return messages


@pytest.fixture
def make_organisation(db):
    counter = iter(range(1, 10_000))

    def make(name=None, state=OrganisationState.APPROVED, nation=Nation.ENGLAND_AND_WALES):
        number = next(counter)
        organisation = Organisation(name=name or f"Project {number}", institution=f"University {number}",
                                    nation=nation, state=state)
        _db.session.add(organisation)
        _db.session.commit()
        return organisation

    return make


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 100_000))

    def make(role="trainee", organisation=None, email=None, name=None, password=TEST_PASSWORD, **flags):
        number = next(counter)
        if role:
            flags.setdefault(f"is_{role}", True)
        user = User(email=email or f"{role or 'user'}{number}@example.org", display_name=name or f"Person {number}",
                    organisation=organisation, **flags)
        if password == TEST_PASSWORD:
            user.password_hash = TEST_PASSWORD_HASH
        else:
            user.set_password(password)
        _db.session.add(user)
        _db.session.commit()
        return user

    return make


@pytest.fixture
def make_run(db, curriculum):
    def make(course_slug="appeals-workshop", capacity=10, starts_in=timedelta(days=14), opened_ago=timedelta(days=7),
             closes_before_start=timedelta(0), mentors=(), zone="Europe/London"):
        course = _db.session.scalar(_db.select(Course).where(Course.slug == course_slug))
        starts_at = utcnow().replace(microsecond=0) + starts_in
        length = timedelta(hours=3) if course.format.is_workshop else timedelta(weeks=course.weeks)
        run = Run(course_id=course.id, starts_at=starts_at, ends_at=starts_at + length, timezone=zone,
                  venue="Room 1", enrol_opens_at=utcnow() - opened_ago,
                  enrol_closes_at=starts_at - closes_before_start, capacity=capacity)
        run.mentors = list(mentors)
        _db.session.add(run)
        _db.session.commit()
        return run

    return make


@pytest.fixture
def enrol(db):
    def make(run, user, state=EnrolmentState.ENROLLED):
        enrolment = Enrolment(run_id=run.id, user_id=user.id, state=state)
        _db.session.add(enrolment)
        _db.session.commit()
        return enrolment

    return make


@pytest.fixture
def finish_module(db):
    """Read every lesson of a module and pass its quiz (a graded attempt at 100%), as the trainee would."""
    def finish(user, module_slug="appeals-basics", grade=100.0, read=True):
        module = _db.session.scalar(_db.select(Module).where(Module.slug == module_slug))
        if read:
            for lesson in module.lessons:
                _db.session.add(LessonRead(user_id=user.id, lesson_id=lesson.id))
        if module.quiz is not None and grade is not None:
            number = 1 + (_db.session.scalar(_db.select(_db.func.count(Attempt.id)).where(
                Attempt.user_id == user.id, Attempt.quiz_id == module.quiz.id)) or 0)
            _db.session.add(Attempt(quiz_id=module.quiz.id, user_id=user.id, number=number, seed=1,
                                    state=AttemptState.GRADED, submitted_at=utcnow(), score=grade,
                                    max_score=100, grade=grade))
        _db.session.commit()
        return module

    return finish


@pytest.fixture
def login_as(client):
    def login(user):
        from accounts.sessions import new_session

        new_session(user)
        _db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return user

    return login


@pytest.fixture
def count_queries(app):
    """`with count_queries() as queries:` ... `len(queries)` is the number of SQL statements run."""

    @contextmanager
    def counting():
        statements = []

        def record(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA")):
                statements.append(statement)

        engine = _db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def csrf_enabled(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def rate_limits(app):
    limiter.enabled = True
    limiter.reset()
    yield limiter
    limiter.reset()
    limiter.enabled = False


@pytest.fixture
def live_server(app, db):
    """The app served over real HTTP by a threaded WSGI server on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def http_session_for(live_server):
    """A `requests` session signed in as a user through the real sign-in form."""
    def signed_in(user, password=TEST_PASSWORD):
        _db.session.commit()
        session = requests.Session()
        response = session.post(f"{live_server}/sign-in", data={"email": user.email, "password": password},
                                allow_redirects=False, timeout=30)
        assert response.status_code == 302, response.text[:500]
        return session

    return signed_in
