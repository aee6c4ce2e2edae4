"""Quiz rules as plain functions: drawing a paper, totalling an attempt, the quiz grade, passing, marking due."""
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from curriculum.models import Grading
from curriculum.question_types import QUESTION_TYPES


@dataclass(frozen=True)
class DrawnQuestion:
    question_id: int
    #: the ids of its choices in the order this paper shows them
    order: list[str]


def draw_paper(questions: list, draw: int | None, shuffle: bool, seed: int) -> list[DrawnQuestion]:
    """The questions of one attempt, in order: the same seed always gives the same paper.

    `draw` questions are picked at random from the bank (all when None); they
    keep the bank's order unless `shuffle`, which also shuffles the options.
    """
    rng = random.Random(seed)
    bank = list(questions)
    chosen = bank if not draw or draw >= len(bank) else sorted(rng.sample(bank, draw), key=bank.index)
    if shuffle:
        rng.shuffle(chosen)
    return [DrawnQuestion(question.id, QUESTION_TYPES[question.type].paper_order(question.data, rng, shuffle))
            for question in chosen]


@dataclass(frozen=True)
class Totals:
    #: None while any answer waits for marking
    score: float | None
    max_score: float

    @property
    def grade(self) -> float | None:
        if self.score is None:
            return None
        return round(100 * self.score / self.max_score, 2) if self.max_score else 0.0


def totals(scored: list[tuple[float | None, int]]) -> Totals:
    """Sum (score, points) pairs; one unscored answer leaves the score open."""
    maximum = float(sum(points for _, points in scored))
    if any(score is None for score, _ in scored):
        return Totals(None, maximum)
    return Totals(round(sum(score for score, _ in scored), 4), maximum)


def quiz_grade(method: Grading | str, grades: list[float]) -> float | None:
    """The quiz grade from finished attempts' grades, in attempt order, by the quiz's grading method.

    `method` is a Grading, or its value as the content files write it; anything else raises ValueError.
    """
    method = Grading(method)
    if not grades:
        return None
    if method is Grading.HIGHEST:
        return max(grades)
    if method is Grading.LATEST:
        return grades[-1]
    if method is Grading.FIRST:
        return grades[0]
    return round(sum(grades) / len(grades), 2)


def is_passed(grade: float | None, pass_mark: int) -> bool:
    return grade is not None and grade >= pass_mark


def attempts_left(allowed: int, extra: int, used: int) -> int | None:
    """How many more attempts may start; None when unlimited (0 allowed means unlimited)."""
    if allowed == 0:
        return None
    return max(0, allowed + extra - used)


def deadline(started_at: datetime, time_limit_minutes: int | None, extra_minutes: int) -> datetime | None:
    if not time_limit_minutes:
        return None
    return started_at + timedelta(minutes=time_limit_minutes + extra_minutes)


def marking_due(submitted_at: datetime, working_days: int, zone: ZoneInfo,
                closed: frozenset[date] = frozenset()) -> date:
    """The day by whose end a mentor is expected to have marked written answers submitted at `submitted_at`.

    That is the `working_days`-th working day (Monday to Friday, not a `closed` day) after the day of
    submission, counted in the trainee's zone `zone`: submitted on a Friday evening in London with a
    five-day turnaround, marking is due by the end of the next Friday.
    """
    day = submitted_at.astimezone(zone).date()
    left = working_days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            left -= 1
    return day
