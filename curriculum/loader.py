"""Reading, validating and loading the module folders (content/modules/, see content/README.md).

`read_modules()` parses every module and collects every problem as
`path:line: message`; `apply_modules()` writes valid modules to the
database (flush only: the command commits once), updating rows in place by
their stable keys and retiring, never deleting, what the files dropped.
The course catalogue that bundles modules is read by `courses.loader`.
"""
import datetime
import enum
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import undefer

from core.extensions import db
from core.linedyaml import Fields, LinedDict, load_lined_yaml
from core.markdown import render_lesson
from curriculum.models import Feedback, Grading, Lesson, Module, Question, Quiz, ShowAnswers
from curriculum.question_types import COMMON_KEYS, QUESTION_TYPES

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QUESTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,119}$")
MODULE_KEYS = {"title", "summary", "jurisdictions", "outcomes", "lessons", "sign_off", "resources", "sources",
               "reviewed_on", "reviewed_by"}
# The Criminal Procedure Rules 2010 and 2015 are revoked (the 2020 Rules, SI 2020/759, apply); a line may
# still mention them if it says so ("historical", "revoked").
REVOKED_RULES = re.compile(
    r"\b(?:Criminal\s+Procedure\s+Rules|Crim\s?PR|CrPR)\s*\(?\s*(2010|2015)\b"
    r"|\b(?:the\s+)?(2010|2015)\s+(?:Criminal\s+Procedure\s+)?Rules\b"
    r"|legislation\.gov\.uk/uksi/(?:(2010)/60|(2015)/1490)\b",
    re.IGNORECASE)
HISTORICAL = re.compile(r"\b(?:historical|historically|revoked)\b", re.IGNORECASE)
QUIZ_KEYS = {"title", "pass_mark", "attempts", "grading", "time_limit_minutes", "draw", "shuffle",
             "feedback", "show_answers", "questions"}


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class ChangeSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.created or self.updated or self.retired)


def _setting(fields: Fields, key: str, default: enum.Enum) -> enum.Enum:
    """A quiz setting from its closed set, written in the file as the member's value (e.g. `grading: latest`)."""
    kind = type(default)
    return kind(fields.choice(key, [member.value for member in kind], default.value))


