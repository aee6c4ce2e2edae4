"""Item analysis of a quiz, from running sums: a few small rows read, whatever the number of attempts.

For each question the sums over the finished attempts that drew it are kept
in `quiz_item_sums` (first attempts and later ones apart): the item score x,
x², the rest of the attempt's score r (attempt score minus x), r² and x·r,
with the options chosen in `quiz_option_counts` and the grades, per tenth of
the range, in `quiz_grade_sums`. They are updated in the transaction that
finishes an attempt (graded at submit, or its last written answer marked) or
regrades one (`record`); `rebuild` recomputes them from every answer, and
equals what `record` has kept (tests/modules/test_item_sums.py). Everything
else (facility, Moodle's discrimination index — the correlation of x with
r —, Cronbach's alpha where it is defined) follows from those sums here, in
plain arithmetic.
"""
import csv
import io
import math
from dataclasses import dataclass, field

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.cache import new_version
from core.extensions import db
from curriculum.models import Question, Quiz
from curriculum.question_types import QUESTION_TYPES
from modules.models import FINISHED_STATES, Attempt, AttemptAnswer, GradeSums, ItemSums, OptionCount

BINS = 10
FACILITY_LOW, FACILITY_HIGH, DISCRIMINATION_LOW = 0.2, 0.95, 0.2
#: below this many finished attempts (or answers to one question) the statistics are only provisional:
#: with fewer, one attempt more can move a facility by several points and a correlation by far more
MIN_ATTEMPTS = 30


@dataclass
class QuestionStats:
    question: object
    n: int = 0
    sum_x: float = 0.0
    sum_x2: float = 0.0
    sum_r: float = 0.0
    sum_r2: float = 0.0
    sum_xr: float = 0.0
    sum_points: float = 0.0
    #: option id -> times chosen (choice questions)
    chosen: dict = field(default_factory=dict)
    unanswered: int = 0

    @property
    def facility(self) -> float | None:
        return self.sum_x / self.sum_points if self.sum_points else None

    @property
    def variance(self) -> float:
        """Population variance of the item score."""
        return self.sum_x2 / self.n - (self.sum_x / self.n) ** 2 if self.n else 0.0

    @property
    def sd(self) -> float | None:
        return _sample_sd(self.n, self.sum_x, self.sum_x2)

    @property
    def discrimination(self) -> float | None:
        """Correlation of the item score with the rest of the attempt's score; None without spread in either."""
        n = self.n
        spread = (n * self.sum_x2 - self.sum_x ** 2) * (n * self.sum_r2 - self.sum_r ** 2)
        if n < 2 or spread <= 1e-12:
            return None
        return (n * self.sum_xr - self.sum_x * self.sum_r) / math.sqrt(spread)

    @property
    def flags(self) -> list[str]:
        if not self.n:
            return []
        flags = []
        if self.facility is not None and self.facility < FACILITY_LOW:
            flags.append("Very hard")
        if self.facility is not None and self.facility > FACILITY_HIGH:
            flags.append("Very easy")
        if self.discrimination is None:
            if self.n >= 2:
                flags.append("No spread to discriminate")
        elif self.discrimination < DISCRIMINATION_LOW:
            flags.append("Low discrimination")
        return flags

    @property
    def options(self) -> list[tuple[str, int, bool]]:
        """(option text, times chosen, is correct) for choice questions."""
        data, kind = self.question.data, self.question.type
        if kind == "true_false":
            return [(text, self.chosen.get(key, 0), data["answer"] is value)
                    for key, text, value in (("true", "True", True), ("false", "False", False))]
        if kind in ("single", "multiple"):
            return [(option["text"], self.chosen.get(option["id"], 0), option["correct"]) for option in data["options"]]
        return []


