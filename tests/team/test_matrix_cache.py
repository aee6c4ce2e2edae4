"""The cached matrix (core/cache.py, under team.matrix_versions): it changes right after every event that alters a
cell, and is never served to another organisation, another time zone or another filter (in the process and in
Redis)."""
import re

import pytest
from sqlalchemy import delete, select

from core.extensions import db
from courses.enrolment import enrol as take_seat
from courses.enrolment import withdraw
from modules.attempts import start_attempt
from modules.models import Attempt, LessonRead, SignOff, SignOffState
from modules.progress import record_read
from team.matrix_versions import record_change_for_all
from team.models import MatrixVersion
from tests.modules.quiz_helpers import fixture_quiz
from tests.team.matrix_helpers import add_team, module_named, sign_off


@pytest.fixture
def team(make_organisation, make_user, make_run, enrol, finish_module):
    return add_team(make_organisation, make_user, make_run, enrol, finish_module)


def _page(client, organisation, **filters):
    """The matrix page, its CSRF token blanked: the token carries the second it was made, so two views of one
    page differ in it when a second passes between them."""
    response = client.get(f"/organisations/{organisation.id}/matrix", query_string=filters)
    assert response.status_code == 200
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', response.get_data(as_text=True))


def _row(html, name):
    """The states of `name`'s row, or None when the page has no row for them."""
    found = re.search(r'<tr><th scope="row"><a href="[^"]*">' + re.escape(name) + r"</a></th>(.*?)</tr>", html)
    return re.findall(r'<td class="state-[a-z-]+"><a href="[^"]*">([^<]*)</a>', found.group(1)) if found else None


@pytest.fixture
def seen(client, login_as, team):
    """The leader has seen the matrix (so it is cached); returns a function that shows it again."""
    login_as(team["leader"])
    _page(client, team["organisation"])
    return lambda: _page(client, team["organisation"])


def test_a_lesson_read(seen, team):
    assert _row(seen(), "Cat Fresh") == ["Not started", "Not started"]
    record_read(team["cat"].id, module_named("appeals-basics").lessons[0].id)
    db.session.commit()
    assert _row(seen(), "Cat Fresh") == ["In progress", "Not started"]


def test_a_quiz_attempt_started(seen, team):
    start_attempt(fixture_quiz(), team["cat"])
    db.session.commit()
    assert _row(seen(), "Cat Fresh") == ["In progress", "Not started"]


def test_lessons_read_and_a_quiz_passed(seen, team, finish_module):
    finish_module(team["cat"])
    assert _row(seen(), "Cat Fresh")[0] == "Quiz passed"


def test_an_attempt_regraded_below_the_pass_mark(seen, team):
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == team["ben"].id))
    attempt.grade = 0.0
    db.session.commit()
    assert _row(seen(), "Ben Passed")[0] == "In progress"


def test_a_sign_off_requested_and_decided(seen, team):
    sign_off(team["ben"], SignOffState.REQUESTED)
    assert _row(seen(), "Ben Passed")[0] == "Awaiting sign-off"
    db.session.scalar(select(SignOff).where(SignOff.learner_id == team["ben"].id)).state = SignOffState.SIGNED_OFF
    db.session.commit()
    assert _row(seen(), "Ben Passed")[0] == "Signed off"


def test_an_enrolment_and_a_withdrawal(seen, team, make_user):
    rae = make_user("leader", team["organisation"], name="Rae Resting")
    assert _row(seen(), "Rae Resting") is None, "a leader without a seat is not a row"
    enrolment = take_seat(team["run"].id, rae, team["leader"])
    db.session.commit()
    assert _row(seen(), "Rae Resting") == ["Not started", "Not started"]
    withdraw(enrolment, team["leader"])
    db.session.commit()
    assert _row(seen(), "Rae Resting") is None


@pytest.mark.parametrize("change, name, expected", [
    ("join", "Newt Joined", ["Not started", "Not started"]),
    ("rename", "Dan Renamed", ["In progress", "Not started"]),
    ("deactivate", "Dan Reading", None),
    ("no longer a trainee", "Dan Reading", None),
    ("leave", "Dan Reading", None),
])
def test_a_change_of_membership(seen, team, make_user, make_organisation, change, name, expected):
    dan = team["dan"]
    if change == "join":
        make_user("trainee", team["organisation"], name="Newt Joined")
    elif change == "rename":
        dan.display_name = "Dan Renamed"
    elif change == "deactivate":
        dan.is_active_account = False
    elif change == "no longer a trainee":
        dan.is_trainee, dan.is_mentor = False, True
    else:
        dan.organisation = make_organisation()
    db.session.commit()
    assert _row(seen(), name) == expected


