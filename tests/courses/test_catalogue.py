"""The catalogue and the course page, read from the cached curriculum structure: what they list, how they filter,
and that a content load (a new title, a retired course or module) shows on them at once."""
import re
from datetime import timedelta

from courses.loader import apply_curriculum
from courses.models import EnrolmentState


def _course_titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="h4 card-title"><a href="/courses/[^"]+">([^<]+)</a>', html)


def test_the_catalogue_lists_each_course_with_its_modules_runs_and_seats(client, make_run, make_user, enrol):
    run = make_run("two-week-programme", capacity=3, starts_in=timedelta(days=9))
    enrol(run, make_user("trainee"))
    enrol(run, make_user("trainee"), EnrolmentState.WAITLISTED)
    make_run("two-week-programme", starts_in=timedelta(days=-1))  # started: no longer upcoming
    html = client.get("/").get_data(as_text=True)
    assert _course_titles(html) == ["Appeals workshop", "Two-week programme", "Evidence day"]
    programme = html[html.index("Two-week programme</a>"):html.index("Evidence day</a>")]
    assert "Multi-week</span> · 2 weeks" in programme and "· 2 modules</p>" in programme
    assert "<strong>Modules:</strong> Appeals basics; Evidence basics" in programme
    assert f'href="/runs/{run.id}"' in programme and "2 of 3 seats left" in programme
    assert programme.count('href="/runs/') == 1
    assert "No runs scheduled yet." in html[html.index("Evidence day</a>"):]


def test_the_catalogue_filters_by_format_and_topic(client, curriculum):
    assert _course_titles(client.get("/?format=full-day").get_data(as_text=True)) == ["Evidence day"]
    assert _course_titles(client.get("/?topic=evidence-basics").get_data(as_text=True)) == [
        "Two-week programme", "Evidence day"]
    assert _course_titles(client.get("/?format=multi-week&topic=evidence-basics").get_data(as_text=True)) == [
        "Two-week programme"]
    assert _course_titles(client.get("/?format=weekly").get_data(as_text=True)) == [
        "Appeals workshop", "Two-week programme", "Evidence day"], "an unknown format filters nothing out"
    html = client.get("/?topic=no-such-module").get_data(as_text=True)
    assert _course_titles(html) == [] and "No courses match." in html


def test_a_content_load_shows_on_the_catalogue_and_course_page_at_once(client, db, curriculum, edited_curriculum):
    assert "Two-week programme" in client.get("/").get_data(as_text=True)
    edited_curriculum.courses[1]["title"] = "Two-week programme, revised"
    edited_curriculum.modules[1]["title"] = "Evidence basics, revised"
    apply_curriculum(edited_curriculum)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert _course_titles(html) == ["Appeals workshop", "Two-week programme, revised", "Evidence day"]
    assert '<option value="evidence-basics">Evidence basics, revised</option>' in html
    assert "<h1>Two-week programme, revised</h1>" in client.get("/courses/two-week-programme").get_data(as_text=True)


def test_retired_courses_and_modules_are_hidden(client, db, curriculum, edited_curriculum, make_run):
    make_run("appeals-workshop")
    edited_curriculum.courses = [course for course in edited_curriculum.courses if course["slug"] == "appeals-workshop"]
    edited_curriculum.modules = [module for module in edited_curriculum.modules if module["slug"] == "appeals-basics"]
    apply_curriculum(edited_curriculum)
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert _course_titles(html) == ["Appeals workshop"]
    assert 'value="appeals-basics"' in html and 'value="evidence-basics"' not in html
    assert client.get("/courses/evidence-day").status_code == 404
    assert client.get("/courses/appeals-workshop").status_code == 200


def test_the_course_page_shows_modules_weeks_lessons_and_runs(client, login_as, make_run, make_user, enrol):
    run = make_run("two-week-programme", capacity=2)
    trainee = make_user("trainee")
    enrol(run, trainee)
    html = client.get("/courses/two-week-programme").get_data(as_text=True)
    assert "<h1>Two-week programme</h1>" in html and "Multi-week</span> · 2 weeks" in html
    modules = html[html.index('id="modules-heading"'):html.index('id="runs-heading"')]
    assert re.findall(r'<a href="/modules/([^"]+)">([^<]+)</a>', modules) == [
        ("appeals-basics", "Appeals basics"), ("evidence-basics", "Evidence basics")]
    assert "2 lessons · about 35 minutes" in modules and "mentor sign-off" in modules
    assert "1 lesson · about 10 minutes" in modules and "Week 2" in modules
    assert "1 of 2 seats left" in html and "Sign in</a> to enrol." in html
    login_as(trainee)
    assert ">Enrolled</span>" in client.get("/courses/two-week-programme").get_data(as_text=True)
    assert client.get("/courses/no-such-course").status_code == 404
