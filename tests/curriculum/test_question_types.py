"""Each question type reads, validates and grades answers; tampered input never gets a score."""
import random

import pytest
from werkzeug.datastructures import MultiDict

from curriculum.question_types import QUESTION_TYPES, AnswerError, choice_id

SINGLE = {"options": [{"id": "a", "text": "Unsafe", "correct": True, "feedback": None},
                      {"id": "b", "text": "Unsatisfactory", "correct": False, "feedback": None},
                      {"id": "c", "text": "Lurking doubt", "correct": False, "feedback": None}]}
MULTIPLE = {"options": [{"id": "a", "text": "A", "correct": True, "feedback": None},
                        {"id": "b", "text": "B", "correct": True, "feedback": None},
                        {"id": "c", "text": "C", "correct": False, "feedback": None},
                        {"id": "d", "text": "D", "correct": False, "feedback": None}],
            "scoring": "partial"}
ORDERING = {"items": [{"id": "x", "text": "Notice"}, {"id": "y", "text": "Single judge"},
                      {"id": "z", "text": "Full court"}], "scoring": "pairs"}
MATCHING = {"pairs": [{"id": "p", "left": "CCRC", "right": "Real possibility"},
                      {"id": "q", "left": "SCCRC", "right": "Miscarriage"},
                      {"id": "r", "left": "CACD", "right": "Unsafe"}]}
SHORT = {"answers": ["28 days", "twenty-eight days"], "pattern": r"(?i)^\s*(within\s+)?(28)(\s*days)?\s*$"}


def read(kind, data, **fields):
    form = MultiDict()
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            form.add(key.replace("_", "-") if key != "q" else key, item)
    return QUESTION_TYPES[kind].read_answer(data, form, "q")


def grade(kind, data, answer, points=2):
    return QUESTION_TYPES[kind].grade(data, answer, points)


class TestSingle:
    def test_right_wrong_and_blank(self):
        assert grade("single", SINGLE, read("single", SINGLE, q="a")) == 2
        assert grade("single", SINGLE, read("single", SINGLE, q="b")) == 0
        assert read("single", SINGLE) is None and grade("single", SINGLE, None) == 0

    @pytest.mark.parametrize("values", [["zzz"], ["a", "b"], ["a", "a"], [choice_id("Another question's option")]])
    def test_unknown_or_several_options_are_refused(self, values):
        with pytest.raises(AnswerError):
            read("single", SINGLE, q=values)


class TestMultiple:
    def test_all_or_nothing(self):
        data = dict(MULTIPLE, scoring="all_or_nothing")
        assert grade("multiple", data, ["a", "b"]) == 2
        assert grade("multiple", data, ["a"]) == 0
        assert grade("multiple", data, ["a", "b", "c"]) == 0

    def test_partial_credit_with_a_penalty_per_wrong_choice(self):
        assert grade("multiple", MULTIPLE, ["a"]) == 1
        assert grade("multiple", MULTIPLE, ["a", "b"]) == 2
        assert grade("multiple", MULTIPLE, ["a", "b", "c"]) == 1
        assert grade("multiple", MULTIPLE, ["a", "c", "d"]) == 0  # never below zero
        assert grade("multiple", MULTIPLE, None) == 0

    def test_reading_sorts_and_refuses_duplicates_and_strangers(self):
        assert read("multiple", MULTIPLE, q=["b", "a"]) == ["a", "b"]
        assert read("multiple", MULTIPLE) is None
        for values in (["a", "a"], ["a", "nope"]):
            with pytest.raises(AnswerError):
                read("multiple", MULTIPLE, q=values)


class TestTrueFalse:
    def test_grading(self):
        data = {"answer": False}
        assert grade("true_false", data, read("true_false", data, q="false")) == 2
        assert grade("true_false", data, read("true_false", data, q="true")) == 0
        assert grade("true_false", data, None) == 0

    def test_anything_else_is_refused(self):
        with pytest.raises(AnswerError):
            read("true_false", {"answer": True}, q="maybe")


class TestShort:
    @pytest.mark.parametrize("text", ["28 days", "  28   DAYS. ", "Twenty-eight days!", "within 28"])
    def test_accepted_after_normalising_or_by_pattern(self, text):
        assert grade("short", SHORT, read("short", SHORT, q=text)) == 2

    @pytest.mark.parametrize("text", ["14 days", "288", "28 days and more"])
    def test_wrong(self, text):
        assert grade("short", SHORT, read("short", SHORT, q=text)) == 0

    def test_blank_and_huge(self):
        assert read("short", SHORT, q="   ") is None
        with pytest.raises(AnswerError):
            read("short", SHORT, q="x" * 10_000)


