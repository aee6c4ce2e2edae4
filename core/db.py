"""Database helpers shared by every area: UTC timestamps, row locking, and side effects bound to a transaction."""
from collections.abc import Callable
from datetime import datetime, timezone
from typing import TypeVar

from flask import current_app
from sqlalchemy import DateTime, event, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.types import TypeDecorator

from core.extensions import MAX_INT, MIN_INT, db  # noqa: F401  the INTEGER range, for forms and URLs

T = TypeVar("T")


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


#: schema objects that one database needs and the models cannot describe (SQLite's FTS5 tables and their
#: shadow tables, PostgreSQL's generated tsvector columns and their GIN indexes): their migration builds them
#: for its database, and comparing the schema with the models (`flask db check`) leaves them out
OUTSIDE_THE_MODELS = "fts_"


def include_object(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Alembic's filter: everything but the full-text objects named `fts_...` (see OUTSIDE_THE_MODELS)."""
    return not (name or "").startswith(OUTSIDE_THE_MODELS)


def paginate(query):
    """The page of `query` the request asks for (`?page=`), PAGE_SIZE rows long: every list pages alike."""
    return db.paginate(query, per_page=current_app.config["PAGE_SIZE"])


def add_or_find(row: T, find: Callable[[], T | None], attach: Callable[[T], object] | None = None) -> tuple[T, bool]:
    """Save `row`, whose unique request key stops a form sent twice: it is attached to the session (`attach`, by
    default `session.add`) and flushed in a savepoint, giving (row, True). When the key is taken (the same form,
    sent twice at once, got there first) the savepoint rolls back and the first one's row, `find()`'s, is given
    instead: (that row, False)."""
    try:
        with db.session.begin_nested():
            (attach or db.session.add)(row)
            db.session.flush()
    except IntegrityError:
        found = find()
        if found is None:
            raise
        return found, False
    return row, True


def insert_if_absent(model, **values) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING: idempotent under concurrent requests, on both databases.

    True when this call inserted the row, False when one was there already.
    """
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # RETURNING rather than rowcount: psycopg reports -1 for an ORM-executed INSERT.
    key = list(model.__table__.primary_key.columns)[0]
    return db.session.execute(insert(model).values(**values).on_conflict_do_nothing().returning(key)).first() is not None


class TransactionBound:
    """Side effects that belong to the database transaction in which they were made (mail to send, files written).

    Each item belongs to the innermost transaction open when it was added:
    a savepoint (`begin_nested`) or the session's outermost transaction.

    - A savepoint that is released (its commit) hands its items to the
      transaction around it; nothing happens yet, because that one may still
      roll back.
    - A savepoint that rolls back discards its own items (and those its
      released inner savepoints handed it), and only those: the items of the
      transactions around it stay.
    - The outermost transaction's commit commits its items (`on_commit`, e.g.
      deliver the mail); its rollback, or a session closed without commit,
      discards them (`on_discard`, e.g. remove the file).

    "Outermost" is the Session's: a Session joined to a transaction begun
    outside it (a test fixture's connection) treats its own commit as final.
    """

    def __init__(self, name: str, on_commit: Callable[[object], None], on_discard: Callable[[object], None]):
        self.key = f"transaction_bound:{name}"
        self.on_commit, self.on_discard = on_commit, on_discard
        event.listen(Session, "after_commit", self._committed)
        event.listen(Session, "after_transaction_end", self._ended)

    def add(self, item) -> None:
        """Bind `item` to the current transaction (beginning one if none is open yet)."""
        session = db.session()
        session.connection()
        self._pending(session).setdefault(_innermost(session), []).append(item)

    def count(self) -> int:
        """How many items the session's open transactions hold."""
        return sum(len(items) for items in self._pending(db.session()).values())

    def _pending(self, session: Session) -> dict[SessionTransaction, list]:
        return session.info.setdefault(self.key, {})

    def _committed(self, session: Session) -> None:
        pending = session.info.get(self.key)
        if not pending:
            return
        # after_commit runs before the committed transaction closes, so it is still the innermost one.
        committed = _innermost(session)
        items = pending.pop(committed, [])
        if committed.nested:
            pending.setdefault(_owner(committed.parent), []).extend(items)
            return
        for item in items:
            self.on_commit(item)

    def _ended(self, session: Session, transaction: SessionTransaction) -> None:
        # A committed transaction's items are gone already; what is left was rolled back or abandoned.
        pending = session.info.get(self.key)
        for item in pending.pop(transaction, []) if pending else []:
            self.on_discard(item)


def _innermost(session: Session) -> SessionTransaction:
    return session.get_nested_transaction() or session.get_transaction()


def _owner(transaction: SessionTransaction) -> SessionTransaction:
    """The savepoint or outermost transaction that `transaction` is part of (skipping SQLAlchemy's inner ones)."""
    while not transaction.nested and transaction.parent is not None:
        transaction = transaction.parent
    return transaction
