"""Running a request again, once, when the database connection was lost before it wrote anything.

A restarted or failed-over PostgreSQL, or a proxy that drops idle
connections, kills connections that workers hold. `pool_pre_ping` replaces
a dead connection when it is taken from the pool, but one that dies while a
request is using it raises an error that carries `connection_invalidated`.
If the request has not begun a COMMIT, nothing it did was written, so
running its view again on a fresh connection is safe; once a COMMIT has
begun the outcome is unknown, and the error stands (a 500, logged).
"""
import logging

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from core.extensions import db

log = logging.getLogger(__name__)


@event.listens_for(Session, "before_commit")
def _note_commit(session) -> None:
    if has_request_context():
        g.database_commit_begun = True


def is_lost_before_commit(error: DBAPIError) -> bool:
    return error.connection_invalidated and not g.get("database_commit_begun", False)


class Application(Flask):
    """The Flask app, whose views run again once after a connection lost before anything was written."""

    def dispatch_request(self):
        try:
            return super().dispatch_request()
        except DBAPIError as error:
            if not is_lost_before_commit(error):
                raise
            log.warning("database connection lost during %s %s before anything was written; running it again",
                        request.method, request.path)
            db.session.rollback()
            return super().dispatch_request()