def test_a_member_who_moves_appears_in_the_matrix_they_join(client, login_as, seen, team, make_user,
                                                            make_organisation):
    elsewhere = make_organisation()
    other_leader = make_user("leader", elsewhere)
    login_as(other_leader)
    assert _row(_page(client, elsewhere), "Dan Reading") is None
    team["dan"].organisation = elsewhere
    db.session.commit()
    assert _row(_page(client, elsewhere), "Dan Reading") == ["In progress", "Not started"]


def test_a_change_to_the_curriculum(seen, team):
    module_named("appeals-basics").title = "Appeals in depth"
    db.session.commit()
    assert '<th scope="col">Appeals in depth</th>' in seen()


def test_a_bulk_delete_through_the_session(seen, team):
    db.session.execute(delete(LessonRead).where(LessonRead.user_id == team["dan"].id))
    db.session.commit()
    assert _row(seen(), "Dan Reading")[0] == "Not started"


def test_a_change_made_past_the_session_is_seen_once_recorded(seen, team):
    db.session.connection().execute(delete(SignOff.__table__).where(SignOff.learner_id == team["eve"].id))
    db.session.commit()
    assert _row(seen(), "Eve Revoked")[0] == "Revoked", "SQL past the session is not seen until recorded"
    record_change_for_all()
    db.session.commit()
    assert _row(seen(), "Eve Revoked")[0] == "Quiz passed"


def test_a_change_rolled_back_leaves_the_cached_matrix_right(seen, team):
    db.session.add(LessonRead(user_id=team["cat"].id, lesson_id=module_named("appeals-basics").lessons[0].id))
    db.session.flush()
    db.session.rollback()
    assert _row(seen(), "Cat Fresh") == ["Not started", "Not started"]


def test_the_csv_changes_with_the_matrix(client, seen, team):
    url = f"/organisations/{team['organisation'].id}/matrix.csv"
    assert "Cat Fresh,,Not started,,Not started," in client.get(url).get_data(as_text=True).replace(
        team["cat"].email, "")
    record_read(team["cat"].id, module_named("appeals-basics").lessons[0].id)
    db.session.commit()
    assert "Cat Fresh,,In progress," in client.get(url).get_data(as_text=True).replace(team["cat"].email, "")


def test_an_organisation_gets_its_token_on_the_first_view_or_change(client, login_as, team, make_organisation,
                                                                    make_user):
    quiet = make_organisation()
    assert db.session.get(MatrixVersion, quiet.id) is None
    login_as(make_user("admin"))
    _page(client, quiet)
    first = db.session.get(MatrixVersion, quiet.id).token
    make_user("trainee", quiet)
    db.session.expire_all()
    assert db.session.get(MatrixVersion, quiet.id).token != first


# -- never another's matrix ---------------------------------------------------------

def test_two_organisations_alike_each_see_their_own(cache_backend, client, login_as, make_organisation, make_user,
                                                    make_run, enrol, finish_module, team):
    twin = add_team(make_organisation, make_user, make_run, enrol, finish_module)
    record_read(twin["cat"].id, module_named("appeals-basics").lessons[0].id)
    db.session.commit()

    login_as(team["leader"])
    ours = _page(client, team["organisation"])
    login_as(twin["leader"])
    theirs = _page(client, twin["organisation"])

    assert _row(ours, "Cat Fresh")[0] == "Not started" and _row(theirs, "Cat Fresh")[0] == "In progress"
    assert f'/organisations/{twin["organisation"].id}/members/{twin["cat"].id}/report' in theirs
    assert f'/organisations/{team["organisation"].id}/' not in theirs.split("<tbody>")[1]


def test_each_viewer_sees_dates_in_their_own_zone(cache_backend, client, login_as, team, make_user):
    login_as(team["leader"])  # Europe/London: 23:30 UTC on 30 June is 1 July
    assert "Tue 1 Jul 2025" in _page(client, team["organisation"])
    login_as(make_user("admin", timezone="America/New_York"))
    in_new_york = _page(client, team["organisation"])
    assert "Mon 30 Jun 2025" in in_new_york and "Tue 1 Jul 2025" not in in_new_york
    login_as(team["leader"])
    assert "Tue 1 Jul 2025" in _page(client, team["organisation"])


def test_a_filtered_matrix_is_kept_apart_from_the_whole(client, seen, team, make_run, enrol):
    workshop = make_run(course_slug="appeals-workshop")
    enrol(workshop, team["ada"])
    whole = seen()
    filtered = _page(client, team["organisation"], run=workshop.id)
    assert _row(filtered, "Ada Signed") == ["Signed off"] and _row(filtered, "Ben Passed") is None
    assert _row(seen(), "Ben Passed") is not None and whole == seen()
    by_state = _page(client, team["organisation"], state="REVOKED")
    assert _row(by_state, "Eve Revoked") and _row(by_state, "Ada Signed") is None
