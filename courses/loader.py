"""The course catalogue (courses.yaml), and the whole content tree: modules first, then the courses that bundle them.

`read_curriculum()` parses modules and courses and collects every problem
as `path:line: message`; `apply_curriculum()` writes a valid tree to the
database (flush only: the command commits once).
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from blinker import Namespace
from sqlalchemy import select

from core.extensions import db
from core.linedyaml import Fields
from courses import structure
from courses.models import Course, CourseFormat, CourseModule
from curriculum.loader import SLUG, ChangeSummary, ContentReader, Problem, apply_modules, assign, read_modules, upsert
from curriculum.models import Module

COURSE_KEYS = {"slug", "title", "format", "summary", "audience", "modules", "weeks", "schedule", "check_ins",
               "certificate_valid_years"}


@dataclass
class Curriculum:
    modules: list[dict] = field(default_factory=list)
    courses: list[dict] = field(default_factory=list)
    #: files beside the curriculum that higher layers own, read through `content_parts`
    parts: list["ContentPart"] = field(default_factory=list)


@dataclass
class ContentPart:
    """A file beside the curriculum owned by a higher layer (the needs assessment, say): read, checked, applied."""

    #: what `content check` reports when it is valid ("assessment: 15 questions")
    label: str
    problems: list[Problem]
    #: makes the database match the file; flushes, never commits
    apply: Callable[[ChangeSummary], None]


_signals = Namespace()

#: sent while reading the content tree, with root (the folder) and curriculum (the parsed Curriculum);
#: each receiver returns a ContentPart, or None when its file is absent, so `flask content` checks and
#: loads files owned by layers above this one without importing them
content_parts = _signals.signal("content-parts")

#: sent once the whole tree is written (flushed, not committed), with no arguments, also when nothing changed,
#: so a receiver above this layer brings what it derives from the content (the search index) up to date in the
#: same transaction
content_loaded = _signals.signal("content-loaded")


class CourseReader(ContentReader):
    def read_courses(self, path: Path, module_slugs: set[str]) -> list[dict]:
        raw = self.load_yaml(path)
        if raw is None:
            return []
        report = self.reporter(path)
        top = Fields(raw, report, "courses.yaml", {"courses"})
        courses, slugs = [], set()
        for position, raw_course in enumerate(top.mapping_list("courses", minimum=1)):
            course = self.read_course(Fields(raw_course, report, "course", COURSE_KEYS), position, module_slugs)
            if course["slug"] in slugs:
                report(raw_course.line, f"course slug '{course['slug']}' is used twice")
            slugs.add(course["slug"])
            courses.append(course)
        return courses

    def read_course(self, fields: Fields, position: int, module_slugs: set[str]) -> dict:
        slug = fields.text("slug")
        if slug and not SLUG.match(slug):
            fields.report(fields.line("slug"), f"course slug '{slug}' must be lower-case words joined by '-'")
        formats = tuple(choice.value for choice in CourseFormat)
        course_format = CourseFormat(fields.choice("format", formats, "half-day"))
        course = {
            "slug": slug, "title": fields.text("title"), "format": course_format,
            "summary": fields.text("summary"), "audience": fields.text("audience", required=False),
            "position": position, "weeks": None, "check_in_weeks": [],
            "certificate_valid_years": fields.integer("certificate_valid_years", 1, 20),
        }
        modules = fields.text_list("modules", required=course_format.is_workshop, minimum=1 if course_format.is_workshop else 0)
        weeks_by_module: dict[str, int] = {}
        if course_format is CourseFormat.MULTI_WEEK:
            course["weeks"] = fields.integer("weeks", 1, 104, required=True, default=1)
            weeks_by_module = self.read_schedule(fields, course["weeks"])
            course["check_in_weeks"] = self.read_check_ins(fields, course["weeks"])
            modules = modules or list(weeks_by_module)
            for slug_in_schedule in weeks_by_module:
                if slug_in_schedule not in modules:
                    fields.report(fields.line("schedule"), f"schedule names '{slug_in_schedule}', which is not in the course's modules")
        else:
            for key in ("weeks", "schedule", "check_ins"):
                if fields.has(key):
                    fields.report(fields.line(key), f"a {course_format.value} course has no '{key}'")
        for module_slug in modules:
            if module_slug not in module_slugs:
                fields.report(fields.line("modules" if fields.has("modules") else "schedule"),
                              f"course '{slug}' names module '{module_slug}', which has no folder in modules/")
        if len(set(modules)) != len(modules):
            fields.report(fields.line("modules"), f"course '{slug}' lists a module twice")
        course["modules"] = [(module_slug, weeks_by_module.get(module_slug)) for module_slug in dict.fromkeys(modules)]
        return course

    def read_check_ins(self, fields: Fields, weeks: int) -> list[int]:
        check_ins = fields.raw("check_ins") or []
        if not isinstance(check_ins, list) or not all(
                isinstance(week, int) and not isinstance(week, bool) and 1 <= week <= weeks for week in check_ins):
            fields.report(fields.line("check_ins"), f"check_ins must be a list of week numbers from 1 to {weeks}")
            return []
        return sorted(set(check_ins))

    def read_schedule(self, fields: Fields, weeks: int) -> dict[str, int]:
        schedule = fields.raw("schedule")
        if not isinstance(schedule, dict):
            fields.report(fields.line("schedule" if fields.has("schedule") else None),
                          "a multi-week course needs a schedule: week number -> list of modules")
            return {}
        weeks_by_module: dict[str, int] = {}
        for week, slugs in schedule.items():
            line = schedule.line_of(week)
            if not isinstance(week, int) or not 1 <= week <= weeks:
                fields.report(line, f"schedule week '{week}' must be a number from 1 to {weeks}")
                continue
            for module_slug in slugs if isinstance(slugs, list) else [slugs]:
                if module_slug in weeks_by_module:
                    fields.report(line, f"module '{module_slug}' is scheduled in two weeks")
                weeks_by_module.setdefault(str(module_slug), week)
        return weeks_by_module


def read_curriculum(root: Path) -> tuple[Curriculum, list[Problem]]:
    """Parse and validate the whole tree; nothing is written."""
    modules, problems = read_modules(root)
    curriculum = Curriculum(modules=modules)
    modules_dir = root / "modules"
    if not modules_dir.is_dir():
        return curriculum, problems
    reader = CourseReader(root)
    folders = {path.name for path in modules_dir.iterdir() if path.is_dir()}
    curriculum.courses = reader.read_courses(root / "courses.yaml", folders)
    curriculum.parts = [part for _receiver, part in content_parts.send(root, curriculum=curriculum) if part]
    return curriculum, problems + reader.problems + [p for part in curriculum.parts for p in part.problems]


def apply_curriculum(curriculum: Curriculum) -> ChangeSummary:
    """Make the database match a validated curriculum, then send `content_loaded`; flushes, never commits."""
    summary = ChangeSummary()
    modules = apply_modules(curriculum.modules, summary)
    _apply_courses(curriculum.courses, modules, summary)
    db.session.flush()
    for part in curriculum.parts:
        part.apply(summary)
    db.session.flush()
    if not summary.is_empty:
        structure.record_change()
    content_loaded.send()
    return summary


def _apply_courses(parsed_courses: list[dict], modules: dict[str, Module], summary: ChangeSummary) -> None:
    courses = {c.slug: c for c in db.session.scalars(select(Course))}
    for parsed in parsed_courses:
        values = {k: v for k, v in parsed.items() if k not in {"slug", "modules"}} | {"is_retired": False}
        course = upsert(Course, courses.pop(parsed["slug"], None), {"slug": parsed["slug"]}, values,
                         f"course {parsed['slug']}", summary)
        db.session.flush()
        links = {link.module_id: link for link in course.course_modules}
        wanted = {}
        for position, (module_slug, week) in enumerate(parsed["modules"]):
            module = modules[module_slug]
            wanted[module.id] = True
            link = links.get(module.id)
            if link is None:
                course.course_modules.append(CourseModule(module_id=module.id, position=position, week=week))
                summary.updated.append(f"course {parsed['slug']}: adds {module_slug}")
            elif assign(link, {"position": position, "week": week}):
                summary.updated.append(f"course {parsed['slug']}: moves {module_slug}")
        for module_id, link in links.items():
            if module_id not in wanted:
                course.course_modules.remove(link)
                summary.updated.append(f"course {parsed['slug']}: drops module {link.module.slug}")
    for slug, course in courses.items():
        if assign(course, {"is_retired": True}):
            summary.retired.append(f"course {slug}")