@dataclass
class Report:
    attempts: int
    mean: float | None
    sd: float | None
    alpha: float | None
    #: why alpha is None, for the page
    alpha_note: str
    questions: list[QuestionStats]
    #: attempts per tenth of the grade range (0-10%, 10-20% ... 90-100%)
    histogram: list[int]

    @property
    def is_provisional(self) -> bool:
        """Too few attempts for the figures to settle: each new attempt still moves them a lot."""
        return self.attempts < MIN_ATTEMPTS

    @property
    def thinly_answered(self) -> int:
        """Questions answered at least once but fewer than MIN_ATTEMPTS times (drawn ones, typically)."""
        return sum(1 for stats in self.questions if 0 < stats.n < MIN_ATTEMPTS)


def _sample_sd(n: int, total: float, squares: float) -> float | None:
    if n < 2:
        return None
    return math.sqrt(max(0.0, (squares - total * total / n) / (n - 1)))


def _bucket(grade: float | None) -> int:
    """The tenth of the grade range a grade falls in (as SQL's CASE in `rebuild` puts it; no grade: the last)."""
    return next((i for i in range(BINS - 1) if grade is not None and grade < 100 * (i + 1) / BINS), BINS - 1)


_GRADE_SUMS = ("n", "sum_grade", "sum_grade2", "sum_score", "sum_score2")
_ITEM_SUMS = ("n", "sum_x", "sum_x2", "sum_r", "sum_r2", "sum_xr", "sum_points", "unanswered")


@dataclass
class Sums:
    """Amounts to add to the running sums of one quiz, keyed as their rows are (is_first first)."""

    #: (is_first, bucket) -> the values of _GRADE_SUMS
    grades: dict = field(default_factory=dict)
    #: (is_first, question id) -> the values of _ITEM_SUMS
    items: dict = field(default_factory=dict)
    #: (is_first, question id, option id) -> [times chosen]
    options: dict = field(default_factory=dict)

    def add(self, other: "Sums", sign: int = 1) -> None:
        for mine, theirs in ((self.grades, other.grades), (self.items, other.items),
                             (self.options, other.options)):
            for key, values in theirs.items():
                total = mine.setdefault(key, [0] * len(values))
                for index, value in enumerate(values):
                    total[index] += sign * value


def _choices(question_type: str, choice_key: str | None) -> list[str]:
    return choice_key.split(",") if choice_key is not None and QUESTION_TYPES[question_type].has_options else []


def contribution(attempt: Attempt) -> Sums:
    """What one finished attempt adds to its quiz's sums, from the attempt and its answers as they stand."""
    first, sums = attempt.number == 1, Sums()
    grade, score = attempt.grade, attempt.score
    sums.grades[first, _bucket(grade)] = [1, grade or 0.0, (grade or 0.0) ** 2, score or 0.0, (score or 0.0) ** 2]
    for row in attempt.answers:
        x = row.score
        rest = score - x
        sums.items[first, row.question_id] = [1, x, x * x, rest, rest * rest, x * rest, row.points,
                                              int(row.choice_key is None)]
        for option_id in _choices(row.question.type, row.choice_key):
            sums.options.setdefault((first, row.question_id, option_id), [0])[0] += 1
    return sums


def record(quiz_id: int, sums: Sums) -> None:
    """Add `sums` to the quiz's rows, creating those missing, in at most three statements, and give the quiz a
    new `analysis_version`, so its cached page is not served again (flushes nothing else).

    Each is an INSERT ... ON CONFLICT DO UPDATE that adds to the row, so concurrent submits add up; rows are
    written in key order, so two transactions lock them in the same order.
    """
    db.session.execute(update(Quiz).where(Quiz.id == quiz_id).values(analysis_version=new_version())
                       .execution_options(synchronize_session=False))
    dialect_insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for model, keys, names, rows in (
            (GradeSums, ("is_first", "bucket"), _GRADE_SUMS, sums.grades),
            (ItemSums, ("is_first", "question_id"), _ITEM_SUMS, sums.items),
            (OptionCount, ("is_first", "question_id", "option_id"), ("n",), sums.options)):
        if not rows:
            continue
        insert = dialect_insert(model).values([
            {"quiz_id": quiz_id, **dict(zip(keys, key)), **dict(zip(names, values))}
            for key, values in sorted(rows.items())])
        columns = model.__table__.c
        db.session.execute(insert.on_conflict_do_update(
            index_elements=["quiz_id", *keys], set_={name: columns[name] + insert.excluded[name] for name in names}))


