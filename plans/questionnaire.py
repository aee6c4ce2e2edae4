"""The needs-assessment questionnaire as content: content/assessment.yaml, checked and loaded with the curriculum.

`read_questionnaire()` parses the file and reports every problem as
`path:line: message`; `apply_questionnaire()` makes the `assessment_questions`
rows match it (flush only), retiring, never deleting, a question the file
drops, so past assessments keep their meaning. `flask content check|load`
reach both through `courses.loader.content_parts` (see `register`).
"""
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from core.extensions import db
from core.linedyaml import Fields
from courses.loader import ContentPart, Curriculum
from curriculum.loader import SLUG, ChangeSummary, ContentReader, assign, upsert
from plans.models import AssessmentQuestion, QuestionKind

FILE_NAME = "assessment.yaml"
TOP_KEYS = {"scale", "questions", "topics"}
QUESTION_KEYS = {"key", "type", "prompt", "hint", "options", "min", "max", "required"}
OPTION_KEYS = {"value", "label", "stresses"}
TOPIC_KEYS = {"key", "title", "hint", "modules"}
ASKED_KINDS = [kind.value for kind in QuestionKind if kind is not QuestionKind.TOPIC]
SCALE = range(1, 6)


@dataclass
class Questionnaire:
    #: rows to write, in the order they are asked: the questions, then the topics
    questions: list[dict] = field(default_factory=list)

    @property
    def topic_count(self) -> int:
        return sum(1 for question in self.questions if question["kind"] == QuestionKind.TOPIC.value)


class QuestionnaireReader(ContentReader):
    def read(self, path: Path, module_slugs: set[str]) -> Questionnaire:
        raw = self.load_yaml(path)
        if raw is None:
            return Questionnaire()
        report = self.reporter(path)
        top = Fields(raw, report, FILE_NAME, TOP_KEYS)
        scale = self.read_scale(top)
        topics = [self.read_topic(Fields(item, report, "topic", TOPIC_KEYS), module_slugs, scale)
                  for item in top.mapping_list("topics", minimum=1)]
        topic_keys = {topic["key"] for topic in topics}
        questions = [self.read_question(Fields(item, report, "question", QUESTION_KEYS), topic_keys)
                     for item in top.mapping_list("questions", minimum=1)]
        seen: set[str] = set()
        for item in questions + topics:
            if item["key"] in seen:
                report(item["line"], f"key '{item['key']}' is used twice (questions and topics share one set of keys)")
            seen.add(item["key"])
        for position, item in enumerate(questions + topics):
            item["position"] = position
        return Questionnaire(questions + topics)

    def read_scale(self, top: Fields) -> list[dict]:
        scale = top.raw("scale")
        wanted = ", ".join(str(n) for n in SCALE)
        if not isinstance(scale, dict) or sorted(scale) != list(SCALE) or not all(
                isinstance(label, str) and label.strip() for label in scale.values()):
            top.report(top.line("scale" if top.has("scale") else None),
                       f"'scale' must name each confidence level {wanted} (e.g. 1: Not at all confident)")
            return [{"value": n, "label": str(n)} for n in SCALE]
        return [{"value": n, "label": f"{n} – {scale[n].strip()}"} for n in SCALE]

    def read_key(self, fields: Fields) -> str:
        key = fields.text("key")
        if key and not SLUG.match(key):
            fields.report(fields.line("key"), f"key '{key}' must be lower-case words joined by '-'")
        return key

    def read_topic(self, fields: Fields, module_slugs: set[str], scale: list[dict]) -> dict:
        key = self.read_key(fields)
        modules = fields.text_list("modules", minimum=1)
        for slug in modules:
            if slug not in module_slugs:
                fields.report(fields.line("modules"), f"topic '{key}' names module '{slug}', which has no folder in modules/")
        return {"key": key, "kind": QuestionKind.TOPIC.value, "prompt": fields.text("title"),
                "hint": fields.text("hint", required=False), "options": scale, "module_slugs": modules,
                "minimum": None, "maximum": None, "is_required": True, "line": fields.line()}

    def read_question(self, fields: Fields, topic_keys: set[str]) -> dict:
        key = self.read_key(fields)
        kind = fields.choice("type", ASKED_KINDS, QuestionKind.TEXT.value)
        question = {"key": key, "kind": kind, "prompt": fields.text("prompt"),
                    "hint": fields.text("hint", required=False), "options": [], "module_slugs": [],
                    "minimum": None, "maximum": None, "is_required": fields.boolean("required", default=True),
                    "line": fields.line()}
        if fields.has("type") and fields.raw("type") != kind:
            return question  # an unknown type was reported; its other keys cannot be judged
        if kind in (QuestionKind.CHOICE.value, QuestionKind.MULTIPLE.value):
            question["options"] = self.read_options(fields, topic_keys)
        elif fields.has("options"):
            fields.report(fields.line("options"), f"a {kind} question has no 'options'")
        if kind == QuestionKind.NUMBER.value:
            question["minimum"] = fields.integer("min", 0, 1_000_000, required=True, default=0)
            question["maximum"] = fields.integer("max", 0, 1_000_000, required=True, default=1_000_000)
            if question["minimum"] > question["maximum"]:
                fields.report(fields.line("max"), f"question '{key}': 'max' must not be below 'min'")
        else:
            for name in ("min", "max"):
                if fields.has(name):
                    fields.report(fields.line(name), f"a {kind} question has no '{name}'")
        return question

    def read_options(self, fields: Fields, topic_keys: set[str]) -> list[dict]:
        options, values = [], set()
        for item in fields.mapping_list("options", minimum=2):
            option = Fields(item, fields.report, "option", OPTION_KEYS)
            value, stresses = option.text("value"), option.text_list("stresses", required=False)
            if value in values:
                option.report(option.line("value"), f"option value '{value}' is used twice")
            values.add(value)
            for topic in stresses:
                if topic not in topic_keys:
                    option.report(option.line("stresses"), f"option '{value}' stresses '{topic}', which is not a topic")
            options.append({"value": value, "label": option.text("label"), "stresses": stresses})
        return options


