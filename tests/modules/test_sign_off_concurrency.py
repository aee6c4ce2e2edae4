"""Concurrent requests over real HTTP: a burst of sends or decisions leaves one step behind, not several.

On PostgreSQL the requests really overlap (row locks decide); on SQLite the write lock serialises them.
"""
from concurrent.futures import ThreadPoolExecutor

from core.extensions import db
from modules.models import SignOff, SignOffEvent, SignOffState, SignOffVersion
from tests.modules.signoff_helpers import ready_trainee

BURST = 8


def _burst(session_factory, url, data):
    sessions = [session_factory() for _ in range(BURST)]
    with ThreadPoolExecutor(BURST) as pool:
        responses = list(pool.map(lambda session: session.post(url, data=data, allow_redirects=False, timeout=60),
                                  sessions))
    return [response.status_code for response in responses]


def test_a_burst_of_sends_and_of_decisions_each_record_one_step(
        live_server, http_session_for, make_user, make_organisation, make_run, enrol, finish_module):
    mentor = make_user("mentor")
    trainee, _ = ready_trainee(make_user, make_organisation, make_run, enrol, finish_module, mentors=[mentor])

    statuses = _burst(lambda: http_session_for(trainee), f"{live_server}/modules/appeals-basics/sign-off",
                      {"answer": "The grounds."})
    assert all(status == 302 for status in statuses), statuses
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count(SignOffVersion.id))) == 1
    sign_off_id = db.session.scalar(db.select(SignOff.id))
    db.session.commit()

    statuses = _burst(lambda: http_session_for(mentor), f"{live_server}/sign-offs/{sign_off_id}/decide",
                      {"decision": "sign_off", "criterion_1": "Yes.", "version": "1"})
    assert all(status == 302 for status in statuses), statuses
    db.session.commit()
    assert db.session.scalar(db.select(SignOff.state)) is SignOffState.SIGNED_OFF
    assert db.session.scalar(db.select(db.func.count(SignOffEvent.id))) == 2
    db.session.commit()