class ContentReader:
    """Reads YAML and Markdown content files, collecting every problem as `path:line: message`."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []

    def display(self, path: Path) -> str:
        relative = os.path.relpath(path)
        return path.as_posix() if relative.startswith("..") else relative

    def reporter(self, path: Path):
        shown = self.display(path)
        return lambda line, message: self.problems.append(Problem(shown, line, message))

    def load_yaml(self, path: Path):
        report = self.reporter(path)
        try:
            data = load_lined_yaml(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            report(0, "file is missing")
            return None
        except UnicodeDecodeError:
            report(0, "file is not UTF-8 text")
            return None
        except ValueError as error:  # YAML reads 2026-02-30 as a date and fails: say where
            report(*_impossible_date(path, error))
            return None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            report(mark.line + 1 if mark else 0, f"YAML syntax error: {getattr(error, 'problem', error)}")
            return None
        if not isinstance(data, LinedDict):
            report(1, "the file must be a mapping of keys to values")
            return None
        return data

    # -- modules ------------------------------------------------------------

    def read_module(self, folder: Path) -> dict | None:
        path = folder / "module.yaml"
        raw = self.load_yaml(path)
        if raw is None:
            return None
        report = self.reporter(path)
        fields = Fields(raw, report, f"module '{folder.name}'", MODULE_KEYS)
        module = {
            "slug": folder.name,
            "title": fields.text("title"),
            "summary": fields.text("summary"),
            "jurisdictions": fields.text_list("jurisdictions", minimum=1),
            "outcomes": fields.text_list("outcomes", minimum=1),
            "lessons": self.read_lessons(folder, fields),
            "resources": self.read_links(fields, "resources", required=False),
            "sources": self.read_links(fields, "sources", required=True),
            "reviewed_on": self.read_review_date(fields),
            "reviewed_by": fields.text("reviewed_by"),
        }
        module.update(self.read_sign_off(fields))
        module["quiz"] = self.read_quiz(folder / "quiz.yaml") if (folder / "quiz.yaml").exists() else None
        for checked in [path, folder / "quiz.yaml", *(folder / f"{lesson['slug']}.md" for lesson in module["lessons"])]:
            self.check_revoked_rules(checked)
        return module

    def read_review_date(self, fields: Fields) -> datetime.date | None:
        """`reviewed_on: 2026-12-03` (YAML reads an unquoted ISO date as a date; a quoted one is parsed)."""
        value = fields.raw("reviewed_on")
        if value is None:
            fields.report(fields.line(), f"{fields.what}: 'reviewed_on' is required (the date the module was last checked, YYYY-MM-DD)")
            return None
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value.strip())
            except ValueError:
                value = None
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            fields.report(fields.line("reviewed_on"),
                          f"{fields.what}: 'reviewed_on' must be a date written YYYY-MM-DD, not '{fields.raw('reviewed_on')}'")
            return None
        return value

    def check_revoked_rules(self, path: Path) -> None:
        """Report each line citing the revoked Criminal Procedure Rules 2010 or 2015, unless it says it is historical."""
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            return  # reported where the file is read
        report = self.reporter(path)
        for number, line in enumerate(text.splitlines(), start=1):
            match = REVOKED_RULES.search(line)
            if match and not HISTORICAL.search(line):
                year = next(group for group in match.groups() if group)
                report(number, f"cites the Criminal Procedure Rules {year}, which are revoked: cite the Criminal "
                               "Procedure Rules 2020 (SI 2020/759), or say on the same line that the citation is "
                               "historical or revoked")

    def read_lessons(self, folder: Path, fields: Fields) -> list[dict]:
        lessons, seen = [], set()
        for position, raw in enumerate(fields.mapping_list("lessons", minimum=1)):
            entry = Fields(raw, fields.report, "lesson", {"file", "title", "minutes"})
            file_name = entry.text("file")
            lesson = {"title": entry.text("title"), "minutes": entry.integer("minutes", 1, 600, default=10),
                      "position": position, "slug": file_name.removesuffix(".md"), "body": ""}
            if not file_name:
                continue
            if "/" in file_name or "\\" in file_name or not file_name.endswith(".md"):
                entry.report(entry.line("file"), f"lesson file '{file_name}' must be a .md file in the module folder")
                continue
            if file_name in seen:
                entry.report(entry.line("file"), f"lesson file '{file_name}' is listed twice")
            seen.add(file_name)
            lesson_path = folder / file_name
            try:
                lesson["body"] = lesson_path.read_text(encoding="utf-8")
            except FileNotFoundError:
                entry.report(entry.line("file"), f"lesson file '{file_name}' does not exist")
            except UnicodeDecodeError:
                self.reporter(lesson_path)(0, "lesson is not UTF-8 text")
            else:
                if not lesson["body"].strip():
                    self.reporter(lesson_path)(1, "lesson is empty")
            lesson["html"] = render_lesson(lesson["title"], lesson["body"])
            lessons.append(lesson)
        return lessons

    def read_sign_off(self, fields: Fields) -> dict:
        if not fields.has("sign_off"):
            return {"is_sign_off_required": False, "exercise": "", "criteria": []}
        sign_off = Fields(fields.raw("sign_off"), fields.report, "sign_off", {"required", "exercise", "criteria"})
        required = sign_off.boolean("required", required=True)
        return {
            "is_sign_off_required": required,
            "exercise": sign_off.text("exercise", required=required),
            "criteria": sign_off.text_list("criteria", required=required, minimum=1 if required else 0),
        }

    def read_links(self, fields: Fields, key: str, required: bool) -> list[dict]:
        links = []
        for raw in fields.mapping_list(key, required=required, minimum=1 if required else 0):
            entry = Fields(raw, fields.report, key[:-1], {"title", "url", "note"})
            link = {"title": entry.text("title"), "url": entry.text("url", required=False),
                    "note": entry.text("note", required=False)}
            if link["url"] and not link["url"].startswith(("https://", "http://")):
                entry.report(entry.line("url"), f"{key[:-1]} url must start with https:// or http://")
            links.append(link)
        return links

    # -- quizzes ------------------------------------------------------------

    def read_quiz(self, path: Path) -> dict | None:
        raw = self.load_yaml(path)
        if raw is None:
            return None
        report = self.reporter(path)
        fields = Fields(raw, report, "quiz", QUIZ_KEYS)
        questions = [self.read_question(raw_question, position, report)
                     for position, raw_question in enumerate(fields.mapping_list("questions", minimum=1))]
        quiz = {
            "title": fields.text("title"),
            "pass_mark": fields.integer("pass_mark", 0, 100, default=70),
            "attempts_allowed": fields.integer("attempts", 0, 100, default=0),
            "grading": _setting(fields, "grading", Grading.HIGHEST),
            "time_limit_minutes": fields.integer("time_limit_minutes", 1, 600),
            "draw": fields.integer("draw", 1),
            "shuffle": fields.boolean("shuffle", default=True),
            "feedback": _setting(fields, "feedback", Feedback.AFTER_SUBMIT),
            "show_answers": _setting(fields, "show_answers", ShowAnswers.AFTER_PASS),
            "questions": [question for question in questions if question],
        }
        if quiz["draw"] and quiz["draw"] > len(questions):
            report(fields.line("draw"), f"quiz: draw is {quiz['draw']} but the bank has only {len(questions)} questions")
        keys = [question["key"] for question in quiz["questions"]]
        for key in {key for key in keys if keys.count(key) > 1}:
            report(fields.line("questions"), f"question id '{key}' is used more than once")
        return quiz

    def read_question(self, raw, position: int, report) -> dict | None:
        key = raw.get("id") if isinstance(raw.get("id"), str) else None
        if key is None or not QUESTION_ID.match(key):
            report(raw.line_of("id"), "question needs an 'id' of letters, digits, '-', '_' or '.'")
        kind = QUESTION_TYPES.get(raw.get("type"))
        if kind is None:
            report(raw.line_of("type"), f"question '{key}': type must be one of {', '.join(QUESTION_TYPES)}")
            return None
        fields = Fields(raw, report, f"{kind.name} question '{key or '?'}'", COMMON_KEYS | kind.keys)
        question = {
            "key": key,
            "type": kind.name,
            "prompt": fields.text("prompt"),
            "explanation": fields.text("explanation"),
            "source": fields.text("source", required=False),
            "tags": fields.text_list("tags", required=False),
            "points": fields.integer("points", 1, 100, default=1),
            "position": position,
            "line": fields.line(),
            "data": kind.parse(fields),
        }
        return question if key else None


def _impossible_date(path: Path, error: ValueError) -> tuple[int, str]:
    """The line and message for an unquoted date YAML could not construct (e.g. 2026-02-30)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for value in re.findall(r"(?<![\w.-])(\d{4}-\d{1,2}-\d{1,2})(?![\w.-])", line.split("#")[0]):
            try:
                datetime.date(*map(int, value.split("-")))
            except ValueError:
                return number, f"'{value}' is not a real date ({error}); write dates as YYYY-MM-DD"
    return 0, f"a value could not be read: {error}"


