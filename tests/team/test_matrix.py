"""The team competency matrix: its rules as plain functions first, then the pages and the CSV export."""
import csv
import io
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from accounts.models import User
from core.extensions import db
from courses.models import Enrolment, EnrolmentState
from modules.completion import ModuleState
from modules.models import LessonRead, SignOff, SignOffState
from team.matrix import build_matrix, matrix_csv
from tests.conftest import TEST_PASSWORD_HASH
from tests.team.matrix_helpers import LATE_JUNE, add_team, module_named

LONDON = ZoneInfo("Europe/London")


def _states(matrix):
    return {row.member.display_name: [cell.state for cell in row.cells] for row in matrix.rows}


@pytest.fixture
def team(make_organisation, make_user, make_run, enrol, finish_module):
    return add_team(make_organisation, make_user, make_run, enrol, finish_module)


def test_rows_are_the_active_learners_by_name_and_columns_the_modules_in_course_order(team):
    matrix = build_matrix(team["organisation"])

    assert [row.member.display_name for row in matrix.rows] == [
        "Ada Signed", "Ben Passed", "Cat Fresh", "Dan Reading", "Eve Revoked", "Lee Leader"]
    assert [module.slug for module in matrix.modules] == ["appeals-basics", "evidence-basics"]
    states = _states(matrix)
    assert states["Ada Signed"] == [ModuleState.SIGNED_OFF, ModuleState.COMPLETE]
    assert states["Ben Passed"] == [ModuleState.QUIZ_PASSED, ModuleState.NOT_STARTED]
    assert states["Cat Fresh"] == [ModuleState.NOT_STARTED, ModuleState.NOT_STARTED]
    assert states["Dan Reading"] == [ModuleState.IN_PROGRESS, ModuleState.NOT_STARTED]
    assert states["Eve Revoked"] == [ModuleState.REVOKED, ModuleState.NOT_STARTED]


def test_each_cell_carries_the_date_its_state_was_reached(team):
    cells = {row.member.display_name: row.cells for row in build_matrix(team["organisation"]).rows}

    assert cells["Ada Signed"][0].date == LATE_JUNE
    assert cells["Dan Reading"][0].date == LATE_JUNE
    assert cells["Ben Passed"][0].date is not None
    assert cells["Cat Fresh"][0].date is None


def test_totals_count_sign_offs_or_completions_and_every_state(team):
    appeals, evidence = build_matrix(team["organisation"]).totals

    assert appeals.summary == "1 of 6 members signed off on Appeals basics"
    assert evidence.summary == "1 of 6 members completed Evidence basics"
    assert appeals.counts[ModuleState.NOT_STARTED] == 2 and appeals.counts[ModuleState.REVOKED] == 1
    assert appeals.breakdown == "2 not started, 1 in progress, 1 quiz passed, 1 revoked"


def test_the_columns_are_the_courses_held_or_else_the_whole_catalogue(make_organisation, make_user, make_run, enrol):
    organisation = make_organisation()
    member = make_user("trainee", organisation)
    assert [m.slug for m in build_matrix(organisation).modules] == ["appeals-basics", "evidence-basics"]

    enrol(make_run(course_slug="two-week-programme"), member, EnrolmentState.WAITLISTED)
    assert len(build_matrix(organisation).modules) == 2, "a waitlist place holds no seat"

    enrol(make_run(course_slug="appeals-workshop"), member)
    assert [m.slug for m in build_matrix(organisation).modules] == ["appeals-basics"]


def test_a_run_filter_keeps_that_runs_enrolled_members_and_its_modules(team, make_run, enrol):
    workshop = make_run(course_slug="appeals-workshop")
    enrol(workshop, team["ada"])
    enrol(workshop, team["ben"], EnrolmentState.WAITLISTED)
    enrol(workshop, team["cat"], EnrolmentState.WITHDRAWN)

    matrix = build_matrix(team["organisation"], run=workshop)

    assert [row.member.display_name for row in matrix.rows] == ["Ada Signed"]
    assert [module.slug for module in matrix.modules] == ["appeals-basics"]
    assert matrix.totals[0].summary == "1 of 1 member signed off on Appeals basics"


