"""Database helpers shared by every area: UTC timestamps and row locking."""
from datetime import datetime, timezone

from sqlalchemy import DateTime, event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from core.extensions import MAX_INT, MIN_INT, db  # noqa: F401  the INTEGER range, for forms and URLs


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC; refuses naive datetimes so no local time slips in."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def lock_for_update(model, object_id):
    """Load a row and hold it locked until the transaction ends.

    PostgreSQL takes a row lock (SELECT ... FOR UPDATE), so concurrent
    requests that check-then-write on the same row queue behind each other.
    On SQLite every transaction already holds the database write lock (see
    `_begin_sqlite_immediately`), so the plain SELECT is enough there.
    """
    return db.session.execute(
        select(model).where(model.id == object_id).with_for_update().execution_options(
            populate_existing=True
        )
    ).scalar_one_or_none()


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        # Let SQLAlchemy emit BEGIN itself instead of pysqlite's lazy, partial transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


@event.listens_for(Engine, "begin")
def _begin_sqlite_immediately(connection):
    # SQLite has no row locks: taking the write lock at BEGIN serialises
    # check-then-write actions (seats, bookings) the way FOR UPDATE does on PostgreSQL.
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def insert_if_absent(model, **values) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: idempotent under concurrent requests, on both databases."""
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(model).values(**values).on_conflict_do_nothing())
