"""The curriculum in content/ keeps the shape issue #3 promised (and issue #13 extended), so a later edit cannot
quietly break it."""
import datetime
import re
from pathlib import Path

import pytest

from courses.loader import apply_curriculum, read_curriculum
from courses.models import CourseFormat
from curriculum.loader import HISTORICAL, REVOKED_RULES

CONTENT = Path(__file__).parent.parent.parent / "content"
MODULES = ["appeals-law", "evidence-fallibility", "intake-eligibility", "ccrc-applications", "data-protection",
           "casework-protocols", "investigation-methods", "team-management", "forensic-science",
           "scotland-northern-ireland"]
NEW_MODULES = ["forensic-science", "scotland-northern-ireland"]  # issue #13
MUST_SIGN_OFF = {"appeals-law", "intake-eligibility", "ccrc-applications", *NEW_MODULES}
# Retired by issue #13 (they drilled superseded or unconfirmed figures); ids are never reused.
RETIRED_QUESTIONS = {"im-retention-audio", "cp-court-records-years", "cp-early-request-vignette", "ie-referral-rates"}


@pytest.fixture(scope="module")
def curriculum():
    curriculum, problems = read_curriculum(CONTENT)
    assert [str(p) for p in problems] == []
    return curriculum


@pytest.fixture(scope="module")
def modules(curriculum):
    return {module["slug"]: module for module in curriculum.modules}


def test_all_ten_modules_are_there(modules):
    assert sorted(modules) == sorted(MODULES)


@pytest.mark.parametrize("slug", NEW_MODULES)
def test_new_modules_meet_the_bar(modules, slug):
    module = modules[slug]
    assert 4 <= len(module["lessons"]) <= 6
    words = sum(len(re.findall(r"\b\w[\w'’-]*\b", lesson["body"])) for lesson in module["lessons"])
    assert words >= 2500, f"{slug} has {words} words of lessons"
    questions = module["quiz"]["questions"]
    assert len(questions) >= 12
    assert len({q["type"] for q in questions}) >= 5
    assert {"written", "single", "multiple"} <= {q["type"] for q in questions}
    assert sum(1 for source in module["sources"] if "legislation.gov.uk" in source["url"]) >= 2


@pytest.mark.parametrize("slug", MODULES)
def test_every_module_records_its_review(modules, slug):
    module = modules[slug]
    assert isinstance(module["reviewed_on"], datetime.date)
    assert module["reviewed_on"].year >= 2026, "reviewed before issue #13: check it again"
    assert module["reviewed_by"].strip()


def test_no_content_cites_the_revoked_criminal_procedure_rules():
    offending = [f"{path.relative_to(CONTENT)}:{number}: {line.strip()[:80]}"
                 for path in sorted((CONTENT / "modules").rglob("*")) if path.suffix in {".md", ".yaml"}
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if REVOKED_RULES.search(line) and not HISTORICAL.search(line)]
    assert offending == []


def test_retired_questions_stay_retired(curriculum):
    keys = {q["key"] for m in curriculum.modules for q in m["quiz"]["questions"]}
    assert not keys & RETIRED_QUESTIONS


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
    assert "forensic-science" in [slug for slug, _ in courses["evidence-and-its-fallibilities"]["modules"]]
    programme = courses["running-an-innocence-project"]
    assert programme["format"] is CourseFormat.MULTI_WEEK and programme["weeks"] == 10
    assert sorted(slug for slug, _ in programme["modules"]) == sorted(MODULES)
    assert sorted(week for _, week in programme["modules"]) == list(range(1, 11)), "one module a week"
    assert programme["check_in_weeks"]
    track = courses["writing-to-the-ccrc"]
    assert track["format"] is CourseFormat.MULTI_WEEK and track["weeks"] == 5
    assert dict(track["modules"])["scotland-northern-ireland"] == 5


def test_the_real_content_loads(db, curriculum):
    summary = apply_curriculum(curriculum)
    db.session.commit()
    assert len([item for item in summary.created if item.startswith("module ")]) == len(MODULES)
    assert apply_curriculum(curriculum).is_empty
