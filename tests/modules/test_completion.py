"""The completion rules: plain functions first, then `gather()` reading the facts from the database."""
from datetime import datetime, timedelta, timezone

import pytest

from core.extensions import db
from courses import structure
from curriculum.models import Module
from modules.completion import (
    ModuleFacts,
    ModuleState,
    can_request_sign_off,
    completed_at,
    gather,
    is_complete,
    is_run_complete,
    module_state,
    quiz_pass_time,
    state_date,
)
from modules.models import SignOff, SignOffState

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)


def facts(**values) -> ModuleFacts:
    values.setdefault("lessons_total", 3)
    values.setdefault("has_quiz", True)
    return ModuleFacts(**values)


DONE = dict(lessons_read=3, last_read_at=T0, quiz_attempted=True, quiz_passed=True,
            quiz_passed_at=T0 + timedelta(hours=1))


@pytest.mark.parametrize("values, complete", [
    (dict(), False),
    (dict(lessons_read=2, quiz_passed=True), False),
    (dict(lessons_read=3, quiz_passed=False), False),
    (dict(lessons_read=3, quiz_passed=True), True),
    (dict(lessons_read=3, has_quiz=False), True),
    (dict(DONE, sign_off_required=True), False),
    (dict(DONE, sign_off_required=True, sign_off_state=SignOffState.REQUESTED), False),
    (dict(DONE, sign_off_required=True, sign_off_state=SignOffState.RETURNED), False),
    (dict(DONE, sign_off_required=True, sign_off_state=SignOffState.REVOKED), False),
    (dict(DONE, sign_off_required=True, sign_off_state=SignOffState.SIGNED_OFF), True),
    # a lesson added after sign-off must still be read
    (dict(DONE, lessons_total=4, sign_off_required=True, sign_off_state=SignOffState.SIGNED_OFF), False),
])
def test_a_module_is_complete_when_read_passed_and_signed_off_where_required(values, complete):
    assert is_complete(facts(**values)) is complete


@pytest.mark.parametrize("values, state", [
    (dict(), ModuleState.NOT_STARTED),
    (dict(lessons_read=1), ModuleState.IN_PROGRESS),
    (dict(quiz_attempted=True), ModuleState.IN_PROGRESS),
    (dict(lessons_read=3, quiz_attempted=True), ModuleState.IN_PROGRESS),
    (dict(DONE), ModuleState.COMPLETE),
    (dict(DONE, sign_off_required=True), ModuleState.QUIZ_PASSED),
    (dict(DONE, sign_off_required=True, sign_off_state=SignOffState.REQUESTED), ModuleState.AWAITING_SIGN_OFF),
    (dict(DONE, sign_off_required=True, sign_off_state=SignOffState.RETURNED), ModuleState.RETURNED),
    (dict(DONE, sign_off_required=True, sign_off_state=SignOffState.SIGNED_OFF), ModuleState.SIGNED_OFF),
    (dict(DONE, sign_off_required=True, sign_off_state=SignOffState.REVOKED), ModuleState.REVOKED),
])
def test_each_state_of_a_module(values, state):
    assert module_state(facts(**values)) is state


@pytest.mark.parametrize("values, allowed", [
    (dict(DONE, sign_off_required=True), True),
    (dict(DONE, sign_off_required=False), False),
    (dict(DONE, lessons_read=2, sign_off_required=True), False),
    (dict(DONE, quiz_passed=False, sign_off_required=True), False),
    (dict(DONE, sign_off_required=True, sign_off_state=SignOffState.REQUESTED), False),
    (dict(DONE, sign_off_required=True, sign_off_state=SignOffState.SIGNED_OFF), False),
    (dict(DONE, sign_off_required=True, sign_off_state=SignOffState.RETURNED), True),
    (dict(DONE, sign_off_required=True, sign_off_state=SignOffState.REVOKED), True),
])
def test_sign_off_can_be_requested_once_read_and_passed(values, allowed):
    assert can_request_sign_off(facts(**values)) is allowed


def test_the_state_date_is_when_the_present_state_began():
    assert state_date(facts()) is None
    assert state_date(facts(lessons_read=1, last_read_at=T0)) == T0
    assert state_date(facts(**DONE)) == T0 + timedelta(hours=1)
    signed = T0 + timedelta(days=3)
    assert state_date(facts(**DONE, sign_off_required=True, sign_off_state=SignOffState.SIGNED_OFF,
                            sign_off_changed_at=signed)) == signed


