"""The registry of question types (STYLE.md §8).

Each type validates its own part of a quiz.yaml question and turns it into
the `data` stored on `Question`. Choices get stable ids derived from their
text (or an explicit `id`), so re-ordering options in a file does not change
what a past answer meant.

At quiz time each type also orders its choices for one paper
(`paper_order`), reads a posted answer (`read_answer`: raises AnswerError on
anything it cannot accept, so nothing tampered is ever scored), renders its
input (`render`), grades an answer to a score between 0 and the points
(`grade`; None means a person must mark it) and describes answers and the
key in words for the review page.

For demo data, benchmarks and tests each type also makes up an answer
(`sample_answer`: the key, or a near miss) and turns an answer back into
the form fields that post it (`answer_form`, the inverse of `read_answer`).
Adding a type means one class here, added to QUESTION_TYPES.
"""
import hashlib
import random
import re
import string

from flask import render_template
from markupsafe import Markup

from core.linedyaml import Fields

SHORT_ANSWER_MAX_CHARS = 200
WRITTEN_ANSWER_MAX_CHARS = 20_000
SAMPLE_WRITTEN_ANSWER = ("The Court of Appeal asks whether the conviction is safe. Fresh evidence is received under "
                         "section 23 if it is capable of belief and would have been admissible, with a reasonable "
                         "explanation for not adducing it at trial.")


class AnswerError(ValueError):
    """A posted answer that cannot be accepted; the message tells the trainee what to do."""

COMMON_KEYS = {"id", "type", "prompt", "explanation", "source", "tags", "points"}


def choice_id(text: str) -> str:
    return hashlib.sha1(text.strip().encode()).hexdigest()[:8]


def normalise_answer(text: str) -> str:
    """Case, spacing and punctuation do not matter in a short answer."""
    stripped = text.translate(str.maketrans("", "", string.punctuation))
    return " ".join(stripped.lower().split())


def _out_of_order(ids: list[str], rng: random.Random) -> list[str]:
    """A shuffle of two or more ids that is never the original order."""
    shown = ids[:]
    while shown == ids:
        rng.shuffle(shown)
    return shown


def _word_count(text: str) -> int:
    return len(text.split())


class QuestionType:
    name: str
    label: str
    keys: set[str] = set()
    #: choice questions: how often each option was chosen is worth counting in item analysis
    has_options = False
    #: answers are scored by a person (a mentor marks them), never by `grade`, so they are not regraded either
    is_marked_by_person = False
    #: what the review page calls `describe_key`'s text
    key_label = "Right answer"

    def parse(self, fields: Fields) -> dict:
        raise NotImplementedError

    def paper_order(self, data: dict, rng: random.Random, shuffle: bool) -> list[str]:
        """The ids this paper shows in order (none for types without choices)."""
        return []

    def read_answer(self, data: dict, form, name: str):
        """The answer posted under `name` as a plain value, None when left blank; AnswerError when unacceptable."""
        raise NotImplementedError

    def grade(self, data: dict, answer, points: int) -> float | None:
        """Score between 0 and `points`; an unanswered question scores 0."""
        raise NotImplementedError

    def choice_key(self, answer) -> str | None:
        return None

    def describe(self, data: dict, answer) -> str:
        """The trainee's answer in words."""
        return "" if answer is None else str(answer)

    def describe_key(self, data: dict) -> str:
        """The right answer in words."""
        raise NotImplementedError

    def feedback_on(self, data: dict, answer) -> list[str]:
        """The authors' feedback on what the trainee chose (choice questions), for the review page."""
        return []

    def sample_answer(self, data: dict, right: bool = True, order: list[str] = (), rng: random.Random | None = None):
        """A plausible stored answer: the key when `right`, otherwise a near miss (`order` is the paper's)."""
        raise NotImplementedError

    def answer_form(self, data: dict, answer, name: str) -> dict:
        """The form fields that post `answer` under `name`: `read_answer` reads them back as `answer`."""
        return {} if answer is None else {name: answer}

    def render(self, question, order: list[str], answer, name: str, posted=None, error: str | None = None) -> Markup:
        """The accessible input for this question; `posted` (the form just sent) wins over the saved answer."""
        return Markup(render_template(f"modules/questions/_{self.name}.html", kind=self, question=question,
                                      data=question.data, order=order, answer=answer, name=name,
                                      posted=posted, error=error))

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

    @staticmethod
    def _options_by_id(data: dict) -> dict[str, dict]:
        return {option["id"]: option for option in data["options"]}


class _ChoiceType(QuestionType):
    has_options = True

    def paper_order(self, data, rng, shuffle):
        ids = [option["id"] for option in data["options"]]
        if shuffle:
            rng.shuffle(ids)
        return ids

    def describe_key(self, data):
        return "; ".join(option["text"] for option in data["options"] if option["correct"])

    def feedback_on(self, data, answer):
        chosen = [answer] if isinstance(answer, str) else (answer or [])
        return [option["feedback"] for option in data["options"] if option["feedback"] and option["id"] in chosen]


