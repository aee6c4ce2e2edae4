"""The curriculum's structure, cached in each process: modules with their lessons (titles, never bodies) and
quiz settings, and the courses with their modules in order.

The catalogue, course pages, dashboards, the matrix and completion read it instead of loading the same rows on
every request. It changes only when content is loaded, and then: a flush in this process that writes a course,
module, lesson or quiz drops this process's copy at once; the loader replaces the token in `curriculum_versions`,
which every other process compares with its own at most every CURRICULUM_CHECK_SECONDS (None: never,
for tests, where every change is made in-process). The copy is plain values, shared by every request
of the process, never rows of one request's session.
"""
import secrets
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.db import utcnow
from core.extensions import db
from courses.models import Course, CourseFormat, CourseModule
from curriculum.models import CurriculumVersion, Grading, Lesson, Module, Quiz

#: the row `curriculum_versions` keeps
_VERSION_ID = 1


@dataclass(eq=False)
class QuizInfo:
    id: int
    module_id: int
    title: str
    pass_mark: int
    attempts_allowed: int
    grading: Grading


@dataclass(eq=False)
class LessonInfo:
    id: int
    module_id: int
    slug: str
    title: str
    position: int
    minutes: int
    module: "ModuleInfo | None" = None


@dataclass(eq=False)
class ModuleInfo:
    id: int
    slug: str
    title: str
    is_sign_off_required: bool
    is_retired: bool
    #: the lessons still in the module, in reading order
    lessons: list[LessonInfo] = field(default_factory=list)
    quiz: QuizInfo | None = None

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


@dataclass(eq=False)
class CourseModuleInfo:
    module_id: int
    position: int
    week: int | None
    module: ModuleInfo


@dataclass(eq=False)
class CourseInfo:
    id: int
    slug: str
    title: str
    format: CourseFormat
    summary: str
    audience: str
    weeks: int | None
    check_in_weeks: list[int]
    is_retired: bool
    #: its modules in course order
    course_modules: list[CourseModuleInfo] = field(default_factory=list)

    @property
    def modules(self) -> list[ModuleInfo]:
        return [course_module.module for course_module in self.course_modules]

    @property
    def length_label(self) -> str:
        if self.format is CourseFormat.MULTI_WEEK:
            return f"{self.weeks} weeks"
        return {CourseFormat.HALF_DAY: "Half a day", CourseFormat.FULL_DAY: "One day"}[self.format]


@dataclass(eq=False)
class Structure:
    token: str | None
    modules: dict[int, ModuleInfo]
    #: every course, retired ones too (their runs remain), in catalogue order
    courses: dict[int, CourseInfo]

    def listed_courses(self) -> list[CourseInfo]:
        return [course for course in self.courses.values() if not course.is_retired]

    def listed_modules(self) -> list[ModuleInfo]:
        """The modules not retired, by title."""
        return sorted((module for module in self.modules.values() if not module.is_retired),
                      key=lambda module: module.title.casefold())


class _Cache:
    structure: Structure | None = None
    checked_at: float = 0.0


def _load() -> Structure:
    modules = {module.id: ModuleInfo(module.id, module.slug, module.title, module.is_sign_off_required,
                                     module.is_retired)
               for module in db.session.scalars(select(Module))}
    for lesson in db.session.scalars(select(Lesson).where(Lesson.is_retired.is_(False))
                                     .order_by(Lesson.module_id, Lesson.position)):
        module = modules[lesson.module_id]
        module.lessons.append(LessonInfo(lesson.id, lesson.module_id, lesson.slug, lesson.title, lesson.position,
                                         lesson.minutes, module))
    for quiz in db.session.scalars(select(Quiz)):
        modules[quiz.module_id].quiz = QuizInfo(quiz.id, quiz.module_id, quiz.title, quiz.pass_mark,
                                                quiz.attempts_allowed, quiz.grading)
    courses = {course.id: CourseInfo(course.id, course.slug, course.title, course.format, course.summary,
                                     course.audience, course.weeks, list(course.check_in_weeks), course.is_retired)
               for course in db.session.scalars(select(Course).order_by(Course.position, Course.id))}
    for row in db.session.scalars(select(CourseModule).order_by(CourseModule.course_id, CourseModule.position)):
        courses[row.course_id].course_modules.append(
            CourseModuleInfo(row.module_id, row.position, row.week, modules[row.module_id]))
    return Structure(_token(), modules, courses)


def _token() -> str | None:
    return db.session.scalar(select(CurriculumVersion.token).where(CurriculumVersion.id == _VERSION_ID))


def current() -> Structure:
    """This process's copy, loaded when there is none and reloaded when another process has loaded content."""
    structure, every = _Cache.structure, current_app.config.get("CURRICULUM_CHECK_SECONDS")
    if structure is not None and every is not None and time.monotonic() - _Cache.checked_at >= every:
        _Cache.checked_at = time.monotonic()
        if _token() != structure.token:
            structure = None
    if structure is None:
        structure = _Cache.structure = _load()
        _Cache.checked_at = time.monotonic()
    return structure


def module(module_id: int) -> ModuleInfo:
    found = current().modules.get(module_id)
    if found is None:  # a module newer than this copy: written by a process whose token has not been seen yet
        invalidate()
        found = current().modules[module_id]
    return found


def course_modules(course_id: int) -> list[CourseModuleInfo]:
    course = current().courses.get(course_id)
    return course.course_modules if course is not None else []


def listed_course(slug: str) -> CourseInfo | None:
    """The course the catalogue lists under `slug`. A slug unknown to this copy never reloads it (anyone can
    type one); a course just loaded by another process is seen after its next token check."""
    return next((course for course in current().listed_courses() if course.slug == slug), None)


def listed_module(slug: str) -> ModuleInfo | None:
    """The module under `slug` unless retired (an unknown slug never reloads the copy, as for `listed_course`)."""
    return next((module for module in current().modules.values() if module.slug == slug and not module.is_retired),
                None)


def invalidate() -> None:
    _Cache.structure = None


def record_change() -> None:
    """The loader changed the curriculum: a new token tells every other process (flushes, never commits)."""
    version = db.session.get(CurriculumVersion, _VERSION_ID)
    if version is None:
        version = CurriculumVersion(id=_VERSION_ID)
        db.session.add(version)
    version.token, version.loaded_at = secrets.token_hex(16), utcnow()
    db.session.flush()


_WATCHED = (Course, CourseModule, Module, Lesson, Quiz)


def _drop_on_change(session, flush_context) -> None:
    if any(isinstance(obj, _WATCHED) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info["curriculum_changed"] = True
        invalidate()


def _drop_on_rollback(session, previous_transaction) -> None:
    # The copy may have been loaded from the changes now rolled back.
    if session.info.pop("curriculum_changed", False):
        invalidate()


def _forget_change(session) -> None:
    session.info.pop("curriculum_changed", None)


def connect() -> None:
    if not event.contains(Session, "after_flush", _drop_on_change):
        event.listen(Session, "after_flush", _drop_on_change)
        event.listen(Session, "after_soft_rollback", _drop_on_rollback)
        event.listen(Session, "after_commit", _forget_change)
