from datetime import timedelta

from sqlalchemy import func, select, update

from modules.models import LessonRead


def test_an_enrolled_trainee_reads_a_lesson_and_progress_moves(client, db, login_as, make_user, make_run, enrol):
    trainee = login_as(make_user("trainee"))
    enrol(make_run(), trainee)
    before = client.get("/modules/appeals-basics").get_data(as_text=True)
    assert "0 of 2 lessons" in before and "Start: Routes of appeal" in before
    lesson = client.get("/modules/appeals-basics/lessons/01-routes")
    assert lesson.status_code == 200
    page = lesson.get_data(as_text=True)
    assert "<strong>leave</strong>" in page
    assert 'rel="next" href="/modules/appeals-basics/lessons/02-unsafe"' in page
    after = client.get("/modules/appeals-basics").get_data(as_text=True)
    assert "1 of 2 lessons" in after and "Continue: The unsafe test" in after
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "1 of 2 lessons" in dashboard


def test_reading_twice_records_one_read(client, db, login_as, make_user, make_run, enrol):
    trainee = login_as(make_user("trainee"))
    enrol(make_run(), trainee)
    client.get("/modules/appeals-basics/lessons/01-routes")
    client.get("/modules/appeals-basics/lessons/01-routes")
    assert db.session.scalar(select(func.count(LessonRead.id))) == 1


def test_lesson_markdown_is_sanitised(client, login_as, make_user, make_run, enrol):
    trainee = login_as(make_user("trainee"))
    enrol(make_run(), trainee)
    page = client.get("/modules/appeals-basics/lessons/01-routes").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_lessons_are_closed_to_people_not_enrolled_and_waitlisted(client, login_as, make_user, make_run, enrol):
    from courses.models import EnrolmentState

    outsider = login_as(make_user("trainee"))
    assert client.get("/modules/appeals-basics/lessons/01-routes").status_code == 403
    enrol(make_run(), outsider, EnrolmentState.WAITLISTED)
    assert client.get("/modules/appeals-basics/lessons/01-routes").status_code == 403
    page = client.get("/modules/appeals-basics").get_data(as_text=True)
    assert "Enrol on a course that includes this module" in page


def test_mentors_preview_without_progress_being_recorded(client, db, login_as, make_user, curriculum):
    login_as(make_user("mentor"))
    page = client.get("/modules/appeals-basics/lessons/01-routes").get_data(as_text=True)
    assert "Preview: your reading is not recorded." in page
    assert db.session.scalar(select(func.count(LessonRead.id))) == 0


def test_a_multi_week_module_opens_in_its_week(client, login_as, make_user, make_run, enrol):
    trainee = login_as(make_user("trainee"))
    run = make_run("two-week-programme", starts_in=timedelta(days=-2))
    enrol(run, trainee)
    assert client.get("/modules/appeals-basics/lessons/01-routes").status_code == 200
    assert client.get("/modules/evidence-basics/lessons/01-identification").status_code == 403
    page = client.get("/modules/evidence-basics").get_data(as_text=True)
    assert "This module opens for you on" in page
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "opens" in dashboard


def test_unknown_modules_and_lessons_are_404(client, login_as, make_user, make_run, enrol):
    trainee = login_as(make_user("trainee"))
    enrol(make_run(), trainee)
    assert client.get("/modules/no-such-module").status_code == 404
    assert client.get("/modules/appeals-basics/lessons/no-such-lesson").status_code == 404
    # A lesson is only reachable through its own module.
    assert client.get("/modules/appeals-basics/lessons/01-identification").status_code == 404


def test_module_page_states_what_completion_needs(client, curriculum):
    page = client.get("/modules/appeals-basics").get_data(as_text=True)
    assert "Read all 2 lessons." in page
    assert "Pass the quiz (70% or more, up to 3 attempts)." in page
    assert "Be signed off by a mentor" in page
    assert "Criminal Appeal Act 1968" in page


def test_the_lesson_page_shows_the_html_stored_at_content_load(client, db, login_as, make_user, make_run, enrol):
    from curriculum.models import Lesson

    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "01-routes"))
    assert "<strong>leave</strong>" in lesson.html and "<script>" not in lesson.html
    # Rendered once at load, not per view: what the page shows is the stored HTML, whatever the Markdown says now.
    db.session.execute(update(Lesson).where(Lesson.id == lesson.id).values(body="**changed**",
                                                                           html="<p>Stored page</p>"))
    trainee = login_as(make_user("trainee"))
    enrol(make_run(), trainee)
    page = client.get("/modules/appeals-basics/lessons/01-routes").get_data(as_text=True)
    assert "<p>Stored page</p>" in page and "changed" not in page


def test_a_lesson_without_a_heading_of_its_own_gets_its_title_as_one():
    from core.markdown import render_lesson

    assert render_lesson("Routes & leave", "Some *text*") == "<h1>Routes &amp; leave</h1>\n<p>Some <em>text</em></p>\n"
    assert render_lesson("Routes", "# Own heading\n\nText").startswith("<h1>Own heading</h1>")


def test_pages_that_list_lessons_never_load_their_bodies(client, login_as, make_user, make_run, enrol, count_queries):
    trainee = login_as(make_user("trainee"))
    enrol(make_run(), trainee)
    client.get("/modules/appeals-basics/lessons/01-routes")
    for url in ("/dashboard", "/modules/appeals-basics", "/modules/appeals-basics/lessons/02-unsafe"):
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        assert not [statement for statement in queries if "lessons.body" in statement], url


def test_a_content_load_shows_on_the_lesson_page_at_once(client, db, login_as, make_user, make_run, enrol,
                                                          edited_curriculum):
    from courses.loader import apply_curriculum

    enrol(make_run(), login_as(make_user("trainee")))
    assert "Routes of appeal" in client.get("/modules/appeals-basics/lessons/02-unsafe").get_data(as_text=True)
    appeals = next(module for module in edited_curriculum.modules if module["slug"] == "appeals-basics")
    appeals["title"] = "Appeals, revised"
    appeals["lessons"] = appeals["lessons"][1:]  # retires 01-routes
    appeals["lessons"][0].update(title="The unsafe test, revised", html="<p>Revised page</p>")
    apply_curriculum(edited_curriculum)
    db.session.commit()
    assert client.get("/modules/appeals-basics/lessons/01-routes").status_code == 404
    page = client.get("/modules/appeals-basics/lessons/02-unsafe").get_data(as_text=True)
    assert "<title>The unsafe test, revised · Appeals, revised" in page and "Lesson 1 of 1" in page
    assert "<p>Revised page</p>" in page and 'rel="prev"' not in page and "Routes of appeal" not in page


def test_a_retired_module_s_lessons_are_404_even_to_mentors(client, db, login_as, make_user, curriculum,
                                                          edited_curriculum):
    from courses.loader import apply_curriculum

    login_as(make_user("mentor"))
    assert client.get("/modules/evidence-basics/lessons/01-identification").status_code == 200
    edited_curriculum.modules = [module for module in edited_curriculum.modules if module["slug"] == "appeals-basics"]
    edited_curriculum.courses = [course for course in edited_curriculum.courses if course["slug"] == "appeals-workshop"]
    apply_curriculum(edited_curriculum)
    db.session.commit()
    assert client.get("/modules/evidence-basics/lessons/01-identification").status_code == 404
    assert client.get("/modules/appeals-basics/lessons/01-routes").status_code == 200