def test_a_state_filter_keeps_members_with_at_least_one_module_in_that_state(team):
    matrix = build_matrix(team["organisation"], state=ModuleState.COMPLETE)
    assert [row.member.display_name for row in matrix.rows] == ["Ada Signed"]
    assert matrix.member_count == 1

    not_started = build_matrix(team["organisation"], state=ModuleState.NOT_STARTED)
    assert len(not_started.rows) == 5, "everyone but Ada has a module not started"
    assert not_started.totals[0].summary == "0 of 5 members signed off on Appeals basics"


def test_pages_split_the_rows_while_totals_count_everyone(team):
    second = build_matrix(team["organisation"], page=2, per_page=4)

    assert (second.page, second.pages, second.member_count) == (2, 2, 6)
    assert [row.member.display_name for row in second.rows] == ["Eve Revoked", "Lee Leader"]
    assert second.totals[0].members == 6
    assert build_matrix(team["organisation"], page=9, per_page=4).page == 2


def test_the_csv_has_a_state_and_an_iso_date_per_module_in_the_viewers_zone(team):
    rows = list(csv.reader(io.StringIO(matrix_csv(build_matrix(team["organisation"]), LONDON))))

    assert rows[0] == ["Member", "E-mail", "Appeals basics: state", "Appeals basics: date",
                       "Evidence basics: state", "Evidence basics: date"]
    ada = next(row for row in rows if row[0] == "Ada Signed")
    assert ada[1] == team["ada"].email
    assert ada[2:4] == ["Signed off", "2025-07-01"]
    assert ada[4] == "Complete"
    cat = next(row for row in rows if row[0] == "Cat Fresh")
    assert cat[2:] == ["Not started", "", "Not started", ""]
    assert len(rows) == 7


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil.example\")", "+44 1234", "-1+2", "@SUM(A1)"])
def test_the_csv_defuses_text_a_spreadsheet_would_run_as_a_formula(make_organisation, make_user, name):
    organisation = make_organisation()
    make_user("trainee", organisation, name=name)

    rows = list(csv.reader(io.StringIO(matrix_csv(build_matrix(organisation), LONDON))))

    assert rows[1][0] == "'" + name


# -- the pages ----------------------------------------------------------------

def test_the_leader_sees_the_grid_totals_and_key(client, login_as, team):
    login_as(team["leader"])
    response = client.get(f"/organisations/{team['organisation'].id}/matrix")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "<caption" in html and '<th scope="col">Appeals basics</th>' in html
    assert '">Ada Signed</a></th>' in html
    assert ('<td class="state-signed-off"><a href="/organisations/'
            f'{team["organisation"].id}/members/{team["ada"].id}/report">Signed off</a><br>'
            '<span class="small">Tue 1 Jul 2025</span>') in html
    assert "1 of 6 members signed off on Appeals basics" in html
    assert "Oz Other" not in html and "Mo Mentor" not in html
    assert f'/organisations/{team["organisation"].id}/matrix.csv' in html


def test_filters_come_from_the_query_string_and_the_csv_link_keeps_them(client, login_as, team):
    login_as(team["leader"])
    url = f"/organisations/{team['organisation'].id}/matrix"
    html = client.get(url, query_string={"state": "REVOKED", "run": team["run"].id}).get_data(as_text=True)

    assert "Showing the 1 member with at least one module “Revoked”" in html
    assert "Ben Passed" not in html
    assert f'matrix.csv?run={team["run"].id}&amp;state=REVOKED' in html


def test_an_unknown_filter_is_refused_beside_its_field(client, login_as, team, make_run):
    elsewhere = make_run()
    login_as(team["leader"])
    url = f"/organisations/{team['organisation'].id}/matrix"

    response = client.get(url, query_string={"run": elsewhere.id})
    assert response.status_code == 400
    assert 'id="run-error"' in response.get_data(as_text=True)
    assert client.get(url, query_string={"state": "LOST"}).status_code == 400
    assert client.get(url + ".csv", query_string={"state": "LOST"}).status_code == 400


def test_an_administrator_reaches_every_matrix_from_the_list(client, login_as, make_user, team):
    login_as(make_user("admin"))
    listing = client.get("/admin/matrix").get_data(as_text=True)

    assert f'href="/organisations/{team["organisation"].id}/matrix"' in listing
    assert client.get(f"/organisations/{team['organisation'].id}/matrix").status_code == 200


