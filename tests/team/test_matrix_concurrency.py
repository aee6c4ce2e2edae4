"""The matrix version under concurrent requests over real HTTP: first views at once give the organisation one
token, and members progressing at once each replace it, so the next view shows every one of them.

On PostgreSQL the requests really overlap (the upsert of the token row decides); on SQLite the write lock
serialises them.
"""
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from core.extensions import db
from team.models import MatrixVersion

BURST = 8


def _at_once(requests_to_send):
    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(lambda send: send().status_code, requests_to_send))


def test_first_views_and_progress_at_once_leave_the_matrix_right(live_server, http_session_for, make_organisation,
                                                                  make_user, make_run, enrol):
    organisation = make_organisation()
    leader = make_user("leader", organisation)
    run = make_run()  # a workshop: its modules are open on enrolment
    members = [make_user("trainee", organisation, name=f"Member {number}") for number in range(BURST)]
    for member in members:
        enrol(run, member)
    matrix = f"{live_server}/organisations/{organisation.id}/matrix"
    leaders = [http_session_for(leader) for _ in range(BURST)]
    db.session.execute(db.delete(MatrixVersion))  # as after a bulk copy: nobody has a token yet
    db.session.commit()

    assert _at_once([lambda session=session: session.get(matrix, timeout=60) for session in leaders]) == [200] * BURST
    assert db.session.scalar(select(func.count()).select_from(MatrixVersion)) == 1
    token = db.session.scalar(select(MatrixVersion.token))
    db.session.commit()
    assert leaders[0].get(matrix, timeout=60).text.count(">Not started</a>") == BURST  # one module each

    lesson = f"{live_server}/modules/appeals-basics/lessons/01-routes"
    readers = [http_session_for(member) for member in members]
    assert _at_once([lambda session=session: session.get(lesson, timeout=60) for session in readers]) == [200] * BURST

    assert db.session.scalar(select(MatrixVersion.token)) != token
    db.session.commit()
    page = leaders[0].get(matrix, timeout=60).text
    assert page.count(">In progress</a>") == BURST, "every member's reading is in the matrix at once"