def read_questionnaire(root: Path, module_slugs: set[str]) -> tuple[Questionnaire, list]:
    """Parse and check content/assessment.yaml against the curriculum's module folders; nothing is written."""
    reader = QuestionnaireReader(root)
    questionnaire = reader.read(root / FILE_NAME, module_slugs)
    return questionnaire, reader.problems


def apply_questionnaire(questionnaire: Questionnaire, summary: ChangeSummary) -> None:
    """Make the questions match a checked questionnaire, by key; flushes, never commits."""
    existing = {question.key: question for question in db.session.scalars(select(AssessmentQuestion))}
    for parsed in questionnaire.questions:
        values = {name: value for name, value in parsed.items() if name not in {"key", "line"}} | {"is_retired": False}
        upsert(AssessmentQuestion, existing.pop(parsed["key"], None), {"key": parsed["key"]}, values,
               f"assessment question {parsed['key']}", summary)
    for key, question in existing.items():
        if assign(question, {"is_retired": True}):
            summary.retired.append(f"assessment question {key}")
    db.session.flush()


def content_part(root: Path, curriculum: Curriculum) -> ContentPart | None:
    """The questionnaire as a part of the content tree (receiver of `courses.loader.content_parts`)."""
    if not (root / FILE_NAME).exists():
        return None
    folders = {path.name for path in (root / "modules").iterdir() if path.is_dir()}
    questionnaire, problems = read_questionnaire(root, folders)
    return ContentPart(
        label=f"assessment: {len(questionnaire.questions) - questionnaire.topic_count} questions and "
              f"{questionnaire.topic_count} topics",
        problems=problems, apply=lambda summary: apply_questionnaire(questionnaire, summary))
