"""Concurrent starts and submits through real HTTP (threads against the live server); run on PostgreSQL too."""
from concurrent.futures import ThreadPoolExecutor

from core.audit import AuditEntry
from core.extensions import db
from modules.models import Attempt, AttemptState
from tests.modules.quiz_helpers import released_trainee

URL = "/modules/appeals-basics/quiz"
THREADS = 8


def _at_once(function, count=THREADS):
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: function(), range(count)))


def _sessions(http_session_for, trainee, count=THREADS):
    return [http_session_for(trainee) for _ in range(count)]


def test_concurrent_starts_leave_exactly_one_attempt_in_progress(live_server, http_session_for, make_user,
                                                                  make_run, enrol, curriculum):
    trainee, _ = released_trainee(make_user, make_run, enrol)
    sessions = iter(_sessions(http_session_for, trainee))
    responses = _at_once(lambda: next(sessions).post(f"{live_server}{URL}/start", allow_redirects=False, timeout=60))
    assert all(response.status_code == 302 for response in responses), [r.status_code for r in responses]
    db.session.expire_all()
    attempts = db.session.scalars(db.select(Attempt)).all()
    assert len(attempts) == 1 and attempts[0].state is AttemptState.IN_PROGRESS
    assert {response.headers["Location"].split("?")[0] for response in responses} == {f"/attempts/{attempts[0].id}"}


def test_concurrent_submits_leave_one_graded_attempt(live_server, http_session_for, make_user, make_run, enrol,
                                                      curriculum):
    trainee, _ = released_trainee(make_user, make_run, enrol)
    first = http_session_for(trainee)
    first.post(f"{live_server}{URL}/start", timeout=30)
    attempt = db.session.scalar(db.select(Attempt))
    db.session.commit()  # SQLite: hold no transaction (its write lock) while the server works
    sessions = iter([first, *_sessions(http_session_for, trainee, THREADS - 1)])
    responses = _at_once(lambda: next(sessions).post(f"{live_server}/attempts/{attempt.id}/submit",
                                                     allow_redirects=False, timeout=60))
    assert {response.status_code for response in responses} == {302}
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 1
    assert db.session.get(Attempt, attempt.id).state in (AttemptState.GRADED, AttemptState.AWAITING_MARKING)
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).where(AuditEntry.action == "quiz.submit")) == 1
