"""A trainee's report: each module as the matrix shows it, progress over time, attempts, sign-offs, sessions."""
import io
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from modules.completion import ModuleState
from modules.models import LessonRead, SignOffState
from team.report import ProgressPoint, build_report, progress_by_day, progress_chart
from tests.team.matrix_helpers import LATE_JUNE, add_team, module_named, sign_off

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def team(db, curriculum, make_organisation, make_user, make_run, enrol, finish_module):
    return add_team(make_organisation, make_user, make_run, enrol, finish_module)


def test_progress_counts_reads_by_the_day_they_fall_on_in_the_viewers_zone():
    late = datetime(2025, 6, 30, 23, 30, tzinfo=timezone.utc)  # 1 July in London
    reads = [datetime(2025, 6, 30, 9, tzinfo=timezone.utc), late, datetime(2025, 7, 1, 8, tzinfo=timezone.utc)]
    assert progress_by_day(reads, LONDON) == [ProgressPoint(date(2025, 6, 30), 1), ProgressPoint(date(2025, 7, 1), 3)]
    assert progress_by_day(reads, ZoneInfo("UTC"))[0] == ProgressPoint(date(2025, 6, 30), 2)


def test_the_chart_climbs_in_steps_to_the_last_count_and_is_scaled_to_the_total():
    points = [ProgressPoint(date(2025, 7, 1), 2), ProgressPoint(date(2025, 7, 11), 4)]
    chart = progress_chart(points, lessons_total=8, width=200, height=100, margin=0)
    coordinates = [tuple(map(float, pair.split(","))) for pair in chart.points.split()]
    assert coordinates[0] == (0.0, 100.0)  # nothing read at the start
    assert coordinates[-1] == (200.0, 50.0)  # 4 of 8 on the last day
    assert all(b[0] >= a[0] for a, b in zip(coordinates, coordinates[1:]))  # time only moves forward
    assert progress_chart([], 8).points == ""


def test_the_report_agrees_with_the_matrix(team):
    report = build_report(team["ada"], LONDON)
    states = {line.module.slug: line.state for line in report.modules}
    assert states == {"appeals-basics": ModuleState.SIGNED_OFF, "evidence-basics": ModuleState.COMPLETE}
    assert report.modules_done == 2 and report.progress[-1].lessons_read == report.lessons_total
    assert {line.module.slug: line.best_grade for line in report.modules}["appeals-basics"] == 100.0
    assert build_report(team["dan"], LONDON).modules[0].state is ModuleState.IN_PROGRESS


def test_the_leader_reads_a_members_report_and_downloads_it(client, team, login_as, count_queries, db):
    sign_off(team["cat"], SignOffState.RETURNED)
    login_as(team["leader"])
    ada = team["ada"]
    url = f"/organisations/{ada.organisation_id}/members/{ada.id}/report"
    matrix = client.get(f"/organisations/{ada.organisation_id}/matrix").get_data(as_text=True)
    assert url in matrix
    page = client.get(url).get_data(as_text=True)
    assert "Ada Signed" in page and "Signed off" in page and "<polyline" in page and "2 of 2 modules done" in page
    pdf = client.get(url + ".pdf")
    assert pdf.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Training report: Ada Signed" in text and "Appeals basics" in text


def test_the_reports_statements_do_not_grow_with_what_the_trainee_did(client, team, login_as, count_queries, db):
    login_as(team["leader"])
    dan = team["dan"]
    url = f"/organisations/{dan.organisation_id}/members/{dan.id}/report"

    def statements() -> int:
        db.session.commit()
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    statements()  # the first request of a process loads the curriculum's structure into its cache
    before = statements()
    for lesson in module_named("appeals-basics").lessons[1:] + module_named("evidence-basics").lessons:
        db.session.add(LessonRead(user_id=dan.id, lesson_id=lesson.id, read_at=LATE_JUNE))
    sign_off(dan, SignOffState.REQUESTED)
    assert statements() == before


def test_nobody_else_reads_a_report(client, team, login_as, make_organisation, make_user):
    ada = team["ada"]
    url = f"/organisations/{ada.organisation_id}/members/{ada.id}/report"
    login_as(team["ben"])
    assert client.get(url).status_code == 403
    login_as(make_user("leader", make_organisation()))
    assert client.get(url).status_code == 403
    other = make_organisation()
    assert client.get(f"/organisations/{other.id}/members/{ada.id}/report").status_code == 404
