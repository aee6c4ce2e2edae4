"""The competency matrix's version: what its cached page and CSV (core/cache.py) are kept under.

A matrix of 300 members is 3,000 cells gathered from three tables and drawn as half a megabyte of HTML;
it changes only when a member's progress does, and is read far more often than that.

How a cached matrix stays right:

- `matrix_versions` holds a token per organisation. A flush that changes what a cell of its matrix shows
  replaces the token of the organisation concerned, in the same transaction: a lesson read, a quiz attempt
  (started, submitted, graded, marked or regraded), a sign-off, an enrolment, and the member themselves
  (name, e-mail, roles, organisation, deactivation). A change to the curriculum (`Course`, `CourseModule`,
  `Module`, `Lesson`, `Quiz`) or to a run (its course, its dates or zone, which name it in the filter; a run
  deleted) replaces every organisation's, and so does a bulk INSERT, UPDATE or DELETE through the session on
  any of these models, whose rows it cannot see.
- A request reads the version before anything else, so the facts it reads afterwards are at least as new
  as the version it keeps them under; the version names the organisation, its token and the process's
  curriculum token, so a key is only ever found by a request of the same organisation at the same version.
- An organisation without a token yet (rows copied in by SQL, e.g. the bench's seed) gets one when its
  matrix is first read.

SQL run past the session (`text()`, a bare connection) is not seen: call `record_change_for_all()` after it.
"""
from sqlalchemy import ScalarSelect, event, inspect, literal, or_, select, true
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from accounts.models import Organisation, User
from core.cache import new_version
from core.db import insert_if_absent
from core.extensions import db
from courses import structure
from courses.models import Course, CourseModule, Enrolment, Run
from curriculum.models import Lesson, Module, Quiz
from modules.models import Attempt, LessonRead, SignOff
from team.models import MatrixVersion

#: progress rows: the column naming the member, and the columns whose change alters a cell (None: any)
_PROGRESS = {
    LessonRead: ("user_id", None),
    Attempt: ("user_id", ("quiz_id", "user_id", "state", "grade", "submitted_at")),
    SignOff: ("learner_id", None),
    Enrolment: ("user_id", ("run_id", "user_id", "state")),
}
#: what of a member a matrix shows or chooses rows by
_MEMBER_COLUMNS = ("organisation_id", "organisation", "display_name", "email", "is_active_account", "is_trainee",
                   "is_leader")
#: what of a run the matrix shows: its modules (through its course), and its name in the filter; and when it ends,
#: which decides whether leaders' dashboards list it (dashboards.sections)
_RUN_COLUMNS = ("course_id", "starts_at", "timezone", "ends_at")
_CURRICULUM = (Course, CourseModule, Module, Lesson, Quiz)
_WATCHED = (*_PROGRESS, User, Run, *_CURRICULUM)


def matrix_version(organisation_id: int, token: str | None = None) -> str:
    """"<organisation>:<its matrix token>:<this process's curriculum token>": what every key of its cached matrix
    starts with. Read it before the facts the matrix shows (the caller commits: see `matrix_token`). `token`: the
    organisation's, when the caller read it with other things (`token_column`)."""
    return f"{organisation_id}:{token or matrix_token(organisation_id)}:{structure.current().token}"


def token_column(organisation_id: int) -> ScalarSelect:
    """The organisation's token as a column, to read in one statement with other things (None when it has none)."""
    return select(MatrixVersion.token).where(MatrixVersion.organisation_id == organisation_id).scalar_subquery()


def matrix_token(organisation_id: int) -> str:
    """The organisation's token, given one first if it has none (the caller commits)."""
    token = db.session.scalar(select(MatrixVersion.token).where(MatrixVersion.organisation_id == organisation_id))
    if token is None:
        token = new_version()
        if not insert_if_absent(MatrixVersion, organisation_id=organisation_id, token=token):
            # Another request gave it one meanwhile.
            token = db.session.scalar(select(MatrixVersion.token)
                                      .where(MatrixVersion.organisation_id == organisation_id))
    return token


def record_change_for_all() -> None:
    """Every organisation's matrix may have changed: replace every token (flushes, never commits)."""
    _replace_tokens(db.session(), everyone=True)


def _replace_tokens(session: Session, organisation_ids=(), member_ids=(), everyone=False) -> None:
    table = MatrixVersion.__table__
    if everyone:
        concerned = true()
    else:
        concerned = or_(Organisation.id.in_(organisation_ids),
                        Organisation.id.in_(select(User.organisation_id).where(User.id.in_(member_ids))))
    # In id order, so that two transactions replacing the tokens of several organisations lock them in one order.
    source = select(Organisation.id, literal(new_version())).where(concerned).order_by(Organisation.id)
    upsert = (postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert)(table)
    upsert = upsert.from_select(["organisation_id", "token"], source)
    session.connection().execute(upsert.on_conflict_do_update(index_elements=["organisation_id"],
                                                              set_={"token": upsert.excluded.token}))


def _changed(obj, columns) -> bool:
    state = inspect(obj)
    if columns is None:
        return state.session.is_modified(obj, include_collections=False)
    return any(state.attrs[column].history.has_changes() for column in columns)


def _changes(session: Session) -> tuple[set[int], set[int], bool]:
    """(organisation ids, member ids, whether every organisation is concerned) of the flush under way."""
    organisation_ids, member_ids = set(), set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, _WATCHED):
            continue
        is_changed = obj in session.new or obj in session.deleted
        if isinstance(obj, _CURRICULUM):
            if is_changed or _changed(obj, None):
                return set(), set(), True
        elif isinstance(obj, Run):
            # A new run has no one in it yet; deleting one deletes its enrolments in the database.
            if obj in session.deleted or (obj not in session.new and _changed(obj, _RUN_COLUMNS)):
                return set(), set(), True
        elif isinstance(obj, User):
            if is_changed or _changed(obj, _MEMBER_COLUMNS):
                # A member who moves changes the matrix they leave as well as the one they join.
                attributes = inspect(obj).attrs
                organisation_ids.update(attributes.organisation_id.history.deleted)
                organisation_ids.update(left.id for left in attributes.organisation.history.deleted if left)
                organisation_ids.add(obj.organisation_id)
        else:
            member_column, columns = _PROGRESS[type(obj)]
            if is_changed or _changed(obj, columns):
                member_ids.add(getattr(obj, member_column))
    organisation_ids.discard(None)
    member_ids.discard(None)
    return organisation_ids, member_ids, False


def _record_flushed_changes(session: Session, flush_context) -> None:
    organisation_ids, member_ids, everyone = _changes(session)
    if everyone or organisation_ids or member_ids:
        _replace_tokens(session, organisation_ids, member_ids, everyone)


def _record_bulk_changes(execute_state) -> None:
    if not (execute_state.is_insert or execute_state.is_update or execute_state.is_delete):
        return
    mapper = execute_state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, _WATCHED):
        _replace_tokens(execute_state.session, everyone=True)


def _keep_the_organisation_left(target, value, old_value, initiator):
    """Listening with active history makes SQLAlchemy load a member's organisation before it is replaced (it
    would not otherwise, once the member's values have expired), so the flush knows the organisation they left."""


def connect() -> None:
    if not event.contains(Session, "after_flush", _record_flushed_changes):
        event.listen(Session, "after_flush", _record_flushed_changes)
        event.listen(Session, "do_orm_execute", _record_bulk_changes)
        for attribute in (User.organisation_id, User.organisation):
            event.listen(attribute, "set", _keep_the_organisation_left, active_history=True)
