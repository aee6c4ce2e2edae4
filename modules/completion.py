"""When a module, and a course run, is complete: the one set of rules every progress page uses.

A module is complete for a trainee when every lesson is read, the quiz is
passed and, where the module requires it, a mentor has signed it off. A run
is complete when all its modules are. The rules are plain functions of
`ModuleFacts`; `gather()` reads those facts for any number of people and
modules in a fixed number of queries.
"""
import enum
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, case, func, select

from core.extensions import db
from courses import structure
from curriculum.models import Grading, Lesson, Quiz
from modules.grading import is_passed, quiz_grade
from modules.models import FINISHED_STATES, Attempt, LessonRead, SignOff, SignOffState


class ModuleState(enum.Enum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    #: lessons read and quiz passed; the module needs a sign-off nobody has asked for yet
    QUIZ_PASSED = "Quiz passed"
    AWAITING_SIGN_OFF = "Awaiting sign-off"
    RETURNED = "Returned for revision"
    SIGNED_OFF = "Signed off"
    REVOKED = "Revoked"
    #: lessons read and quiz passed, on a module that needs no sign-off
    COMPLETE = "Complete"

    @property
    def css(self) -> str:
        """The state's class in the stylesheet (colour always comes with the state's text)."""
        return "state-" + self.name.lower().replace("_", "-")


@dataclass(frozen=True)
class ModuleFacts:
    """What one trainee has done on one module."""

    lessons_total: int
    lessons_read: int = 0
    last_read_at: datetime | None = None
    has_quiz: bool = False
    quiz_attempted: bool = False
    quiz_passed: bool = False
    quiz_passed_at: datetime | None = None
    sign_off_required: bool = False
    sign_off_state: SignOffState | None = None
    sign_off_changed_at: datetime | None = None

    @property
    def lessons_done(self) -> bool:
        return self.lessons_read >= self.lessons_total

    @property
    def quiz_done(self) -> bool:
        return not self.has_quiz or self.quiz_passed


def is_complete(facts: ModuleFacts) -> bool:
    signed_off = not facts.sign_off_required or facts.sign_off_state is SignOffState.SIGNED_OFF
    return facts.lessons_done and facts.quiz_done and signed_off


def can_request_sign_off(facts: ModuleFacts) -> bool:
    """Lessons read and quiz passed, on a module needing sign-off that is neither waiting nor signed off."""
    return (facts.sign_off_required and facts.lessons_done and facts.quiz_done
            and facts.sign_off_state not in (SignOffState.REQUESTED, SignOffState.SIGNED_OFF))


#: the module state each sign-off state gives
STATE_OF_SIGN_OFF = {
    SignOffState.REQUESTED: ModuleState.AWAITING_SIGN_OFF,
    SignOffState.RETURNED: ModuleState.RETURNED,
    SignOffState.SIGNED_OFF: ModuleState.SIGNED_OFF,
    SignOffState.REVOKED: ModuleState.REVOKED,
}


def module_state(facts: ModuleFacts) -> ModuleState:
    if facts.sign_off_required and facts.sign_off_state is not None:
        return STATE_OF_SIGN_OFF[facts.sign_off_state]
    if facts.lessons_done and facts.quiz_done and (facts.lessons_total or facts.has_quiz):
        return ModuleState.QUIZ_PASSED if facts.sign_off_required else ModuleState.COMPLETE
    if facts.lessons_read or facts.quiz_attempted:
        return ModuleState.IN_PROGRESS
    return ModuleState.NOT_STARTED


def state_date(facts: ModuleFacts) -> datetime | None:
    """When the module reached its present state (None when not started)."""
    state = module_state(facts)
    if facts.sign_off_required and facts.sign_off_state is not None:
        return facts.sign_off_changed_at
    if state in (ModuleState.QUIZ_PASSED, ModuleState.COMPLETE):
        return max(filter(None, (facts.last_read_at, facts.quiz_passed_at)), default=None)
    return facts.last_read_at


def is_run_complete(facts_of_modules: list[ModuleFacts]) -> bool:
    return bool(facts_of_modules) and all(is_complete(facts) for facts in facts_of_modules)


def completed_at(facts_of_modules: list[ModuleFacts]) -> datetime | None:
    """When the last of a complete run's modules was completed."""
    if not is_run_complete(facts_of_modules):
        return None
    return max(filter(None, (state_date(facts) for facts in facts_of_modules)), default=None)


def quiz_pass_time(grading: Grading | str, pass_mark: int, finished: list[tuple[float, datetime]]) -> datetime | None:
    """When the quiz grade last became a pass, from finished attempts' (grade, submitted_at) in attempt order.

    None if it is not passed now. With "latest" or "average" a later attempt can
    lose a pass; the time is that of the attempt that made the present pass.
    """
    passed_at = None
    for count in range(1, len(finished) + 1):
        passed_now = is_passed(quiz_grade(grading, [grade for grade, _ in finished[:count]]), pass_mark)
        if passed_now and passed_at is None:
            passed_at = finished[count - 1][1]
        elif not passed_now:
            passed_at = None
    return passed_at


def gather(user_ids, modules, attempts=None, lesson_reads=None) -> dict[tuple[int, int], ModuleFacts]:
    """ModuleFacts for each (user id, module id), in three queries whatever the numbers of people and modules
    (four when some quizzes grade otherwise than by the highest attempt).

    Lesson counts and quiz settings come from the cached structure (courses/structure.py). `attempts`, the
    people's attempts at these modules' quizzes in attempt order when the caller has already loaded them
    (the dashboard, for the quiz standings), saves the query for them; so do `lesson_reads`, their LessonRead
    rows (user_id, lesson_id, read_at), for the lessons read.
    """
    user_ids, module_ids = list(dict.fromkeys(user_ids)), [module.id for module in modules]
    if not user_ids or not module_ids:
        return {}
    infos = {module_id: structure.module(module_id) for module_id in module_ids}
    quizzes = {module_id: info.quiz for module_id, info in infos.items() if info.quiz is not None}
    if lesson_reads is None:
        reads = {(user_id, module_id): (count, last) for user_id, module_id, count, last in db.session.execute(
            select(LessonRead.user_id, Lesson.module_id, func.count(LessonRead.id), func.max(LessonRead.read_at))
            .join(Lesson, Lesson.id == LessonRead.lesson_id)
            .where(LessonRead.user_id.in_(user_ids), Lesson.module_id.in_(module_ids),
                   Lesson.is_retired.is_(False))
            .group_by(LessonRead.user_id, Lesson.module_id))}
    else:
        module_of_lesson = {lesson.id: module_id for module_id, info in infos.items() for lesson in info.lessons}
        reads = {}
        for read in lesson_reads:
            module_id = module_of_lesson.get(read.lesson_id)
            if module_id is not None:
                count, last = reads.get((read.user_id, module_id), (0, None))
                reads[read.user_id, module_id] = (count + 1, max(filter(None, (last, read.read_at))))
    module_of_quiz = {quiz.id: module_id for module_id, quiz in quizzes.items()}
    attempted: set[tuple[int, int]] = set()
    finished: dict[tuple[int, int], list[tuple[float, datetime]]] = {}
    passed_at_of: dict[tuple[int, int], datetime | None] = {}
    if quizzes and attempts is None:
        # With the "highest" grading the quiz is passed from its first passing attempt on, for good: the database
        # answers per person and quiz (attempted, and when first passed) instead of sending every attempt.
        highest = [quiz.id for quiz in quizzes.values() if Grading(quiz.grading) is Grading.HIGHEST]
        passing = Attempt.state.in_(FINISHED_STATES) & (Attempt.grade >= Quiz.pass_mark)
        for user_id, quiz_id, first_passed_at in db.session.execute(
                select(Attempt.user_id, Attempt.quiz_id, func.min(case((passing, Attempt.submitted_at))))
                .join(Quiz, Quiz.id == Attempt.quiz_id)
                .where(Attempt.user_id.in_(user_ids), Attempt.quiz_id.in_(highest))
                .group_by(Attempt.user_id, Attempt.quiz_id)) if highest else ():
            key = (user_id, module_of_quiz[quiz_id])
            attempted.add(key)
            passed_at_of[key] = first_passed_at
        others = [quiz_id for quiz_id in module_of_quiz if quiz_id not in highest]
        attempts = db.session.execute(
            select(Attempt.user_id, Attempt.quiz_id, Attempt.state, Attempt.grade, Attempt.submitted_at)
            .where(Attempt.user_id.in_(user_ids), Attempt.quiz_id.in_(others))
            .order_by(Attempt.number)) if others else ()
    if quizzes:
        for attempt in attempts:
            key = (attempt.user_id, module_of_quiz[attempt.quiz_id])
            attempted.add(key)
            if attempt.state in FINISHED_STATES:
                finished.setdefault(key, []).append((attempt.grade, attempt.submitted_at))
    sign_offs = {(learner_id, module_id): (state, changed_at) for learner_id, module_id, state, changed_at in
                 db.session.execute(_sign_offs_query(), {"user_ids": user_ids, "module_ids": module_ids})}
    result = {}
    for module in modules:
        quiz = quizzes.get(module.id)
        for user_id in user_ids:
            key = (user_id, module.id)
            read_count, last_read_at = reads.get(key, (0, None))
            if key in passed_at_of:
                passed_at = passed_at_of[key]
            else:
                passed_at = quiz_pass_time(quiz.grading, quiz.pass_mark, finished.get(key, [])) if quiz else None
            sign_off_state, sign_off_changed_at = sign_offs.get(key, (None, None))
            result[key] = ModuleFacts(
                lessons_total=len(infos[module.id].lessons), lessons_read=read_count, last_read_at=last_read_at,
                has_quiz=quiz is not None, quiz_attempted=key in attempted, quiz_passed=passed_at is not None,
                quiz_passed_at=passed_at, sign_off_required=module.is_sign_off_required,
                sign_off_state=sign_off_state, sign_off_changed_at=sign_off_changed_at)
    return result


@cache
def _sign_offs_query() -> Select:
    """Built once per process, with parameters (the dashboard would otherwise spend more on building it than on
    running it)."""
    return (select(SignOff.learner_id, SignOff.module_id, SignOff.state, SignOff.state_changed_at)
            .where(SignOff.learner_id.in_(bindparam("user_ids", expanding=True)),
                   SignOff.module_id.in_(bindparam("module_ids", expanding=True))))