def test_a_run_is_complete_when_all_its_modules_are():
    done, undone = facts(**DONE), facts(lessons_read=1)
    assert is_run_complete([done, done])
    assert not is_run_complete([done, undone])
    assert not is_run_complete([])
    later = facts(**dict(DONE, quiz_passed_at=T0 + timedelta(days=5)))
    assert completed_at([done, later]) == T0 + timedelta(days=5)
    assert completed_at([done, undone]) is None


@pytest.mark.parametrize("grading, grades, passed_index", [
    ("highest", [50, 80, 60], 1),
    ("highest", [50, 60], None),
    ("latest", [80, 50], None),
    ("latest", [80, 50, 90], 2),
    ("first", [80, 50], 0),
    ("average", [60, 90], 1),
    ("average", [90, 40], None),
])
def test_the_quiz_counts_as_passed_from_the_attempt_that_made_the_present_pass(grading, grades, passed_index):
    finished = [(grade, T0 + timedelta(days=i)) for i, grade in enumerate(grades)]
    expected = None if passed_index is None else finished[passed_index][1]
    assert quiz_pass_time(grading, 70, finished) == expected


def test_gather_reads_the_facts_for_many_people_in_a_fixed_number_of_queries(
        curriculum, make_user, finish_module, count_queries):
    modules = db.session.scalars(db.select(Module).order_by(Module.slug)).all()
    appeals = next(m for m in modules if m.slug == "appeals-basics")
    people = [make_user() for _ in range(3)]
    finish_module(people[0])
    finish_module(people[1], grade=40.0)
    db.session.add(SignOff(learner_id=people[0].id, module_id=appeals.id, state=SignOffState.REQUESTED))
    db.session.commit()
    structure.current()  # lesson counts and quiz settings come from the process's cached structure

    with count_queries() as queries:
        found = gather([p.id for p in people], modules)
    assert len(queries) == 3
    assert module_state(found[people[0].id, appeals.id]) is ModuleState.AWAITING_SIGN_OFF
    assert module_state(found[people[1].id, appeals.id]) is ModuleState.IN_PROGRESS
    assert found[people[1].id, appeals.id].lessons_read == len(appeals.lessons)
    assert module_state(found[people[2].id, appeals.id]) is ModuleState.NOT_STARTED

    many = [make_user() for _ in range(20)]
    with count_queries() as queries:
        gather([p.id for p in people + many], modules)
    assert len(queries) == 3


@pytest.mark.parametrize("seed", [1, 2])
def test_gather_answers_the_same_from_attempts_summed_in_sql_and_from_every_attempt(
        seed, curriculum, make_user, count_queries):
    """The "highest" quizzes' pass times come from the database per person and quiz, and the lessons read grouped
    by module; the dashboard passes every attempt and every lesson read in instead: both give the same facts."""
    import random

    from core.db import utcnow
    from modules.models import Attempt, AttemptState, LessonRead

    rng = random.Random(seed)
    modules = db.session.scalars(db.select(Module).order_by(Module.slug)).all()
    quizzes = [module.quiz for module in modules if module.quiz]
    people = [make_user() for _ in range(15)]
    for person in people:
        for quiz in quizzes:
            for number in range(1, rng.randrange(0, 5) + 1):
                state = rng.choice([AttemptState.GRADED, AttemptState.GRADED, AttemptState.AWAITING_MARKING,
                                    AttemptState.MARKED])
                grade = None if state is AttemptState.AWAITING_MARKING else rng.choice([20.0, 40.0, 60.0, 70.0, 95.0])
                db.session.add(Attempt(quiz_id=quiz.id, user_id=person.id, number=number, seed=1, state=state,
                                       grade=grade, submitted_at=utcnow() + timedelta(hours=number)))
        for module in modules:
            for lesson in rng.sample(module.lessons, rng.randrange(len(module.lessons) + 1)):
                db.session.add(LessonRead(user_id=person.id, lesson_id=lesson.id,
                                          read_at=utcnow() - timedelta(days=rng.randrange(30))))
    db.session.commit()
    ids = [person.id for person in people]
    every = db.session.scalars(db.select(Attempt).where(Attempt.user_id.in_(ids)).order_by(Attempt.number)).all()
    reads = db.session.scalars(db.select(LessonRead).where(LessonRead.user_id.in_(ids))).all()
    summed = gather(ids, modules)
    assert any(facts.quiz_passed for facts in summed.values()) and any(
        facts.quiz_attempted and not facts.quiz_passed for facts in summed.values())
    assert summed == gather(ids, modules, attempts=every, lesson_reads=reads)
