"""The curriculum in content/ keeps the shape issue #3 promised, so a later edit cannot quietly break it."""
import re
from pathlib import Path

import pytest

from courses.loader import apply_curriculum, read_curriculum
from courses.models import CourseFormat

CONTENT = Path(__file__).parent.parent.parent / "content"
MODULES = ["appeals-law", "evidence-fallibility", "intake-eligibility", "ccrc-applications", "data-protection",
           "casework-protocols", "investigation-methods", "team-management"]
MUST_SIGN_OFF = {"appeals-law", "intake-eligibility", "ccrc-applications"}


@pytest.fixture(scope="module")
def curriculum():
    curriculum, problems = read_curriculum(CONTENT)
    assert [str(p) for p in problems] == []
    return curriculum


@pytest.fixture(scope="module")
def modules(curriculum):
    return {module["slug"]: module for module in curriculum.modules}


def test_all_eight_modules_are_there(modules):
    assert sorted(modules) == sorted(MODULES)


@pytest.mark.parametrize("slug", MODULES)
def test_module_meets_the_counts(modules, slug):
    module = modules[slug]
    assert 3 <= len(module["lessons"]) <= 6
    words = sum(len(re.findall(r"\b\w[\w'’-]*\b", lesson["body"])) for lesson in module["lessons"])
    assert words >= 1500, f"{slug} has {words} words of lessons"
    assert 3 <= len(module["outcomes"]) <= 6
    assert len(module["sources"]) >= 2 and all(source["url"] for source in module["sources"])
    for lesson in module["lessons"]:
        assert lesson["body"].lstrip().startswith("# "), f"{slug}/{lesson['slug']} starts without a heading"
        assert "Check your understanding" in lesson["body"], f"{slug}/{lesson['slug']} has no check prompts"
        assert "<" not in re.sub(r"`[^`]*`", "", lesson["body"]).replace("<-", ""), f"{slug}/{lesson['slug']} has raw HTML"


@pytest.mark.parametrize("slug", MODULES)
def test_question_bank_is_complete(modules, slug):
    quiz = modules[slug]["quiz"]
    questions = quiz["questions"]
    assert len(questions) >= 12
    assert all(q["explanation"].strip() for q in questions)
    assert any(q["type"] == "written" for q in questions), f"{slug} has no mentor-marked question"
    assert quiz["draw"] is None or quiz["draw"] <= len(questions)
    for question in questions:
        if question["type"] in {"single", "multiple"}:
            wrong = [o for o in question["data"]["options"] if not o["correct"]]
            assert any(o["feedback"] for o in wrong), f"{question['key']} has no feedback on a wrong option"


def test_the_banks_together_use_at_least_five_types_including_ordering_or_matching(curriculum):
    types = {q["type"] for m in curriculum.modules for q in m["quiz"]["questions"]}
    assert len(types) >= 5 and types & {"ordering", "matching"}


@pytest.mark.parametrize("slug", sorted(MUST_SIGN_OFF))
def test_sign_off_modules_have_an_exercise_and_criteria(modules, slug):
    module = modules[slug]
    assert module["is_sign_off_required"]
    assert len(module["exercise"]) > 200 and len(module["criteria"]) >= 3


def test_the_four_promised_courses(curriculum):
    courses = {course["slug"]: course for course in curriculum.courses}
    assert courses["appeals-and-the-ccrc"]["format"] is CourseFormat.HALF_DAY
    assert courses["evidence-and-its-fallibilities"]["format"] is CourseFormat.FULL_DAY
    programme = courses["running-an-innocence-project"]
    assert programme["format"] is CourseFormat.MULTI_WEEK and programme["weeks"] == 8
    assert sorted(slug for slug, _ in programme["modules"]) == sorted(MODULES)
    assert programme["check_in_weeks"]
    track = courses["writing-to-the-ccrc"]
    assert track["format"] is CourseFormat.MULTI_WEEK and track["weeks"] == 4


def test_the_real_content_loads(db, curriculum):
    summary = apply_curriculum(curriculum)
    db.session.commit()
    assert len([item for item in summary.created if item.startswith("module ")]) == 8
    assert apply_curriculum(curriculum).is_empty
