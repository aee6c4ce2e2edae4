"""Fill an empty PostgreSQL database to national scale, with bulk inserts (COPY).

    createdb -h 127.0.0.1 -U postgres casework_bench
    export DATABASE_URL=postgresql://postgres@127.0.0.1/casework_bench
    .venv/bin/python -m bench.seed --fresh [--scale 0.1]    # --fresh: drop, create and migrate it first

At scale 1: 60 projects (one of them 300 members), 6,000 trainees and leaders, 150 mentors, about
300,000 quiz attempts over the ten quizzes (3 million answers; past a quiz's three attempts a
mentor granted extra ones), 40,000 mentoring bookings, and
sign-offs and certificates in proportion. The shape is that of real use: each learner took two
runs that have ended (most finished them: every lesson read, quiz passed, signed off where the
module asks, a certificate) and holds a seat in one run under way or to come (part read, some
attempts, a sign-off request or two); mentors' bookings lie over the past forty weeks and the
next eight, never overlapping for a mentor or a learner. `--scale` multiplies every count but the
300-member project and the curriculum. The ids of the people and pages the load bench drives are
written to `bench/.seeded-<database>.json`.
"""
import argparse
import json
import random
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from werkzeug.security import generate_password_hash

from accounts.models import Organisation, User
from app import create_app
from certificates.models import Certificate
from certificates.operations import expiry, new_code
from core.extensions import db
from courses.loader import apply_curriculum, read_curriculum
from courses.models import Course, Enrolment, Run, run_mentors
from curriculum.models import Module, Quiz
from mentoring.models import AvailabilityWindow, Booking, MentorProfile
from modules.analysis import rebuild
from modules.grading import totals
from modules.models import (
    Attempt,
    AttemptAnswer,
    LessonRead,
    QuizAdjustment,
    SignOff,
    SignOffEvent,
    SignOffVersion,
)

ROOT = Path(__file__).parent.parent
PROJECTS, LEARNERS, MENTORS, BOOKINGS = 60, 6000, 150, 40_000
LARGE_PROJECT = 300
#: runs of each course: one starting every RUN_EVERY before and after today
RUNS_BACK, RUNS_AHEAD, RUN_EVERY = 12, 4, timedelta(weeks=4)
#: attempts at a quiz by one learner: 1 to MAX_ATTEMPTS (about 300,000 in all at scale 1)
MAX_ATTEMPTS = 13
POOL = 12