def read_modules(root: Path) -> tuple[list[dict], list[Problem]]:
    """Parse and validate every module folder under root/modules; nothing is written."""
    reader = ContentReader(root)
    modules = []
    modules_dir = root / "modules"
    if not modules_dir.is_dir():
        reader.problems.append(Problem(reader.display(modules_dir), 0, "folder is missing"))
        return modules, reader.problems
    for folder in sorted(path for path in modules_dir.iterdir() if path.is_dir()):
        if not SLUG.match(folder.name):
            reader.reporter(folder)(0, "module folder names must be lower-case words joined by '-'")
            continue
        module = reader.read_module(folder)
        if module:
            modules.append(module)
    question_owner: dict[str, str] = {}
    for module in modules:
        for question in (module["quiz"] or {}).get("questions", []):
            other = question_owner.setdefault(question["key"], module["slug"])
            if other != module["slug"]:
                reader.reporter(modules_dir / module["slug"] / "quiz.yaml")(
                    0, f"question id '{question['key']}' is also used in module '{other}'")
    return modules, reader.problems


def find_key_conflicts(root: Path, modules: list[dict]) -> list[Problem]:
    """Question ids already used by another module in the database may never be reused."""
    owners = dict(db.session.execute(
        select(Question.key, Module.slug).join(Quiz, Question.quiz_id == Quiz.id).join(Module)
    ).all())
    display = ContentReader(root).display
    return [
        Problem(display(root / "modules" / module["slug"] / "quiz.yaml"), question["line"],
                f"question id '{question['key']}' already belongs to module "
                f"'{owners[question['key']]}'; ids are never reused")
        for module in modules
        for question in (module["quiz"] or {}).get("questions", [])
        if owners.get(question["key"], module["slug"]) != module["slug"]
    ]