@pytest.mark.parametrize("role", ["other_leader", "trainee", "mentor"])
def test_nobody_else_sees_the_matrix(client, login_as, make_organisation, make_user, team, role):
    viewer = {"other_leader": lambda: make_user("leader", make_organisation()),
              "trainee": lambda: team["ada"], "mentor": lambda: make_user("mentor")}[role]()
    login_as(viewer)
    base = f"/organisations/{team['organisation'].id}/matrix"

    assert client.get(base).status_code == 403
    assert client.get(base + ".csv").status_code == 403


def test_the_csv_download_is_an_attachment_with_the_filtered_members(client, login_as, team):
    login_as(team["leader"])
    response = client.get(f"/organisations/{team['organisation'].id}/matrix.csv", query_string={"state": "COMPLETE"})

    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert [row[0] for row in rows[1:]] == ["Ada Signed"]


def test_the_organisation_page_links_to_the_matrix(client, login_as, team):
    login_as(team["leader"])
    html = client.get(f"/organisations/{team['organisation'].id}").get_data(as_text=True)
    assert f'href="/organisations/{team["organisation"].id}/matrix"' in html


# -- a fixed number of statements, for 3 members or 300 ----------------------------

def _add_members(organisation, run, count, start):
    """`count` trainees enrolled on `run`, in bulk: every third has read a lesson, every fifth is signed off."""
    lesson = module_named("appeals-basics").lessons[0]
    appeals = module_named("appeals-basics")
    rows = [{"email": f"bulk{start + n}@example.org", "display_name": f"Bulk {start + n:04}",
             "password_hash": TEST_PASSWORD_HASH, "is_trainee": True, "organisation_id": organisation.id}
            for n in range(count)]
    ids = db.session.scalars(insert(User).returning(User.id), rows).all()
    db.session.execute(insert(Enrolment), [{"run_id": run.id, "user_id": i, "state": EnrolmentState.ENROLLED}
                                           for i in ids])
    db.session.execute(insert(LessonRead), [{"user_id": i, "lesson_id": lesson.id} for i in ids[::3]])
    db.session.execute(insert(SignOff), [{"learner_id": i, "module_id": appeals.id, "state": SignOffState.SIGNED_OFF}
                                         for i in ids[::5]])
    db.session.commit()


def test_the_matrix_runs_the_same_statements_for_3_members_and_for_300(client, login_as, count_queries,
                                                                       make_organisation, make_user, make_run):
    organisation = make_organisation()
    run = make_run(course_slug="two-week-programme")
    leader = make_user("leader", organisation)
    _add_members(organisation, run, 2, 0)
    login_as(leader)
    url = f"/organisations/{organisation.id}/matrix"
    client.get(url)  # the first request of a process loads the curriculum's structure into its cache
    _add_members(organisation, run, 1, 2)  # a change: the next view builds the matrix again

    with count_queries() as small:
        assert client.get(url).status_code == 200
    _add_members(organisation, run, 296, 3)
    with count_queries() as large:
        response = client.get(url)
    with count_queries() as cached:
        assert client.get(url).get_data() == response.get_data()

    assert response.status_code == 200
    # 299 members (the leader holds no seat, so is not a row) and the totals row, which has a row header too
    assert response.get_data(as_text=True).count('<th scope="row">') == 299 + 1
    assert len(large) == len(small) == 9
    assert len(cached) == 3, "a matrix seen again unchanged is read from the cache: the signed-in session, the token, notices"


def test_a_matrix_of_several_pages_links_to_each_keeping_the_filters(app, team):
    from flask import render_template
    from flask_login import login_user

    from team.matrix import rows_html

    matrix = build_matrix(team["organisation"], state=ModuleState.NOT_STARTED, page=2, per_page=4)
    with app.test_request_context():
        login_user(team["leader"])
        html = render_template("team/_matrix.html", matrix=matrix, states=list(ModuleState),
                               rows_html=rows_html(matrix, LONDON))

    assert "page 2 of 2" in html
    assert f'href="/organisations/{team["organisation"].id}/matrix?page=1&amp;state=NOT_STARTED"' in html


def test_a_leader_who_holds_no_seat_is_not_a_row_of_not_started(team, make_user, enrol):
    resting = make_user("leader", team["organisation"], name="Rae Resting")
    assert "Rae Resting" not in [row.member.display_name for row in build_matrix(team["organisation"]).rows]
    enrol(team["run"], resting)
    assert "Rae Resting" in [row.member.display_name for row in build_matrix(team["organisation"]).rows]
