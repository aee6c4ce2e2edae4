"""A connection lost mid-request: the request runs again once if nothing was written, on PostgreSQL."""
import logging

import pytest
from sqlalchemy import event, text

from app import create_app

SETTINGS = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "MAIL_OUTBOX", "UPLOAD_FOLDER",
            "MAIL_SERVER")


@pytest.fixture
def fragile_app(app, committed_db):
    """A second app on the same database with its own connection pool, whose connections the test can kill."""
    if committed_db.engine.dialect.name != "postgresql":
        pytest.skip("connections are killed with pg_terminate_backend, on PostgreSQL")
    other = create_app({name: app.config[name] for name in SETTINGS})
    with other.app_context():
        engine = committed_db.engine
    yield other, engine
    engine.dispose()


def _kill_at(engine, admin_engine, when):
    """Terminate the server process behind the app's connection the first time `when(statement)` is true."""
    killed = []

    def kill(conn, cursor, statement, parameters, context, executemany):
        if not killed and when(statement):
            killed.append(statement)
            pid = conn.connection.dbapi_connection.info.backend_pid
            with admin_engine.connect() as admin:
                admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    event.listen(engine, "before_cursor_execute", kill)
    return killed


def test_a_page_whose_connection_dies_before_writing_is_served_on_a_fresh_one(fragile_app, committed_db, caplog, monkeypatch):
    other, engine = fragile_app
    # Alembic's logging set-up (run by the migrations) disables loggers that existed before it.
    monkeypatch.setattr(logging.getLogger("core.retry"), "disabled", False)
    killed = _kill_at(engine, committed_db.engine, lambda statement: statement.lstrip().upper().startswith("SELECT"))
    response = other.test_client().get("/")
    assert killed, "the test did not kill a connection"
    assert response.status_code == 200
    assert "running it again" in caplog.text


def test_a_request_whose_connection_dies_after_it_began_to_commit_is_not_run_again(fragile_app, committed_db):
    from sqlalchemy.exc import DBAPIError

    from core.retry import is_lost_before_commit

    other, _ = fragile_app
    with other.test_request_context():
        lost = DBAPIError("SELECT 1", {}, Exception("server closed the connection"), connection_invalidated=True)
        assert is_lost_before_commit(lost)
        committed_db.session.commit()
        assert not is_lost_before_commit(lost)
        assert not is_lost_before_commit(DBAPIError("SELECT 1", {}, Exception("syntax")))
