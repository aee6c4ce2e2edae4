"""Fixtures: the real app on a real database (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""
import copy
import email
import itertools
import os
import re
import socket
import subprocess
import sys
import threading
import time as clock
import uuid
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
from core.extensions import cache, limiter
from core.extensions import db as _db
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
        # Every content change in the suite is made in this process, which drops its cached structure at once.
        "CURRICULUM_CHECK_SECONDS": None,
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


class _Shared:
    """The connection of a module-wide transaction (see `module_transaction`), while one is open."""

    connection = None


def _bound_get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
    # Flask-SQLAlchemy's Session.get_bind picks the app's engine and ignores the session's own
    # `bind`; while a test binds sessions to its connection, the connection is what they must use.
    return bind if bind is not None else self.bind


@contextmanager
def _sessions_bound_to(connection):
    """Every session opened meanwhile (the test's, each request's, each CLI command's) runs in `connection`.

    With join_transaction_mode="create_savepoint", a session's commit releases a
    SAVEPOINT and its rollback rolls back to it, while the connection's own
    transaction stays open for the caller to roll back. The session still sees
    its own transaction as a top-level one, so `after_commit` fires on each
    commit and mail is delivered exactly as after a real commit.
    """
    factory = _db.session.session_factory
    saved = dict(factory.kw)
    factory.configure(bind=connection, join_transaction_mode="create_savepoint")
    factory.class_.get_bind = _bound_get_bind
    try:
        yield
    finally:
        del factory.class_.get_bind
        factory.kw.clear()
        factory.kw.update(saved)


def _prepare_test_session():
    # The test's own session keeps loaded values after commit, so reading
    # `user.email` does not start a new transaction while the app serves requests;
    # IsolatedRequestClient expires them after each request.
    _db.session().expire_on_commit = False


def _empty_every_table():
    tables = [table.name for table in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(scope="module")
def module_transaction(app):
    """One transaction for a whole module: rows made in module-scoped fixtures, rolled back after its last test.

    Each test of the module then runs inside a savepoint of it (see `db`), so
    nothing one test changes is seen by the next.
    """
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        _Shared.connection = connection
        try:
            with _sessions_bound_to(connection):
                _prepare_test_session()
                yield connection
                _db.session.remove()
        finally:
            _Shared.connection = None
            outer.rollback()
            connection.close()


@pytest.fixture
def committed_db(app):
    """The database with real commits, emptied after the test: for tests served by other threads or processes.

    A transaction that is never committed is seen only by its own connection,
    so the live server, gunicorn workers and threads of their own need this one.
    """
    assert _Shared.connection is None, "committed_db cannot run inside a module-wide transaction"
    with app.app_context():
        _prepare_test_session()
        try:
            yield _db
        finally:
            _db.session.remove()
            _empty_every_table()


@pytest.fixture(autouse=True)
def _empty_cache(app):
    """The suite runs with the cache on (core/cache.py); a test's rows are rolled back, so a version token could
    name other rows in the next test: each test starts with an empty cache."""
    yield
    with app.app_context():
        cache.clear()


#: where the Redis half of the cache tests runs (CI has Redis on 127.0.0.1); each test's keys get a prefix of their own
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(params=["SimpleCache", "RedisCache"])
def cache_backend(request, app):
    """The app's cache as each backend it runs on: in the process, and in Redis (production's, shared by workers).

    Without a reachable Redis the Redis case is skipped, saying so, except under CI, where it fails."""
    if request.param == "SimpleCache":
        yield request.param
        return
    import redis

    server = redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=2)
    try:
        server.ping()
    except redis.RedisError as error:
        message = f"Redis is not reachable at {TEST_REDIS_URL} ({error}): start redis-server or set TEST_REDIS_URL"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    prefix = f"test-{uuid.uuid4().hex}:"
    cache.init_app(app, {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": TEST_REDIS_URL, "CACHE_KEY_PREFIX": prefix})
    try:
        yield request.param
    finally:
        cache.init_app(app)
        for key in server.scan_iter(f"{prefix}*"):
            server.delete(key)


@pytest.fixture
def db(app, request):
    """The database, every test inside a transaction that is rolled back afterwards.

    Commits made by the test, by requests through `client` and by CLI commands
    through `runner` become savepoints of that transaction, so they behave as
    commits for the test while nothing outlives it. Tests that use
    `committed_db` (directly, or through `live_server`) get real commits instead.
    """
    if "committed_db" in request.fixturenames:
        yield request.getfixturevalue("committed_db")
        return
    with app.app_context():
        if _Shared.connection is not None:
            savepoint = _Shared.connection.begin_nested()
            _prepare_test_session()
            try:
                yield _db
            finally:
                _db.session.remove()
                savepoint.rollback()
            return
        connection = _db.engine.connect()
        outer = connection.begin()
        try:
            with _sessions_bound_to(connection):
                _prepare_test_session()
                try:
                    yield _db
                finally:
                    _db.session.remove()
        finally:
            outer.rollback()
            connection.close()


class IsolatedRequestClient(FlaskClient):
    """Runs each request in its own app context and database session, as production does.

    Flask reuses an app context that is already pushed (the test's own), which
    would share `g`, the signed-in user and the SQLAlchemy session between the
    test and every request. The test's session is committed first, so the
    request sees what the test made (under `db` the request's session opens its
    savepoint after the test's is released; under `committed_db` the test does
    not hold SQLite's write lock while the request runs), and its objects are
    expired afterwards, so the test reads what the request wrote.
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
def edited_curriculum(fixture_curriculum):
    """The fixture curriculum for a test to change (then load with apply_curriculum); put back afterwards."""
    courses, modules = fixture_curriculum.courses, fixture_curriculum.modules
    fixture_curriculum.courses, fixture_curriculum.modules = copy.deepcopy(courses), copy.deepcopy(modules)
    yield fixture_curriculum
    fixture_curriculum.courses, fixture_curriculum.modules = courses, modules


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


_numbers = itertools.count(1)


def new_organisation(name=None, state=OrganisationState.APPROVED, nation=Nation.ENGLAND_AND_WALES):
    number = next(_numbers)
    organisation = Organisation(name=name or f"Project {number}", institution=f"University {number}",
                                nation=nation, state=state)
    _db.session.add(organisation)
    _db.session.commit()
    return organisation


def new_user(role="trainee", organisation=None, email=None, name=None, password=TEST_PASSWORD, **flags):
    number = next(_numbers)
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


def new_run(course_slug="appeals-workshop", capacity=10, starts_in=timedelta(days=14), opened_ago=timedelta(days=7),
            closes_before_start=timedelta(0), mentors=(), zone="Europe/London"):
    """A run of a course of the fixture curriculum, which must be loaded."""
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


def new_enrolment(run, user, state=EnrolmentState.ENROLLED):
    enrolment = Enrolment(run_id=run.id, user_id=user.id, state=state)
    _db.session.add(enrolment)
    _db.session.commit()
    return enrolment


# The factories are plain functions too, so module-scoped fixtures (the access matrix's world) can use them.
@pytest.fixture
def make_organisation(db):
    return new_organisation


@pytest.fixture
def make_user(db):
    return new_user


@pytest.fixture
def make_run(db, curriculum):
    return new_run


@pytest.fixture
def enrol(db):
    return new_enrolment


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
            # A savepoint rolled back at the end of a request stands for the plain
            # rollback production ends a read with, which no cursor runs: not a statement.
            if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA",
                                                         "ROLLBACK TO SAVEPOINT")):
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
def live_server(app, committed_db):
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(app, committed_db, tmp_path):
    """The app at a four-worker gunicorn server on PostgreSQL (skipped on SQLite): races between processes."""
    if committed_db.engine.dialect.name != "postgresql":
        pytest.skip("the multi-worker race runs on PostgreSQL (set TEST_DATABASE_URL); SQLite serialises writers")
    port = _free_port()
    env = os.environ | {
        "DATABASE_URL": os.environ["TEST_DATABASE_URL"], "SECRET_KEY": "concurrency-test-key",
        "APP_ENV": "development", "RATELIMIT_ENABLED": "0", "MAIL_OUTBOX": str(tmp_path / "outbox"),
        "MAIL_SERVER": "",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "4", "--bind", f"127.0.0.1:{port}", "--timeout", "60",
         "app:create_app()"], cwd=Path(__file__).parent.parent, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = clock.monotonic() + 60
        while clock.monotonic() < deadline:
            try:
                if requests.get(f"{base}/sign-in", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                clock.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start within 60 seconds")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def form_token(html: str, name: str) -> str:
    """The value of a hidden form field in a page (a CSRF token, a request key)."""
    return re.search(rf'name="{name}"[^>]*value="([^"]+)"', html).group(1)


def signed_in_at(base: str, user) -> requests.Session:
    """A `requests` session signed in at `base` through the real sign-in form, CSRF token and all."""
    session = requests.Session()
    page = session.get(f"{base}/sign-in", timeout=60)
    response = session.post(f"{base}/sign-in", timeout=60, allow_redirects=False, data={
        "email": user.email, "password": TEST_PASSWORD, "csrf_token": form_token(page.text, "csrf_token")})
    assert response.status_code == 302, response.text[:300]
    return session
