"""The needs-assessment questionnaire is content: checked with `file:line: message`, loaded with the curriculum."""
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from courses.loader import read_curriculum
from plans.models import AssessmentQuestion
from plans.questionnaire import read_questionnaire
from tests.conftest import FIXTURE_CONTENT

CONTENT = Path(__file__).parent.parent.parent / "content"


@pytest.fixture
def tree(tmp_path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def _questions(db) -> dict[str, AssessmentQuestion]:
    return {q.key: q for q in db.session.scalars(select(AssessmentQuestion))}


def test_the_real_questionnaire_is_valid_and_covers_every_module(app):
    curriculum, problems = read_curriculum(CONTENT)
    assert [str(p) for p in problems] == []
    [part] = curriculum.parts
    modules = {module["slug"] for module in curriculum.modules}
    questionnaire, _ = read_questionnaire(CONTENT, modules)
    topics = [q for q in questionnaire.questions if q["kind"] == "topic"]
    assert {slug for topic in topics for slug in topic["module_slugs"]} == modules
    assert {"stage", "team-size", "caseload", "jurisdictions", "goals"} <= {q["key"] for q in questionnaire.questions}
    assert part.label == "assessment: 5 questions and 10 topics"


def test_content_load_loads_the_questionnaire_and_a_second_load_changes_nothing(runner, db, tree):
    first = runner.invoke(args=["content", "load", str(tree)])
    assert first.exit_code == 0, first.output
    assert "assessment question appeals" in first.output
    questions = _questions(db)
    assert [q.key for q in sorted(questions.values(), key=lambda q: q.position)] == [
        "stage", "caseload", "jurisdictions", "goals", "appeals", "evidence"]
    assert questions["appeals"].module_slugs == ["appeals-basics"]
    assert questions["appeals"].label_of(2) == "2 – A little confident"
    assert questions["stage"].options[0] == {"value": "setting-up", "label": "Setting up", "stresses": ["evidence"]}
    assert "No changes" in runner.invoke(args=["content", "load", str(tree)]).output


def test_a_question_dropped_from_the_file_is_retired_not_deleted(runner, db, tree):
    runner.invoke(args=["content", "load", str(tree)])
    path = tree / "assessment.yaml"
    text = path.read_text()
    path.write_text(text.replace("  - key: goals\n    type: text\n    prompt: What do you want to be able to do?\n"
                                 "    required: false\n", ""))
    result = runner.invoke(args=["content", "load", str(tree)])
    assert result.exit_code == 0, result.output
    assert "retired: 1" in result.output
    assert _questions(db)["goals"].is_retired


def test_a_tree_without_the_file_loads_and_leaves_the_questionnaire_alone(runner, db, tree):
    runner.invoke(args=["content", "load", str(tree)])
    (tree / "assessment.yaml").unlink()
    result = runner.invoke(args=["content", "check", str(tree)])
    assert result.exit_code == 0 and "assessment" not in result.output
    assert runner.invoke(args=["content", "load", str(tree)]).exit_code == 0
    assert not any(q.is_retired for q in _questions(db).values())


@pytest.mark.parametrize("old, new, expected", [
    ("    modules: [appeals-basics]", "    modules: [appeals-advanced]",
     "assessment.yaml:38: topic 'appeals' names module 'appeals-advanced', which has no folder in modules/"),
    ("  5: Very confident\n", "", "assessment.yaml:1: 'scale' must name each confidence level 1, 2, 3, 4, 5"),
    ("    type: number", "    type: slider", "assessment.yaml:18: question: 'type' must be one of choice, multiple"),
    ("        stresses: [evidence]", "        stresses: [evidance]",
     "assessment.yaml:14: option 'setting-up' stresses 'evidance', which is not a topic"),
    ("  - key: caseload", "  - key: stage", "assessment.yaml:17: key 'stage' is used twice"),
    ("    max: 500", "    max: lots", "assessment.yaml:21: question: 'max' must be a whole number"),
    ("  - key: evidence", "  - key: Evidence Topic", "key 'Evidence Topic' must be lower-case words joined by '-'"),
    ("    title: Appeals\n", "    title: Appeals\n    weight: 3\n", "topic: unknown key 'weight'"),
    ("      - value: running\n        label: Running\n", "", "question: 'options' needs at least 2 entries, has 1"),
])
def test_a_bad_questionnaire_is_reported_by_file_and_line_and_nothing_loads(runner, db, tree, old, new, expected):
    path = tree / "assessment.yaml"
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))
    result = runner.invoke(args=["content", "load", str(tree)])
    assert result.exit_code != 0
    assert expected in result.output, result.output
    assert "nothing was changed" in result.output
    assert _questions(db) == {}


def test_the_demo_answers_fit_the_real_questionnaire(app):
    from demo.plans import FIRST_ANSWERS, FIRST_RATINGS, LATEST_RATINGS

    curriculum, _ = read_curriculum(CONTENT)
    questions = {q["key"]: q for q in read_questionnaire(CONTENT, {m["slug"] for m in curriculum.modules})[0].questions}
    assert set(FIRST_RATINGS) == set(LATEST_RATINGS) == {key for key, q in questions.items() if q["kind"] == "topic"}
    for key, answer in FIRST_ANSWERS.items():
        values = {option["value"] for option in questions[key]["options"]}
        assert not values or set(answer if isinstance(answer, list) else [answer]) <= values, key