def record_finished(attempt: Attempt) -> None:
    """An attempt has just become finished (graded, or its last written answer marked): count it."""
    record(attempt.quiz_id, contribution(attempt))


def rebuild(quiz: Quiz) -> None:
    """Recompute the quiz's sums from every finished attempt's answers (grouped SQL), replacing the rows kept."""
    for model in (GradeSums, ItemSums, OptionCount):
        db.session.execute(delete(model).where(model.quiz_id == quiz.id))
    finished = [Attempt.quiz_id == quiz.id, Attempt.state.in_(FINISHED_STATES)]
    first = Attempt.number == 1
    bucket = case(*[(Attempt.grade < 100 * (i + 1) / BINS, i) for i in range(BINS - 1)], else_=BINS - 1)
    sums = Sums()
    for is_first, row_bucket, *values in db.session.execute(
            select(first, bucket, func.count(), func.sum(Attempt.grade), func.sum(Attempt.grade * Attempt.grade),
                   func.sum(Attempt.score), func.sum(Attempt.score * Attempt.score))
            .where(*finished).group_by(first, bucket)):
        sums.add(Sums(grades={(bool(is_first), row_bucket): [value or 0.0 for value in values]}))
    types = dict(db.session.execute(select(Question.id, Question.type).where(Question.quiz_id == quiz.id)).all())
    x, rest = AttemptAnswer.score, Attempt.score - AttemptAnswer.score
    for is_first, question_id, choice_key, count, *values in db.session.execute(
            select(first, AttemptAnswer.question_id, AttemptAnswer.choice_key, func.count(), func.sum(x),
                   func.sum(x * x), func.sum(rest), func.sum(rest * rest), func.sum(x * rest),
                   func.sum(AttemptAnswer.points))
            .join(Attempt, Attempt.id == AttemptAnswer.attempt_id).where(*finished)
            .group_by(first, AttemptAnswer.question_id, AttemptAnswer.choice_key)):
        part = Sums(items={(bool(is_first), question_id): [count, *values, count if choice_key is None else 0]})
        for option_id in _choices(types[question_id], choice_key):
            part.options[bool(is_first), question_id, option_id] = [count]
        sums.add(part)
    record(quiz.id, sums)


def analyse(quiz: Quiz, first_only: bool = True) -> Report:
    """Quiz and question statistics over finished attempts (first attempts only, by default), from the sums."""
    scope = [GradeSums.quiz_id == quiz.id] + ([GradeSums.is_first.is_(True)] if first_only else [])
    histogram, n, sum_grade, sum_grade2, sum_score, sum_score2 = [0] * BINS, 0, 0.0, 0.0, 0.0, 0.0
    for bucket, count, *values in db.session.execute(
            select(GradeSums.bucket, *(func.sum(getattr(GradeSums, name)) for name in _GRADE_SUMS))
            .where(*scope).group_by(GradeSums.bucket)):
        histogram[bucket] = count
        n += count
        sum_grade, sum_grade2 = sum_grade + values[0], sum_grade2 + values[1]
        sum_score, sum_score2 = sum_score + values[2], sum_score2 + values[3]

    by_question = {question.id: QuestionStats(question) for question in quiz.questions}
    scope = [ItemSums.quiz_id == quiz.id] + ([ItemSums.is_first.is_(True)] if first_only else [])
    for question_id, *values in db.session.execute(
            select(ItemSums.question_id, *(func.sum(getattr(ItemSums, name)) for name in _ITEM_SUMS))
            .where(*scope).group_by(ItemSums.question_id)):
        stats = by_question.get(question_id)
        if stats is None:  # a question retired from the bank since
            continue
        (stats.n, stats.sum_x, stats.sum_x2, stats.sum_r, stats.sum_r2, stats.sum_xr, stats.sum_points,
         stats.unanswered) = values
    scope = [OptionCount.quiz_id == quiz.id] + ([OptionCount.is_first.is_(True)] if first_only else [])
    for question_id, option_id, count in db.session.execute(
            select(OptionCount.question_id, OptionCount.option_id, func.sum(OptionCount.n))
            .where(*scope).group_by(OptionCount.question_id, OptionCount.option_id)):
        if question_id in by_question:
            by_question[question_id].chosen[option_id] = count

    questions = list(by_question.values())
    alpha = cronbach_alpha(n, sum_score, sum_score2, [(stats.n, stats.sum_x, stats.sum_x2) for stats in questions])
    return Report(attempts=n, mean=sum_grade / n if n else None, sd=_sample_sd(n, sum_grade, sum_grade2),
                  alpha=alpha.value, alpha_note=alpha.reason, questions=questions, histogram=histogram)


