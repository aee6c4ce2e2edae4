"""The registry of question types (STYLE.md §8).

Each type validates its own part of a quiz.yaml question and turns it into
the `data` stored on `Question`. Choices get stable ids derived from their
text (or an explicit `id`), so re-ordering options in a file does not change
what a past answer meant.
"""
import hashlib
import re
import string

from core.linedyaml import Fields

COMMON_KEYS = {"id", "type", "prompt", "explanation", "source", "tags", "points"}


def choice_id(text: str) -> str:
    return hashlib.sha1(text.strip().encode()).hexdigest()[:8]


def normalise_answer(text: str) -> str:
    """Case, spacing and punctuation do not matter in a short answer."""
    stripped = text.translate(str.maketrans("", "", string.punctuation))
    return " ".join(stripped.lower().split())


class QuestionType:
    name: str
    label: str
    keys: set[str] = set()

    def parse(self, fields: Fields) -> dict:
        raise NotImplementedError

    def _choices(self, fields: Fields, key: str, entry_keys: set[str], minimum: int) -> list[dict]:
        choices, seen = [], set()
        for raw in fields.mapping_list(key, minimum=minimum):
            entry = Fields(raw, fields.report, f"{fields.what} {key[:-1]}", entry_keys)
            text = entry.text("text")
            identifier = entry.text("id", required=False) or choice_id(text)
            if identifier in seen:
                fields.report(entry.line(), f"{fields.what}: two {key} have the same text or id")
            seen.add(identifier)
            choices.append({"id": identifier, "text": text, "correct": entry.boolean("correct"),
                            "feedback": entry.text("feedback", required=False)})
        return choices


class SingleChoice(QuestionType):
    name, label = "single", "Choose one"
    keys = {"options"}

    def parse(self, fields):
        options = self._choices(fields, "options", {"id", "text", "correct", "feedback"}, minimum=2)
        correct = sum(option["correct"] for option in options)
        if options and correct != 1:
            fields.report(fields.line("options"),
                          f"{fields.what} has {correct} correct options; it needs exactly 1")
        return {"options": options}


class MultipleChoice(QuestionType):
    name, label = "multiple", "Choose all that apply"
    keys = {"options", "scoring"}

    def parse(self, fields):
        options = self._choices(fields, "options", {"id", "text", "correct", "feedback"}, minimum=2)
        correct = sum(option["correct"] for option in options)
        if options and not (1 <= correct < len(options)):
            fields.report(fields.line("options"),
                          f"{fields.what}: a multiple question needs at least one correct and one wrong option")
        return {"options": options, "scoring": fields.choice("scoring", ("all_or_nothing", "partial"), "all_or_nothing")}


class TrueFalse(QuestionType):
    name, label = "true_false", "True or false"
    keys = {"answer"}

    def parse(self, fields):
        return {"answer": fields.boolean("answer", required=True)}


class ShortAnswer(QuestionType):
    name, label = "short", "Short answer"
    keys = {"answers", "pattern"}

    def parse(self, fields):
        answers = fields.text_list("answers", minimum=1)
        for answer in answers:
            if not normalise_answer(answer):
                fields.report(fields.line("answers"), f"{fields.what}: answer '{answer}' is empty once punctuation is ignored")
        pattern = fields.text("pattern", required=False)
        if pattern:
            try:
                re.compile(pattern)
            except re.error as error:
                fields.report(fields.line("pattern"), f"{fields.what}: 'pattern' is not a valid regular expression ({error})")
        return {"answers": answers, "pattern": pattern}


class Ordering(QuestionType):
    name, label = "ordering", "Put in order"
    keys = {"items", "scoring"}

    def parse(self, fields):
        items = fields.text_list("items", minimum=2)
        if len(set(items)) != len(items):
            fields.report(fields.line("items"), f"{fields.what}: ordering items must all differ")
        return {
            "items": [{"id": choice_id(item), "text": item} for item in items],
            "scoring": fields.choice("scoring", ("all_or_nothing", "pairs"), "all_or_nothing"),
        }


class Matching(QuestionType):
    name, label = "matching", "Match the pairs"
    keys = {"pairs"}

    def parse(self, fields):
        pairs = []
        for raw in fields.mapping_list("pairs", minimum=2):
            pair = Fields(raw, fields.report, f"{fields.what} pair", {"left", "right"})
            pairs.append({"left": pair.text("left"), "right": pair.text("right")})
        for side in ("left", "right"):
            values = [pair[side] for pair in pairs]
            if len(set(values)) != len(values):
                fields.report(fields.line("pairs"), f"{fields.what}: every '{side}' in pairs must differ")
        return {"pairs": [dict(pair, id=choice_id(pair["left"])) for pair in pairs]}


class Written(QuestionType):
    name, label = "written", "Written answer (marked by a mentor)"
    keys = {"rubric", "max_words"}

    def parse(self, fields):
        return {"rubric": fields.text("rubric"), "max_words": fields.integer("max_words", minimum=1)}


QUESTION_TYPES: dict[str, QuestionType] = {
    kind.name: kind for kind in (SingleChoice(), MultipleChoice(), TrueFalse(), ShortAnswer(), Ordering(), Matching(), Written())
}