class SingleChoice(_ChoiceType):
    name, label = "single", "Choose one"
    keys = {"options"}

    def parse(self, fields):
        options = self._choices(fields, "options", {"id", "text", "correct", "feedback"}, minimum=2)
        correct = sum(option["correct"] for option in options)
        if options and correct != 1:
            fields.report(fields.line("options"),
                          f"{fields.what} has {correct} correct options; it needs exactly 1")
        return {"options": options}

    def read_answer(self, data, form, name):
        values = form.getlist(name)
        if not values or values == [""]:
            return None
        if len(values) > 1 or values[0] not in self._options_by_id(data):
            raise AnswerError("That is not one of this question's options; choose one of those shown.")
        return values[0]

    def grade(self, data, answer, points):
        return float(points) if answer is not None and self._options_by_id(data)[answer]["correct"] else 0.0

    def choice_key(self, answer):
        return answer

    def describe(self, data, answer):
        return "" if answer is None else self._options_by_id(data)[answer]["text"]

    def sample_answer(self, data, right=True, order=(), rng=None):
        return next(option["id"] for option in data["options"] if option["correct"] is right)


class MultipleChoice(_ChoiceType):
    name, label = "multiple", "Choose all that apply"
    keys = {"options", "scoring"}

    def parse(self, fields):
        options = self._choices(fields, "options", {"id", "text", "correct", "feedback"}, minimum=2)
        correct = sum(option["correct"] for option in options)
        if options and not (1 <= correct < len(options)):
            fields.report(fields.line("options"),
                          f"{fields.what}: a multiple question needs at least one correct and one wrong option")
        return {"options": options, "scoring": fields.choice("scoring", ("all_or_nothing", "partial"), "all_or_nothing")}

    def read_answer(self, data, form, name):
        values = [value for value in form.getlist(name) if value != ""]
        if not values:
            return None
        options = self._options_by_id(data)
        if len(set(values)) != len(values) or any(value not in options for value in values):
            raise AnswerError("That is not a set of this question's options; tick among those shown.")
        return sorted(values)

    def grade(self, data, answer, points):
        """All or nothing; or partial: each right option ticked earns a share, each wrong one costs a share."""
        if not answer:
            return 0.0
        correct = {option["id"] for option in data["options"] if option["correct"]}
        chosen = set(answer)
        if data["scoring"] == "all_or_nothing":
            return float(points) if chosen == correct else 0.0
        fraction = (len(chosen & correct) - len(chosen - correct)) / len(correct)
        return round(points * max(0.0, fraction), 4)

    def choice_key(self, answer):
        return None if answer is None else ",".join(answer)

    def describe(self, data, answer):
        options = self._options_by_id(data)
        return "; ".join(options[option_id]["text"] for option_id in answer or [])

    def sample_answer(self, data, right=True, order=(), rng=None):
        """Wrong: the first right option and one other drawn from the paper."""
        correct = sorted(option["id"] for option in data["options"] if option["correct"])
        if right:
            return correct
        return sorted(set(correct[:1]) | {(rng or random).choice(order or [o["id"] for o in data["options"]])})