def naive(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


class Copier:
    """COPY rows into tables through the session's own connection (so one transaction holds them all)."""

    def __init__(self):
        self.connection = db.session.connection().connection.driver_connection
        self.counts: dict[str, int] = {}

    def copy(self, table, columns: list[str], rows) -> None:
        """Rows are tuples in `columns` order, already plain: naive UTC times, enum names, JSON as text."""
        name = getattr(table, "__tablename__", None) or table.name
        with self.connection.cursor() as cursor, cursor.copy(
                f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
            count = 0
            for row in rows:
                copy.write_row(row)
                count += 1
        self.counts[name] = self.counts.get(name, 0) + count


def answer_pools(quiz: Quiz, rng: random.Random) -> dict[tuple[int, bool], list[tuple]]:
    """Per question and right/wrong: a few (option order, answer, choice key, score) as real grading makes them."""
    pools = {}
    for question in quiz.questions:
        kind = question.kind
        for right in (True, False):
            entries = []
            for _ in range(POOL):
                order = kind.paper_order(question.data, rng, True)
                # Written answers are left blank, so every attempt is graded at once (a blank scores 0).
                answer = None if kind.is_marked_by_person else kind.sample_answer(question.data, right, order, rng)
                score = kind.grade(question.data, answer, question.points)
                entries.append((json.dumps(order), json.dumps(answer), kind.choice_key(answer), score))
            pools[question.id, right] = entries
    return pools


def seed(scale: float, rng: random.Random) -> dict:
    started = time.perf_counter()
    curriculum, problems = read_curriculum(ROOT / "content")
    assert not problems, problems
    apply_curriculum(curriculum)
    db.session.flush()
    courses = db.session.scalars(db.select(Course).order_by(Course.position)).all()
    modules = {module.id: module for module in db.session.scalars(db.select(Module))}
    quizzes = {quiz.module_id: quiz for quiz in db.session.scalars(db.select(Quiz))}
    copier = Copier()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    password_hash = generate_password_hash("bench password")

    # People: an administrator, the mentors, then each project's members (member 0 leads it).
    projects, learners_total, mentor_count = (max(2, round(PROJECTS * scale)), max(LARGE_PROJECT + 20,
                                              round(LEARNERS * scale)), max(3, round(MENTORS * scale)))
    copier.copy(Organisation, ["id", "name", "institution", "nation", "state", "created_at"], (
        (number + 1, f"Bench project {number}", "University", "ENGLAND_AND_WALES", "APPROVED", naive(now))
        for number in range(projects)))
    user_columns = ["id", "email", "display_name", "password_hash", "timezone", "is_admin", "is_mentor", "is_leader",
                    "is_trainee", "is_active_account", "organisation_id", "created_at"]
    users = [(1, "admin@bench.example.org", "Bench Admin", password_hash, "Europe/London", True, False, False, False,
              True, None, naive(now))]
    mentor_ids = list(range(2, 2 + mentor_count))
    users += [(user_id, f"mentor{n}@bench.example.org", f"Mentor {n:03}", password_hash, "Europe/London", False, True,
               False, False, True, None, naive(now)) for n, user_id in enumerate(mentor_ids)]
    learner_ids, organisation_of = [], {}
    sizes = [LARGE_PROJECT] + [(learners_total - LARGE_PROJECT) // (projects - 1)] * (projects - 1)
    next_id = mentor_ids[-1] + 1
    for organisation_id, size in enumerate(sizes, start=1):
        for member in range(size):
            users.append((next_id, f"p{organisation_id}-m{member}@bench.example.org",
                          f"Member {organisation_id:02}-{member:03}", password_hash, "Europe/London", False, False,
                          member == 0, True, True, organisation_id, naive(now - timedelta(days=400))))
            learner_ids.append(next_id)
            organisation_of[next_id] = organisation_id
            next_id += 1
    copier.copy(User, user_columns, users)

    # Runs: each course starts every four weeks, a year back and four months ahead; two mentors each.
    runs, run_id = [], 0
    for course in courses:
        length = timedelta(weeks=course.weeks) if course.weeks else timedelta(hours=4 if course.format.name ==
                                                                               "HALF_DAY" else 8)
        for step in range(-RUNS_BACK, RUNS_AHEAD + 1):
            run_id += 1
            starts = (now + step * RUN_EVERY).replace(hour=9, minute=0, second=0)
            runs.append({"id": run_id, "course": course, "starts_at": starts, "ends_at": starts + length})
    copier.copy(Run, ["id", "course_id", "starts_at", "ends_at", "timezone", "venue", "video_link", "enrol_opens_at",
                      "enrol_closes_at", "capacity", "created_at"], (
        (run["id"], run["course"].id, naive(run["starts_at"]), naive(run["ends_at"]), "Europe/London", "Online", "",
         naive(run["starts_at"] - timedelta(weeks=8)), naive(run["starts_at"]), 2000,
         naive(run["starts_at"] - timedelta(weeks=10))) for run in runs))
    copier.copy(run_mentors, ["run_id", "user_id"], (
        (run["id"], mentor_ids[(run["id"] * 2 + offset) % mentor_count]) for run in runs for offset in (0, 1)))
    ended = [run for run in runs if run["ends_at"] < now]
    current = [run for run in runs if run["ends_at"] >= now]
    busy_mentor = mentor_ids[0]

    # Enrolments: two ended runs of different courses and one under way or to come; the large project all in
    # the same three runs, so its matrix has every module.
    enrolments, enrolled = [], {}
    large_runs = [next(run for run in ended if run["course"] is courses[0]),
                  next(run for run in ended if run["course"] is courses[1]),
                  next(run for run in current if run["course"] is courses[2] and run["starts_at"] < now)]
    for learner_id in learner_ids:
        if organisation_of[learner_id] == 1:
            chosen = large_runs
        else:
            first, second = rng.sample(ended, 2)
            while second["course"] is first["course"]:
                second = rng.choice(ended)
            chosen = [first, second, rng.choice(current)]
        enrolled[learner_id] = chosen
        enrolments += [(run["id"], learner_id, "ENROLLED", naive(run["starts_at"] - timedelta(weeks=2)),
                        naive(run["starts_at"] - timedelta(weeks=2))) for run in chosen]
    copier.copy(Enrolment, ["run_id", "user_id", "state", "state_changed_at", "created_at"], enrolments)

    # Progress: ended runs mostly finished (80%), runs under way part done, runs to come untouched.
    pools = {module_id: answer_pools(quiz, rng) for module_id, quiz in quizzes.items()}
    questions = {module_id: [question.id for question in quiz.questions] for module_id, quiz in quizzes.items()}
    reads, attempts, sign_offs, certificates, signed = set(), [], [], [], set()
    lesson_ids = {module_id: [lesson.id for lesson in module.lessons] for module_id, module in modules.items()}
    attempt_id = 0
    attempt_numbers: dict[tuple[int, int], int] = {}
    answer_rows = []

    def sit(learner_id: int, module_id: int, moment: datetime, passing: bool) -> None:
        nonlocal attempt_id
        quiz = quizzes[module_id]
        ability = rng.gauss(0.7, 0.15)
        for last in [False] * rng.randrange(MAX_ATTEMPTS) + [True]:
            attempt_id += 1
            number = attempt_numbers[learner_id, module_id] = attempt_numbers.get((learner_id, module_id), 0) + 1
            p_right = 0.97 if last and passing else ability
            scored = []
            for position, question_id in enumerate(rng.sample(questions[module_id], quiz.draw)):
                order, answer, choice_key, score = rng.choice(pools[module_id][question_id, rng.random() < p_right])
                points = quiz_points[question_id]
                answer_rows.append((attempt_id, question_id, position, order, answer, choice_key, points, score,
                                    False, ""))
                scored.append((score, points))
            total = totals(scored)
            attempts.append((attempt_id, quiz.id, learner_id, number, "GRADED", rng.randrange(2 ** 31),
                             naive(moment), naive(moment + timedelta(minutes=20)), 1, total.score, total.max_score,
                             total.grade))
            moment += timedelta(hours=rng.randrange(2, 48))

    quiz_points = {question.id: question.points for quiz in quizzes.values() for question in quiz.questions}
    for learner_id in learner_ids:
        for run in enrolled[learner_id]:
            if run["starts_at"] > now:
                continue
            finished = run in ended and rng.random() < 0.8
            course_modules = run["course"].course_modules
            done_at = run["starts_at"]
            for index, course_module in enumerate(course_modules):
                module_id = course_module.module_id
                begun = finished or index < len(course_modules) * rng.random()
                if not begun:
                    continue
                wanted = lesson_ids[module_id] if finished else lesson_ids[module_id][:rng.randrange(1, 6)]
                reads.update((learner_id, lesson_id, run["starts_at"]) for lesson_id in wanted)
                if module_id in quizzes and (learner_id, module_id) not in attempt_numbers:
                    sit(learner_id, module_id, run["starts_at"] + timedelta(days=index * 3), finished)
                if modules[module_id].is_sign_off_required and (learner_id, module_id) not in signed:
                    signed.add((learner_id, module_id))
                    state = "SIGNED_OFF" if finished else rng.choice(["REQUESTED", "RETURNED", None])
                    if state:
                        sign_offs.append((len(sign_offs) + 1, learner_id, module_id, run["id"], state,
                                          naive(run["starts_at"] + timedelta(days=index * 3 + 2)),
                                          mentor_ids[(run["id"] * 2) % mentor_count] if state != "REQUESTED" else None,
                                          naive(run["starts_at"] + timedelta(days=index * 3 + 1))))
                done_at = run["starts_at"] + timedelta(days=index * 3 + 2)
            if finished:
                certificates.append((len(certificates) + 1, new_code(), learner_id, run["id"],
                                     users[learner_id - 1][2], naive(done_at), naive(done_at),
                                     expiry(done_at, run["course"].certificate_valid_years)))
    # A lesson read once per person, whatever the run: keep the earliest.
    first_read = {}
    for learner_id, lesson_id, moment in reads:
        key = (learner_id, lesson_id)
        first_read[key] = min(first_read.get(key, moment), moment)
    copier.copy(LessonRead, ["user_id", "lesson_id", "read_at"],
                ((user_id, lesson_id, naive(moment)) for (user_id, lesson_id), moment in first_read.items()))
    copier.copy(Attempt, ["id", "quiz_id", "user_id", "number", "state", "seed", "started_at", "submitted_at",
                          "last_page", "score", "max_score", "grade"], attempts)
    copier.copy(AttemptAnswer, ["attempt_id", "question_id", "position", "option_order", "answer", "choice_key",
                                "points", "score", "needs_marking", "comment"], answer_rows)
    answer_rows.clear()
    # More attempts than a quiz allows were granted by a mentor, one more than used, so the learner may sit again.
    copier.copy(QuizAdjustment, ["quiz_id", "user_id", "extra_minutes", "extra_attempts", "granted_by_id", "granted_at"], (
        (quizzes[module_id].id, learner_id, 0, used - quizzes[module_id].attempts_allowed + 1, busy_mentor, naive(now))
        for (learner_id, module_id), used in attempt_numbers.items()
        if quizzes[module_id].attempts_allowed and used >= quizzes[module_id].attempts_allowed))
    copier.copy(SignOff, ["id", "learner_id", "module_id", "run_id", "state", "state_changed_at", "decided_by_id",
                          "created_at"], sign_offs)
    copier.copy(SignOffVersion, ["sign_off_id", "number", "answer", "submitted_at"], (
        (row[0], 1, "My triage of the three applications, with reasons.", row[7]) for row in sign_offs))
    events = []
    for row in sign_offs:
        events.append((row[0], row[1], "REQUESTED", 1, "", "[]", row[7]))
        if row[4] != "REQUESTED":
            events.append((row[0], row[6], row[4], 1, "Well reasoned.", "[]", row[5]))
    copier.copy(SignOffEvent, ["sign_off_id", "actor_id", "action", "version_number", "comment",
                               "criteria_comments", "at"], events)
    copier.copy(Certificate, ["id", "code", "learner_id", "run_id", "version", "name", "completed_at", "issued_at",
                              "expires_at", "revoke_reason"],
                ((cid, code, learner, run, 1, name, done, issued, naive(expires) if expires else None, "")
                 for cid, code, learner, run, name, done, issued, expires in certificates))
    seed_mentoring(copier, mentor_ids, learner_ids, round(BOOKINGS * scale), now)
    # The attempts were copied in, not finished through submit(): count them in the item-analysis sums.
    for quiz in quizzes.values():
        rebuild(quiz)

    for table in db.metadata.sorted_tables:
        if "id" in table.columns and table.columns["id"].autoincrement is not False:
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                    f"GREATEST((SELECT max(id) FROM {table.name}), 1))"))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    appeals = next(quiz for quiz in quizzes.values() if quiz.module.slug == "appeals-law")
    trainee = max(learner_ids[LARGE_PROJECT:], key=lambda learner: sum(
        attempt_numbers.get((learner, module_id), 0) for module_id in quizzes))
    ids = {
        "scale": scale, "admin": 1, "mentor": busy_mentor, "large_leader": learner_ids[0], "large_organisation": 1,
        "leader": learner_ids[LARGE_PROJECT], "organisation": 2, "trainee": trainee,
        "quiz": appeals.id, "quiz_module": appeals.module.slug,
        "certificate": certificates[0][1] if certificates else "",
        "lesson": f"{appeals.module.slug}/lessons/{appeals.module.lessons[0].slug}",
    }
    print(f"seeded in {time.perf_counter() - started:.0f} s (scale {scale}):")
    for name, count in copier.counts.items():
        print(f"  {name:<24} {count:>10,}")
    return ids


def seed_mentoring(copier: Copier, mentor_ids: list[int], learner_ids: list[int], count: int, now: datetime) -> None:
    """Weekday hours 09:00-17:00 for every mentor, and about `count` one-hour sessions, forty weeks back and eight
    ahead, at most two a day per mentor with a gap between them. The learner of a session is chosen so that no two
    sessions at the same hour share one (the exclusion constraints would refuse it)."""
    copier.copy(MentorProfile, ["id", "mentor_id", "timezone", "session_lengths", "buffer_minutes", "notice_hours",
                                "horizon_weeks", "cancel_cutoff_hours"],
                ((n + 1, mentor_id, "Europe/London", "[30, 60, 90]", 15, 24, 8, 12)
                 for n, mentor_id in enumerate(mentor_ids)))
    copier.copy(AvailabilityWindow, ["profile_id", "weekday", "start_time", "end_time"], (
        (n + 1, day, "09:00", "17:00") for n in range(len(mentor_ids)) for day in range(5)))
    today = now.replace(hour=0, minute=0, second=0)
    days = [today + timedelta(days=offset) for offset in range(-280, 57) if (today + timedelta(days=offset)).weekday() < 5]
    chance = count / (len(mentor_ids) * len(days) * 2)
    spacing = max(1, len(learner_ids) // len(mentor_ids))
    rng, rows, booking_id = random.Random(19), [], 0
    for m, mentor_id in enumerate(mentor_ids):
        for d, day in enumerate(days):
            for hour in (9 + (m + d) % 3, 13 + (m + d) % 3):
                if rng.random() >= chance:
                    continue
                booking_id += 1
                starts = day.replace(hour=hour)
                learner = learner_ids[(m * spacing + d * 8 + hour) % len(learner_ids)]
                past = starts < now
                cancelled = rng.random() < 0.05
                rows.append((booking_id, mentor_id, learner, learner, "CANCELLED" if cancelled else "CONFIRMED",
                             naive(starts), naive(starts + timedelta(hours=1)), naive(starts),
                             naive(starts + timedelta(minutes=75)), "Casework review", "Go through the file",
                             f"bench-{booking_id}@casework-academy", 0, naive(starts - timedelta(weeks=2)),
                             naive(starts - timedelta(days=1)) if cancelled else None, "",
                             "ATTENDED" if past and not cancelled else None, "",
                             "Discussed the grounds." if past else "", "Read the trial transcript." if past else ""))
    copier.copy(Booking, ["id", "mentor_id", "learner_id", "booked_by_id", "state", "starts_at", "ends_at",
                          "blocked_from", "blocked_until", "topic", "agenda", "uid", "sequence", "created_at",
                          "cancelled_at", "cancel_reason", "attendance", "private_note", "shared_note",
                          "action_points"], rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every count (0.1: a tenth)")
    parser.add_argument("--fresh", action="store_true", help="drop and create the database, then migrate it")
    arguments = parser.parse_args()
    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        if arguments.fresh:
            recreate(db.engine.url)
            upgrade(directory=str(ROOT / "migrations"))
        assert db.engine.dialect.name == "postgresql", "the bench seeds PostgreSQL (set DATABASE_URL)"
        assert not db.session.scalar(db.select(db.func.count(User.id))), "the database must be empty (only migrated)"
        ids = seed(arguments.scale, random.Random(2026))
        seeded = seeded_file(db.engine.url.database)
    seeded.write_text(json.dumps(ids, indent=2))
    print(f"ids for the load bench in {seeded}")


def recreate(url) -> None:
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}"'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    server.dispose()
    db.engine.dispose()


def seeded_file(database: str) -> Path:
    return Path(__file__).parent / f".seeded-{database}.json"


if __name__ == "__main__":
    main()
