"""Seed a curriculum twenty times the real one and 6,000 people, and time the search page.

    .venv/bin/python -m bench.search                 # a throw-away SQLite database
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/bench_search .venv/bin/python -m bench.search

The real content (content/) is loaded, then COPIES more copies of every module (its lessons, resources and
sources) under new slugs, so the index holds about twenty times the real lessons; 60 projects of 100 members
each give the people search something to look through. Prints, per search and role, the median and
95th-percentile time of the whole request over REQUESTS requests, the median time spent in SQL, and the SQL
statements one request runs; the first line, the page without a search, is the cost of any page (signed-in
person, template) to compare with.
The database must be empty (it is migrated and filled here).
"""
import copy
import os
import statistics
import tempfile
import time as clock
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event, insert, text
from werkzeug.security import generate_password_hash

from accounts.models import Nation, Organisation, OrganisationState, User
from accounts.sessions import new_session
from app import create_app
from core.config import normalise_database_url
from core.db import utcnow
from core.extensions import db
from courses.loader import apply_curriculum, read_curriculum
from courses.models import Course, Enrolment, EnrolmentState, Run
from search.models import SearchDocument

ROOT = Path(__file__).parent.parent
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
COPIES = int(os.environ.get("BENCH_COPIES", "19"))
PROJECTS, MEMBERS_EACH = 60, 100
SURNAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright",
            "Khan", "Evans", "Thomas", "Roberts", "Walker", "Campbell", "Murray", "Kelly", "Quinn", "Ahmed"]


def seed() -> dict:
    curriculum, problems = read_curriculum(ROOT / "content")
    assert not problems, problems
    real = list(curriculum.modules)
    for number in range(1, COPIES + 1):
        for module in real:
            twin = copy.deepcopy(module)
            twin["slug"] = f"{module['slug']}-{number}"
            twin["title"] = f"{module['title']} ({number})"
            if twin["quiz"]:
                twin["quiz"] = None  # question ids are unique across modules
            curriculum.modules.append(twin)
    apply_curriculum(curriculum)
    password_hash = generate_password_hash("bench password")
    admin = User(email="admin@bench.example.org", display_name="Admin", is_admin=True, password_hash=password_hash)
    db.session.add(admin)
    organisations = [Organisation(name=f"Bench project {number}", institution="University",
                                  nation=Nation.ENGLAND_AND_WALES, state=OrganisationState.APPROVED)
                     for number in range(PROJECTS)]
    db.session.add_all(organisations)
    db.session.flush()
    db.session.execute(insert(User), [
        {"email": f"member{project}-{member}@bench.example.org",
         "display_name": f"Member {member} {SURNAMES[(project + member) % len(SURNAMES)]}",
         "is_trainee": member > 0, "is_leader": member == 0, "organisation_id": organisations[project].id,
         "password_hash": password_hash, "timezone": "Europe/London", "is_admin": False, "is_mentor": False,
         "is_active_account": True, "created_at": utcnow()}
        for project in range(PROJECTS) for member in range(MEMBERS_EACH)])
    leader = db.session.scalar(db.select(User).where(User.email == "member0-0@bench.example.org"))
    trainee = db.session.scalar(db.select(User).where(User.email == "member0-1@bench.example.org"))
    course = db.session.scalar(db.select(Course).where(Course.slug == "running-an-innocence-project"))
    starts_at = utcnow() - timedelta(weeks=20)
    run = Run(course=course, starts_at=starts_at, ends_at=starts_at + timedelta(weeks=course.weeks or 1),
              enrol_opens_at=starts_at - timedelta(days=30), enrol_closes_at=starts_at, capacity=30)
    db.session.add(run)
    db.session.flush()
    db.session.add(Enrolment(run_id=run.id, user_id=trainee.id, state=EnrolmentState.ENROLLED))
    db.session.commit()
    return {"admin": admin.id, "leader": leader.id, "trainee": trainee.id}


SEARCHES = [
    ("admin", "/search"),
    ("anonymous", "/search?q=fresh+evidence"),
    ("trainee", "/search?q=fresh+evidence"),
    ("admin", "/search?q=fresh+evidence"),
    ("admin", "/search?q=ccrc"),
    ("admin", "/search?q=ccrc&section=lessons&page=3"),
    ("admin", '/search?q="real+possibility"+-scotland'),
    ("admin", "/search?q=disclosure+or+identification"),
    ("admin", "/search?q=smith"),
    ("leader", "/search?q=smith"),
    ("admin", "/search?q=the"),
]


def measure(app, ids):
    with app.app_context():
        engine = db.engine
        documents = db.session.scalar(db.select(db.func.count(SearchDocument.id)))
        people = db.session.scalar(db.select(db.func.count(User.id)))
    print(f"{documents:,} documents in the index, {people:,} people; {REQUESTS} requests per search on "
          f"{engine.dialect.name}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'search':<48} {'role':<10} {'median ms':>10} {'p95 ms':>8} {'SQL ms':>7} {'statements':>11}")
    sql_ms: list[float] = []

    def started(conn, *args):
        conn.info["bench_started"] = clock.perf_counter()

    def finished(conn, *args):
        elapsed = (clock.perf_counter() - conn.info.pop("bench_started")) * 1000
        if sql_ms:
            sql_ms[-1] += elapsed

    event.listen(engine, "before_cursor_execute", started)
    event.listen(engine, "after_cursor_execute", finished)
    for role, url in SEARCHES:
        client = app.test_client()
        if role != "anonymous":
            with app.app_context():
                user = db.session.get(User, ids[role])
                new_session(user)
                db.session.commit()
                cookie = user.get_id()
            with client.session_transaction() as session:
                session["_user_id"] = cookie
        statements: list[str] = []

        def count(conn, cursor, statement, *args, statements=statements):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        assert client.get(url).status_code == 200, url
        event.remove(engine, "before_cursor_execute", count)
        timings = []
        sql_ms.clear()
        for _ in range(REQUESTS):
            sql_ms.append(0.0)
            began = clock.perf_counter()
            client.get(url)
            timings.append((clock.perf_counter() - began) * 1000)
        p95 = statistics.quantiles(timings, n=20)[-1]
        print(f"{url:<48} {role:<10} {statistics.median(timings):>10.1f} {p95:>8.1f} {statistics.median(sql_ms):>7.1f} "
              f"{len(statements):>11}")


def main():
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "RATELIMIT_ENABLED": False,
                      "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        ids = seed()
        # Fresh statistics, as autovacuum would have them: without, PostgreSQL plans for empty tables.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    measure(app, ids)


if __name__ == "__main__":
    main()