class TrueFalse(QuestionType):
    name, label = "true_false", "True or false"
    keys = {"answer"}
    has_options = True

    def parse(self, fields):
        return {"answer": fields.boolean("answer", required=True)}

    def read_answer(self, data, form, name):
        values = form.getlist(name)
        if not values or values == [""]:
            return None
        if len(values) > 1 or values[0] not in ("true", "false"):
            raise AnswerError("Choose True or False.")
        return values[0] == "true"

    def grade(self, data, answer, points):
        return float(points) if answer is not None and answer == data["answer"] else 0.0

    def choice_key(self, answer):
        return None if answer is None else ("true" if answer else "false")

    def describe(self, data, answer):
        return "" if answer is None else ("True" if answer else "False")

    def describe_key(self, data):
        return "True" if data["answer"] else "False"

    def sample_answer(self, data, right=True, order=(), rng=None):
        return data["answer"] if right else not data["answer"]

    def answer_form(self, data, answer, name):
        return {} if answer is None else {name: "true" if answer else "false"}


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

    def read_answer(self, data, form, name):
        text = form.get(name, "").strip()
        if len(text) > SHORT_ANSWER_MAX_CHARS:
            raise AnswerError(f"Keep a short answer under {SHORT_ANSWER_MAX_CHARS} characters.")
        return text or None

    def grade(self, data, answer, points):
        """Right when it matches an accepted answer once case, spacing and punctuation are set aside, or the pattern."""
        if not answer:
            return 0.0
        if normalise_answer(answer) in {normalise_answer(accepted) for accepted in data["answers"]}:
            return float(points)
        if data.get("pattern") and re.search(data["pattern"], answer.strip()):
            return float(points)
        return 0.0

    def describe_key(self, data):
        return " or ".join(data["answers"])

    def sample_answer(self, data, right=True, order=(), rng=None):
        return data["answers"][0] if right else "I am not sure"


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

    def paper_order(self, data, rng, shuffle):
        """Always shuffled (the bank's order is the answer)."""
        return _out_of_order([item["id"] for item in data["items"]], rng)

    def read_answer(self, data, form, name):
        ids = [item["id"] for item in data["items"]]
        positions = {}
        for item_id in ids:
            value = form.get(f"{name}-{item_id}", "")
            if value == "":
                continue
            if not value.isdigit() or not 1 <= int(value) <= len(ids):
                raise AnswerError(f"Give each item a position from 1 to {len(ids)}.")
            positions[item_id] = int(value)
        if not positions:
            return None
        if len(positions) != len(ids):
            raise AnswerError("Give every item a position, or leave them all blank.")
        if len(set(positions.values())) != len(ids):
            raise AnswerError("Give each item a different position.")
        return sorted(ids, key=positions.get)

    def grade(self, data, answer, points):
        """All or nothing; or by pairs: the share of item pairs placed in the right relative order."""
        if not answer:
            return 0.0
        ids = [item["id"] for item in data["items"]]
        if data["scoring"] == "all_or_nothing":
            return float(points) if answer == ids else 0.0
        place = {item_id: index for index, item_id in enumerate(answer)}
        pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
        right = sum(1 for a, b in pairs if place[a] < place[b])
        return round(points * right / len(pairs), 4)

    def describe(self, data, answer):
        texts = {item["id"]: item["text"] for item in data["items"]}
        return " → ".join(texts[item_id] for item_id in answer or [])

    def describe_key(self, data):
        return " → ".join(item["text"] for item in data["items"])

    def sample_answer(self, data, right=True, order=(), rng=None):
        """Wrong: the order the paper showed (never the right one: see `paper_order`)."""
        ids = [item["id"] for item in data["items"]]
        return ids if right else list(order or reversed(ids))

    def answer_form(self, data, answer, name):
        return {f"{name}-{item_id}": str(position) for position, item_id in enumerate(answer or [], start=1)}


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

    def paper_order(self, data, rng, shuffle):
        """The right-hand sides, always shuffled (in the bank's order they would line up with their pairs)."""
        return _out_of_order([pair["id"] for pair in data["pairs"]], rng)

    def read_answer(self, data, form, name):
        ids = {pair["id"] for pair in data["pairs"]}
        answer = {}
        for pair_id in sorted(ids):
            value = form.get(f"{name}-{pair_id}", "")
            if value == "":
                continue
            if value not in ids:
                raise AnswerError("Choose each match from the list shown.")
            answer[pair_id] = value
        return answer or None

    def grade(self, data, answer, points):
        """Each correct pair earns an equal share of the points."""
        if not answer:
            return 0.0
        right = sum(1 for left, chosen in answer.items() if left == chosen)
        return round(points * right / len(data["pairs"]), 4)

    def describe(self, data, answer):
        pairs = {pair["id"]: pair for pair in data["pairs"]}
        return "; ".join(f"{pairs[left]['left']} → {pairs[right]['right']}" for left, right in (answer or {}).items())

    def describe_key(self, data):
        return "; ".join(f"{pair['left']} → {pair['right']}" for pair in data["pairs"])

    def sample_answer(self, data, right=True, order=(), rng=None):
        """Wrong: each left side matched with the right side the paper showed beside it."""
        shown = list(order or reversed([pair["id"] for pair in data["pairs"]]))
        return {pair["id"]: pair["id"] if right else shown[index] for index, pair in enumerate(data["pairs"])}

    def answer_form(self, data, answer, name):
        return {f"{name}-{left}": right for left, right in (answer or {}).items()}


class Written(QuestionType):
    name, label = "written", "Written answer (marked by a mentor)"
    keys = {"rubric", "max_words"}
    is_marked_by_person = True
    key_label = "Rubric"

    def parse(self, fields):
        return {"rubric": fields.text("rubric"), "max_words": fields.integer("max_words", minimum=1)}

    def read_answer(self, data, form, name):
        text = form.get(name, "").strip()
        if len(text) > WRITTEN_ANSWER_MAX_CHARS:
            raise AnswerError(f"Keep your answer under {WRITTEN_ANSWER_MAX_CHARS:,} characters.")
        limit = data.get("max_words")
        if limit and _word_count(text) > limit:
            raise AnswerError(f"Your answer has {_word_count(text)} words; shorten it to {limit} or fewer.")
        return text or None

    def grade(self, data, answer, points):
        """A blank answer scores 0; anything written waits for a mentor (None)."""
        return 0.0 if not answer else None

    def describe_key(self, data):
        return data["rubric"]

    def sample_answer(self, data, right=True, order=(), rng=None):
        """Some text for a mentor to mark (written answers are never right or wrong until marked)."""
        return SAMPLE_WRITTEN_ANSWER


QUESTION_TYPES: dict[str, QuestionType] = {
    kind.name: kind for kind in (SingleChoice(), MultipleChoice(), TrueFalse(), ShortAnswer(), Ordering(), Matching(), Written())
}