@dataclass(frozen=True)
class Alpha:
    """Cronbach's alpha, or None with the reason it is not defined for these attempts."""

    value: float | None
    reason: str = ""


def cronbach_alpha(n: int, sum_total: float, sum_total2: float,
                   items: list[tuple[int, float, float]]) -> Alpha:
    """Cronbach's alpha, k/(k-1) · (1 - Σ item variances / variance of the totals), over `n` attempts.

    `items` holds each question's (answers, Σx, Σx²) over those attempts, and
    `sum_total`, `sum_total2` the attempts' Σ total and Σ total². Alpha is
    defined only when every attempt answered the same k questions: then the
    total is the sum of the k items, its variance is at most k times the sum
    of their variances, and alpha is at most 1. Attempts that drew different
    questions from a bank (or answered a question no longer listed) do not
    form such a matrix, so no alpha is given for them, with the reason.
    """
    if n < 2:
        return Alpha(None, "Needs at least two finished attempts.")
    answered = [(count, sum_x, sum_x2) for count, sum_x, sum_x2 in items if count]
    listed_total = sum(sum_x for _, sum_x, _ in answered)
    if (any(count != n for count, _, _ in answered)
            or abs(listed_total - sum_total) > 1e-6 * max(1.0, abs(sum_total))):
        return Alpha(None, "Not defined for these attempts: they did not all answer the same questions "
                           "(questions drawn from the bank). Alpha needs every attempt to answer the same set.")
    k = len(answered)
    if k < 2:
        return Alpha(None, "Needs at least two questions in every attempt.")
    total_variance = sum_total2 / n - (sum_total / n) ** 2
    if total_variance <= 1e-12:
        return Alpha(None, "Not defined: every attempt scored the same total.")
    item_variance = sum(sum_x2 / n - (sum_x / n) ** 2 for _, sum_x, sum_x2 in answered)
    # Mathematically at most 1 (see above); min() only absorbs floating-point rounding.
    return Alpha(min(1.0, k / (k - 1) * (1 - item_variance / total_variance)))


def analysis_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["question", "type", "answers", "facility", "discrimination", "sd", "flags", "options chosen"])
    for stats in report.questions:
        writer.writerow([
            stats.question.key, stats.question.type, stats.n, _fixed(stats.facility), _fixed(stats.discrimination),
            _fixed(stats.sd), "; ".join(stats.flags),
            "; ".join(f"{text}: {count}" for text, count, _ in stats.options)])
    writer.writerow([])
    writer.writerow(["attempts", report.attempts, "mean %", _fixed(report.mean), "sd %", _fixed(report.sd),
                     "alpha", _fixed(report.alpha), report.alpha_note])
    return out.getvalue()


def _fixed(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    x: int
    y: int
    height: int


def histogram(bins: list[int], width: int = 600, height: int = 220) -> dict:
    """Bar geometry for the score histogram, drawn as SVG attributes (no inline styles under the CSP)."""
    top = max(bins) if any(bins) else 1
    plot_height, slot = height - 40, width // len(bins)
    bars = []
    for index, count in enumerate(bins):
        bar_height = round(plot_height * count / top)
        bars.append(Bar(f"{index * 10}–{(index + 1) * 10}%", count, index * slot, 20 + plot_height - bar_height,
                        bar_height))
    return {"bars": bars, "width": width, "height": height, "slot": slot, "top": top}
