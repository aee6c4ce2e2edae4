"""The curriculum's structure cached per process (courses/structure.py): fresh after every change, in this
process at once and in others through the loader's token."""
from sqlalchemy import select, update

from courses import structure
from courses.loader import apply_curriculum
from courses.models import Course
from curriculum.models import CurriculumVersion, Lesson, Module


def _lesson_titles(slug: str) -> list[str]:
    module = next(info for info in structure.current().modules.values() if info.slug == slug)
    return [lesson.title for lesson in module.lessons]


def test_the_structure_holds_modules_lessons_quizzes_and_course_order(db, curriculum):
    current = structure.current()
    appeals = db.session.scalar(select(Module).where(Module.slug == "appeals-basics"))
    info = structure.module(appeals.id)
    assert [lesson.slug for lesson in info.lessons] == [lesson.slug for lesson in appeals.lessons]
    assert info.quiz.id == appeals.quiz.id and info.quiz.pass_mark == appeals.quiz.pass_mark
    assert all(lesson.module is info for lesson in info.lessons)
    programme = db.session.scalar(select(Course).where(Course.slug == "two-week-programme"))
    info = current.courses[programme.id]
    assert (info.title, info.format, info.weeks, info.length_label) == (
        programme.title, programme.format, 2, "2 weeks")
    assert [(cm.module.slug, cm.week) for cm in info.course_modules] == [
        (cm.module.slug, cm.week) for cm in programme.course_modules]
    assert [course.slug for course in current.listed_courses()] == [
        "appeals-workshop", "two-week-programme", "evidence-day"]


def test_a_change_flushed_in_this_process_drops_the_cached_copy_at_once(db, curriculum):
    assert _lesson_titles("appeals-basics")[0] == "Routes of appeal"
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "01-routes"))
    lesson.title = "Routes of appeal, revised"
    db.session.flush()
    assert _lesson_titles("appeals-basics")[0] == "Routes of appeal, revised"


def test_another_process_loading_content_is_seen_through_the_token(app, db, curriculum):
    before = structure.current()
    assert before.token is not None, "loading content writes the token"
    # Another process's load: rows and token change without this process flushing anything.
    db.session.execute(update(Lesson).where(Lesson.slug == "01-routes").values(title="Changed elsewhere"))
    app.config["CURRICULUM_CHECK_SECONDS"] = None
    assert _lesson_titles("appeals-basics")[0] == "Routes of appeal", "without checks the copy stays"
    app.config["CURRICULUM_CHECK_SECONDS"] = 0
    try:
        assert _lesson_titles("appeals-basics")[0] == "Routes of appeal", "same token: nothing to reload"
        db.session.execute(update(CurriculumVersion).values(token="from-another-process"))
        assert _lesson_titles("appeals-basics")[0] == "Changed elsewhere"
    finally:
        app.config["CURRICULUM_CHECK_SECONDS"] = None


def test_loading_changed_content_replaces_the_token_and_loading_it_again_does_not(db, curriculum, fixture_curriculum):
    first = db.session.scalar(select(CurriculumVersion.token))
    apply_curriculum(fixture_curriculum)
    assert db.session.scalar(select(CurriculumVersion.token)) == first
    fixture_curriculum.modules[0]["lessons"][0]["title"] += " (2nd edition)"
    try:
        apply_curriculum(fixture_curriculum)
    finally:
        fixture_curriculum.modules[0]["lessons"][0]["title"] = fixture_curriculum.modules[0]["lessons"][0][
            "title"].removesuffix(" (2nd edition)")
    assert db.session.scalar(select(CurriculumVersion.token)) != first