def assign(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def upsert(model, existing, key_values: dict, values: dict, label: str, summary: ChangeSummary):
    if existing is None:
        existing = model(**key_values, **values)
        db.session.add(existing)
        summary.created.append(label)
    elif assign(existing, values):
        summary.updated.append(label)
    return existing


def apply_modules(parsed_modules: list[dict], summary: ChangeSummary) -> dict[str, Module]:
    """Make the modules, lessons and quizzes match the files; returns every module by slug. Flushes only."""
    modules = {m.slug: m for m in db.session.scalars(select(Module))}
    for parsed in parsed_modules:
        values = {k: v for k, v in parsed.items() if k not in {"slug", "lessons", "quiz"}}
        values["is_retired"] = False
        module = upsert(Module, modules.get(parsed["slug"]), {"slug": parsed["slug"]}, values,
                        f"module {parsed['slug']}", summary)
        db.session.flush()
        modules[parsed["slug"]] = module
        _apply_lessons(module, parsed["lessons"], summary)
        if parsed["quiz"]:
            _apply_quiz(module, parsed["quiz"], summary)
    listed = {parsed["slug"] for parsed in parsed_modules}
    for slug, module in modules.items():
        if slug not in listed and assign(module, {"is_retired": True}):
            summary.retired.append(f"module {slug}")
    return modules


def _apply_lessons(module: Module, parsed_lessons: list[dict], summary: ChangeSummary) -> None:
    existing = {lesson.slug: lesson for lesson in db.session.scalars(
        select(Lesson).where(Lesson.module_id == module.id).options(undefer(Lesson.body), undefer(Lesson.html)))}
    for parsed in parsed_lessons:
        values = {k: v for k, v in parsed.items() if k != "slug"} | {"is_retired": False}
        upsert(Lesson, existing.pop(parsed["slug"], None), {"slug": parsed["slug"], "module_id": module.id},
                values, f"lesson {module.slug}/{parsed['slug']}", summary)
    for slug, lesson in existing.items():
        if assign(lesson, {"is_retired": True}):
            summary.retired.append(f"lesson {module.slug}/{slug}")


def _apply_quiz(module: Module, parsed: dict, summary: ChangeSummary) -> None:
    quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == module.id))
    values = {k: v for k, v in parsed.items() if k != "questions"}
    quiz = upsert(Quiz, quiz, {"module_id": module.id}, values, f"quiz {module.slug}", summary)
    db.session.flush()
    existing = {q.key: q for q in db.session.scalars(select(Question).where(Question.quiz_id == quiz.id))}
    for question in parsed["questions"]:
        values = {k: v for k, v in question.items() if k not in {"key", "line"}} | {"is_retired": False}
        upsert(Question, existing.pop(question["key"], None), {"key": question["key"], "quiz_id": quiz.id},
                values, f"question {question['key']}", summary)
    for key, question in existing.items():
        if assign(question, {"is_retired": True}):
            summary.retired.append(f"question {key}")