class TestOrdering:
    def test_pairs_scoring(self):
        assert grade("ordering", ORDERING, ["x", "y", "z"], points=3) == 3
        assert grade("ordering", ORDERING, ["y", "x", "z"], points=3) == 2  # 2 of 3 pairs in order
        assert grade("ordering", ORDERING, ["z", "y", "x"], points=3) == 0

    def test_all_or_nothing(self):
        data = dict(ORDERING, scoring="all_or_nothing")
        assert grade("ordering", data, ["x", "y", "z"]) == 2
        assert grade("ordering", data, ["y", "x", "z"]) == 0

    def test_reading_positions(self):
        assert read("ordering", ORDERING, q_x="3", q_y="1", q_z="2") == ["y", "z", "x"]
        assert read("ordering", ORDERING) is None

    @pytest.mark.parametrize("fields", [{"q_x": "1", "q_y": "1", "q_z": "2"}, {"q_x": "1"},
                                        {"q_x": "9", "q_y": "1", "q_z": "2"}, {"q_x": "one", "q_y": "2", "q_z": "3"}])
    def test_duplicates_gaps_and_junk_are_refused(self, fields):
        with pytest.raises(AnswerError):
            read("ordering", ORDERING, **fields)

    def test_a_paper_never_shows_the_items_already_in_order(self):
        for seed in range(50):
            assert QUESTION_TYPES["ordering"].paper_order(ORDERING, random.Random(seed), False) != ["x", "y", "z"]


class TestMatching:
    def test_one_share_per_correct_pair(self):
        assert grade("matching", MATCHING, {"p": "p", "q": "q", "r": "r"}, points=3) == 3
        assert grade("matching", MATCHING, {"p": "p", "q": "r", "r": "q"}, points=3) == 1
        assert grade("matching", MATCHING, {"p": "p"}, points=3) == 1  # partly answered
        assert grade("matching", MATCHING, {"p": "q", "q": "q"}, points=3) == 1  # a right side used twice

    def test_reading(self):
        assert read("matching", MATCHING, q_p="q", q_r="r") == {"p": "q", "r": "r"}
        assert read("matching", MATCHING) is None
        with pytest.raises(AnswerError):
            read("matching", MATCHING, q_p="zz")


class TestWritten:
    def test_waits_for_a_mentor_unless_blank(self):
        data = {"rubric": "...", "max_words": 5}
        assert grade("written", data, read("written", data, q="It is unsafe.")) is None
        assert grade("written", data, read("written", data, q="  ")) == 0

    def test_word_and_size_limits(self):
        with pytest.raises(AnswerError, match="6 words"):
            read("written", {"rubric": "...", "max_words": 5}, q="one two three four five six")
        with pytest.raises(AnswerError):
            read("written", {"rubric": "...", "max_words": None}, q="x" * 30_000)


def test_every_type_is_covered_here():
    assert set(QUESTION_TYPES) == {"single", "multiple", "true_false", "short", "ordering", "matching", "written"}


def test_every_real_question_grades_its_own_key_as_full_marks_and_a_blank_as_zero():
    """The curriculum's questions are all within what grading handles (no question is unanswerable)."""
    from types import SimpleNamespace

    from courses.loader import read_curriculum
    from tests.curriculum.test_real_content import CONTENT
    from tests.modules.quiz_helpers import right_answer_form

    curriculum, problems = read_curriculum(CONTENT)
    assert problems == []
    checked = 0
    for module in curriculum.modules:
        for parsed in module["quiz"]["questions"]:
            kind = QUESTION_TYPES[parsed["type"]]
            question = SimpleNamespace(type=parsed["type"], data=parsed["data"])
            answer = kind.read_answer(parsed["data"], MultiDict(right_answer_form(question, "q")), "q")
            expected = None if parsed["type"] == "written" else parsed["points"]
            assert kind.grade(parsed["data"], answer, parsed["points"]) == expected, parsed["key"]
            assert kind.grade(parsed["data"], None, parsed["points"]) == 0
            kind.describe_key(parsed["data"])
            checked += 1
    assert checked > 150
