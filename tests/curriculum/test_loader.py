import datetime
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from courses.loader import apply_curriculum, read_curriculum
from courses.models import Course, CourseModule
from curriculum.models import Feedback, Grading, Lesson, Module, Question, Quiz, ShowAnswers
from tests.conftest import FIXTURE_CONTENT


@pytest.fixture
def tree(tmp_path) -> Path:
    """A writable copy of the fixture curriculum."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def _row_counts(db):
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Module, Lesson, Question, Course, CourseModule)}


def test_load_creates_everything_and_a_second_load_changes_nothing(runner, db, tree):
    first = runner.invoke(args=["content", "load", str(tree)])
    assert first.exit_code == 0, first.output
    assert _row_counts(db) == {"Module": 2, "Lesson": 3, "Question": 7, "Course": 3, "CourseModule": 5}
    second = runner.invoke(args=["content", "load", str(tree)])
    assert second.exit_code == 0
    assert "No changes" in second.output
    assert _row_counts(db) == {"Module": 2, "Lesson": 3, "Question": 7, "Course": 3, "CourseModule": 5}


def test_quiz_settings_load_as_their_enums_and_are_stored_as_the_files_spell_them(runner, db, tree):
    quiz_file = tree / "modules/appeals-basics/quiz.yaml"
    quiz_file.write_text(quiz_file.read_text().replace("grading: highest", "grading: average")
                         .replace("feedback: after_submit", "feedback: immediate"))
    assert runner.invoke(args=["content", "load", str(tree)]).exit_code == 0
    quiz = db.session.scalar(select(Quiz).join(Module).where(Module.slug == "appeals-basics"))
    assert (quiz.grading, quiz.feedback, quiz.show_answers) == (Grading.AVERAGE, Feedback.IMMEDIATE,
                                                                ShowAnswers.AFTER_PASS)
    stored = db.session.execute(db.text("SELECT grading, feedback, show_answers FROM quizzes WHERE id = :id"),
                                {"id": quiz.id}).one()
    assert tuple(stored) == ("average", "immediate", "after_pass")
    assert "No changes" in runner.invoke(args=["content", "load", str(tree)]).output


def test_multi_week_schedule_is_stored_per_module(db, curriculum):
    course = db.session.scalar(select(Course).where(Course.slug == "two-week-programme"))
    assert [(cm.module.slug, cm.week) for cm in course.course_modules] == [("appeals-basics", 1), ("evidence-basics", 2)]
    assert course.weeks == 2


def test_editing_a_lesson_and_a_question_updates_them_in_place(runner, db, tree):
    runner.invoke(args=["content", "load", str(tree)])
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.slug == "02-unsafe"))
    question_id = db.session.scalar(select(Question.id).where(Question.key == "ab-tf"))
    lesson_file = tree / "modules/appeals-basics/02-unsafe.md"
    lesson_file.write_text(lesson_file.read_text() + "\nA new paragraph.\n")
    quiz = tree / "modules/appeals-basics/quiz.yaml"
    quiz.write_text(quiz.read_text().replace("A CCRC referral can lead", "A referral by the CCRC can lead"))
    result = runner.invoke(args=["content", "load", str(tree)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    lesson = db.session.get(Lesson, lesson_id)
    assert "A new paragraph." in lesson.body
    assert db.session.get(Question, question_id).prompt.startswith("A referral by the CCRC")
    assert "lesson appeals-basics/02-unsafe" in result.output


def test_a_removed_question_is_retired_not_deleted(runner, db, tree):
    runner.invoke(args=["content", "load", str(tree)])
    quiz = tree / "modules/appeals-basics/quiz.yaml"
    text = quiz.read_text()
    start = text.index("  - id: ab-tf")
    end = text.index("  - id: ab-multi")
    quiz.write_text(text[:start] + text[end:])
    result = runner.invoke(args=["content", "load", str(tree)])
    assert result.exit_code == 0, result.output
    retired = db.session.scalar(select(Question).where(Question.key == "ab-tf"))
    assert retired is not None and retired.is_retired
    module = db.session.scalar(select(Module).where(Module.slug == "appeals-basics"))
    assert "ab-tf" not in [q.key for q in module.quiz.questions]
    # Putting it back brings the same row back to life.
    quiz.write_text(text)
    runner.invoke(args=["content", "load", str(tree)])
    db.session.expire_all()
    assert db.session.get(Question, retired.id).is_retired is False


@pytest.mark.parametrize("path, old, new, expected", [
    ("modules/appeals-basics/quiz.yaml", "        correct: true\n      - text: The verdict was unsatisfactory\n",
     "        correct: true\n      - text: The verdict was unsatisfactory\n        correct: true\n",
     "modules/appeals-basics/quiz.yaml:14: single question 'ab-unsafe' has 2 correct options; it needs exactly 1"),
    ("modules/appeals-basics/quiz.yaml", "draw: 3", "draw: 30", "quiz.yaml:6: quiz: draw is 30 but the bank has only 7"),
    ("modules/appeals-basics/quiz.yaml", "type: ordering", "type: essay", "quiz.yaml:28: question 'ab-order': type must be one of"),
    ("modules/appeals-basics/quiz.yaml", "pass_mark: 70", "pass_mark: 170", "quiz.yaml:2: quiz: 'pass_mark' must be from 0 to 100"),
    ("modules/appeals-basics/quiz.yaml", "grading: highest", "grading: best",
     "quiz.yaml:4: quiz: 'grading' must be one of highest, latest, first, average, not 'best'"),
    ("modules/appeals-basics/quiz.yaml", "id: ab-days", "id: ab-unsafe", "question id 'ab-unsafe' is used more than once"),
    ("modules/appeals-basics/module.yaml", "file: 02-unsafe.md", "file: 09-missing.md",
     "module.yaml:10: lesson file '09-missing.md' does not exist"),
    ("modules/appeals-basics/module.yaml", "title: Appeals basics\n", "title: Appeals basics\ncolour: red\n",
     "module.yaml:2: module 'appeals-basics': unknown key 'colour'"),
    ("modules/appeals-basics/module.yaml", "    url: https://www.legislation.gov.uk/ukpga/1968/19", "    url: legislation",
     "source url must start with https://"),
    ("modules/appeals-basics/module.yaml", "outcomes:\n", "outcomes: [unclosed\n", "module.yaml:6: YAML syntax error"),
    ("courses.yaml", "modules: [appeals-basics]", "modules: [no-such-module]",
     "courses.yaml:7: course 'appeals-workshop' names module 'no-such-module', which has no folder"),
    ("courses.yaml", "format: half-day", "format: weekend", "courses.yaml:4: course: 'format' must be one of"),
    ("courses.yaml", "      2: [evidence-basics]", "      3: [evidence-basics]", "schedule week '3' must be a number from 1 to 2"),
    ("modules/appeals-basics/module.yaml", "reviewed_on: 2026-01-15\n", "",
     "module.yaml:1: module 'appeals-basics': 'reviewed_on' is required"),
    ("modules/appeals-basics/module.yaml", "reviewed_by: Casework Academy curriculum team\n", "",
     "module.yaml:1: module 'appeals-basics': 'reviewed_by' is required"),
    ("modules/appeals-basics/module.yaml", "reviewed_on: 2026-01-15", "reviewed_on: 15 January 2026",
     "module.yaml:25: module 'appeals-basics': 'reviewed_on' must be a date written YYYY-MM-DD, not '15 January 2026'"),
    ("modules/appeals-basics/module.yaml", "reviewed_on: 2026-01-15", "reviewed_on: 2026-02-30",
     "module.yaml:25: '2026-02-30' is not a real date"),
    ("modules/appeals-basics/module.yaml", "reviewed_on: 2026-01-15", "reviewed_on: 2026-01-15T09:00:00",
     "module.yaml:25: module 'appeals-basics': 'reviewed_on' must be a date written YYYY-MM-DD"),
    ("modules/appeals-basics/02-unsafe.md", "The Court allows", "Under the Criminal Procedure Rules 2015 the Court allows",
     "02-unsafe.md:3: cites the Criminal Procedure Rules 2015, which are revoked"),
    ("modules/appeals-basics/quiz.yaml", "    source: Criminal Appeal Act 1968 s.2(1)",
     "    source: Criminal Appeal Act 1968 s.2(1); CrimPR 2010 r.68.2",
     "quiz.yaml:20: cites the Criminal Procedure Rules 2010"),
    ("modules/appeals-basics/module.yaml", "    url: https://www.legislation.gov.uk/ukpga/1968/19",
     "    url: https://www.legislation.gov.uk/ukpga/1968/19\n  - title: Time limits\n    url: https://www.legislation.gov.uk/uksi/2010/60/contents/made",
     "module.yaml:26: cites the Criminal Procedure Rules 2010"),
])
def test_bad_content_reports_file_and_line_and_changes_nothing(runner, db, tree, path, old, new, expected):
    target = tree / path
    assert old in target.read_text(), "the fixture changed; update this test"
    target.write_text(target.read_text().replace(old, new, 1))
    result = runner.invoke(args=["content", "load", str(tree)])
    assert result.exit_code == 1
    assert expected in result.output, result.output
    assert "nothing was changed" in result.output
    assert all(count == 0 for count in _row_counts(db).values())


def test_every_problem_is_reported_in_one_run(tree):
    quiz = tree / "modules/appeals-basics/quiz.yaml"
    quiz.write_text(quiz.read_text().replace("pass_mark: 70", "pass_mark: -1").replace("answer: false", "answer: maybe"))
    (tree / "modules/evidence-basics/01-identification.md").write_text("   \n")
    _, problems = read_curriculum(tree)
    messages = [str(p) for p in problems]
    assert any("'pass_mark' must be from 0 to 100" in m for m in messages)
    assert any("'answer' must be true or false" in m for m in messages)
    assert any(m.endswith("01-identification.md:1: lesson is empty") for m in messages)


def test_a_failed_load_after_a_good_one_leaves_the_database_as_it_was(runner, db, tree):
    runner.invoke(args=["content", "load", str(tree)])
    before = _row_counts(db)
    lesson = tree / "modules/appeals-basics/01-routes.md"
    lesson.write_text("# Changed\n")
    quiz = tree / "modules/appeals-basics/quiz.yaml"
    quiz.write_text(quiz.read_text().replace("type: matching", "type: unknown"))
    result = runner.invoke(args=["content", "load", str(tree)])
    assert result.exit_code == 1
    assert _row_counts(db) == before
    assert "Changed" not in db.session.scalar(select(Lesson.body).where(Lesson.slug == "01-routes"))


def test_question_ids_are_never_reused_across_modules(runner, db, tree):
    runner.invoke(args=["content", "load", str(tree)])
    # Move question ab-tf from one module to the other: the id belongs to appeals-basics for good.
    source = tree / "modules/appeals-basics/quiz.yaml"
    text = source.read_text()
    start, end = text.index("  - id: ab-tf"), text.index("  - id: ab-multi")
    source.write_text(text[:start] + text[end:])
    (tree / "modules/evidence-basics/quiz.yaml").write_text(
        "title: Evidence check\nquestions:\n" + text[start:end])
    result = runner.invoke(args=["content", "load", str(tree)])
    assert result.exit_code == 1
    assert "evidence-basics/quiz.yaml:3: question id 'ab-tf' already belongs to module 'appeals-basics'" in result.output


def test_apply_flushes_but_does_not_commit(db, fixture_curriculum):
    apply_curriculum(fixture_curriculum)
    db.session.rollback()
    assert _row_counts(db)["Module"] == 0


def test_the_review_date_is_read_as_a_date(fixture_curriculum):
    module = next(m for m in fixture_curriculum.modules if m["slug"] == "appeals-basics")
    assert module["reviewed_on"] == datetime.date(2026, 1, 15)
    assert module["reviewed_by"] == "Casework Academy curriculum team"


@pytest.mark.parametrize("line", [
    "The time limit was once in r.68.2 of the Criminal Procedure Rules 2010 (revoked).",
    "Historical note: the Criminal Procedure Rules 2015 were replaced in 2020.",
    "Under the Criminal Procedure Rules 2020, Part 39, the notice is due in 56 days.",
])
def test_a_citation_marked_historical_or_of_the_2020_rules_is_allowed(tree, line):
    lesson = tree / "modules/appeals-basics/02-unsafe.md"
    lesson.write_text(lesson.read_text() + "\n" + line + "\n")
    _, problems = read_curriculum(tree)
    assert [str(p) for p in problems] == []
