"""Drive the key pages of a seeded database (bench/seed.py) with wrk, each against the bare route right beside it.

    DATABASE_URL=postgresql://postgres@127.0.0.1/casework_bench .venv/bin/python -m bench.load
    make bench            # migrate, seed and load a fresh database in one go (BENCH_SCALE, BENCH_SECONDS)

Serves `bench.wsgi:app` (the app plus the bare route) with gunicorn, its fragment cache in Redis as in production
(BENCH_CACHE_REDIS_URL, default redis://127.0.0.1:6379/0), signs each role in with a real
server-side session, then for every page runs wrk for BENCH_SECONDS in all on the bare route and on the
page (same person, same connections), taking turns in BENCH_ROUNDS short runs each, so both share whatever
else the machine is doing at that moment.
Prints per page: requests per second, the ratio to the bare route, p50/p95/p99 latency and the SQL
statements one request runs, and the load average (the machine is shared: the ratio is the figure to
compare between runs). Needs `wrk` (Debian: apt-get install wrk).
"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import select

from accounts.models import User
from accounts.sessions import new_session
from app import create_app
from bench.seed import seeded_file
from core.extensions import db
from courses.models import Enrolment, Run
from curriculum.models import Quiz
from modules.attempts import QuizRefusal, start_attempt

SECRET = "bench secret key, not for production"
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests": %d, "seconds": %f, "errors": %d, "bad_status": %d, '
    .. '"p50": %d, "p95": %d, "p99": %d}\\n', summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def pages(ids: dict, attempt_id: int) -> list[tuple[str, str, str]]:
    """(name, role, path): the issue's table, in its order."""
    quiz = ids["quiz"]
    return [
        ("certificate verification", "trainee", f"/verify/{ids['certificate']}"),
        ("mentor's week", "mentor", "/mentoring/week"),
        ("quiz page mid-attempt", "trainee", f"/attempts/{attempt_id}"),
        ("mentor booking page", "leader", f"/mentoring/mentors/{ids['mentor']}/book?length=60"),
        ("catalogue", "trainee", "/"),
        ("lesson", "trainee", f"/modules/{ids['lesson']}"),
        ("busy trainee's dashboard", "trainee", "/dashboard"),
        ("leader's dashboard", "leader", "/dashboard"),
        ("team matrix, 300 members", "large_leader", f"/organisations/{ids['large_organisation']}/matrix"),
        ("team matrix CSV", "large_leader", f"/organisations/{ids['large_organisation']}/matrix.csv"),
        ("item analysis, first attempts", "admin", f"/admin/quizzes/{quiz}/analysis"),
        ("item analysis, all attempts", "admin", f"/admin/quizzes/{quiz}/analysis?attempts=all"),
    ]


def prepare(app, ids: dict) -> tuple[dict[str, str], int, str]:
    """Session cookies per role, an attempt in progress for the trainee, and the lesson they can read."""
    serializer = app.session_interface.get_signing_serializer(app)
    cookies = {}
    with app.app_context():
        for role in ("admin", "mentor", "leader", "large_leader", "trainee"):
            user = db.session.get(User, ids[role])
            new_session(user, device="bench")
            cookies[role] = (f"{app.config['SESSION_COOKIE_NAME']}="
                             f"{serializer.dumps({'_user_id': user.get_id(), '_fresh': True})}")
        trainee = db.session.get(User, ids["trainee"])
        # The quiz of the first module of a run under way that the trainee holds a seat in.
        run = db.session.scalars(select(Run).join(Enrolment).where(Enrolment.user_id == trainee.id)
                                 .order_by(Run.starts_at.desc())).first()
        attempt = None
        for course_module in run.course.course_modules:
            quiz = db.session.scalar(select(Quiz).where(Quiz.module_id == course_module.module_id))
            try:
                attempt = start_attempt(quiz, trainee)
                lesson = f"{course_module.module.slug}/lessons/{course_module.module.lessons[0].slug}"
                break
            except QuizRefusal:
                continue
        attempt_id = attempt.id
        db.session.commit()
    return cookies, attempt_id, lesson


def fetch(base: str, path: str, cookie: str) -> tuple[int, int]:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    with urllib.request.urlopen(request) as response:
        response.read()
        return response.status, int(response.headers.get("X-Bench-Statements", "0"))


def drain(base: str, cookie: str, workers: int) -> None:
    """Wait for the requests wrk left behind: sync workers finish every request they accepted, even once wrk has
    hung up, so the next run would start behind them. Requests queue in order, so when twice as many bare requests
    as workers have come back, everything before them has been served."""
    with ThreadPoolExecutor(workers * 2) as pool:
        list(pool.map(lambda _: fetch(base, "/_bench/bare", cookie), range(workers * 2)))


def wrk(base: str, path: str, cookie: str, seconds: int, connections: int, script: str) -> dict:
    output = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s", "-s", script,
         "-H", f"Cookie: {cookie}", base + path], capture_output=True, text=True, check=True).stdout
    result = json.loads(next(line for line in output.splitlines() if line.startswith("BENCH "))[6:])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def _combined(runs: list[dict]) -> dict:
    """Requests per second over all the runs together, and each latency percentile as the median of the runs'."""
    combined = {"rps": sum(run["requests"] for run in runs) / sum(run["seconds"] for run in runs)}
    for percentile in ("p50", "p95", "p99"):
        combined[percentile] = statistics.median(run[percentile] for run in runs)
    return combined


def serve(port: int, workers: int) -> subprocess.Popen:
    # As in production, the workers share their page fragments in Redis (keys of the bench's own).
    environment = dict(os.environ, SECRET_KEY=SECRET, RATELIMIT_ENABLED="false",
                       CACHE_REDIS_URL=os.environ.get("BENCH_CACHE_REDIS_URL", "redis://127.0.0.1:6379/0"),
                       CACHE_KEY_PREFIX="casework-bench:")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
                               f"127.0.0.1:{port}", "--log-level", "warning", "bench.wsgi:app"],
                              env=environment, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/verify", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "15")),
                        help="length of each wrk run (default 15)")
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "3")),
                        help="turns the bare route and the page take, each of seconds/rounds (default 3)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8719)
    parser.add_argument("--only", default="", help="run only the pages whose name contains this")
    parser.add_argument("--json", type=Path, help="also write the results here")
    arguments = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    app = create_app({"SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False})
    with app.app_context():
        ids = json.loads(seeded_file(db.engine.url.database).read_text())
    cookies, attempt_id, lesson = prepare(app, ids)
    ids["lesson"] = lesson
    base = f"http://127.0.0.1:{arguments.port}"
    server = serve(arguments.port, arguments.workers)
    results = []
    script = Path(tempfile.mkdtemp()) / "report.lua"
    script.write_text(WRK_SCRIPT)
    started = time.time()
    try:
        print(f"scale {ids['scale']}, {arguments.workers} gunicorn workers, {arguments.connections} connections, "
              f"{arguments.seconds} s per run, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
        print(f"{'page':<32} {'SQL':>4} {'req/s':>7} {'bare':>7} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'p99 ms':>7} {'load':>5}")
        for name, role, path in pages(ids, attempt_id):
            if arguments.only not in name:
                continue
            status, _ = fetch(base, path, cookies[role])
            assert status == 200, (name, path, status)
            wrk(base, path, cookies[role], 2, arguments.connections, str(script))  # warm every worker
            drain(base, cookies[role], arguments.workers)
            # Statements of a request as every later one runs them: each worker has loaded its cached curriculum
            # structure by now, and the fewest of a few skips a session's occasional last-seen write.
            statements = min(fetch(base, path, cookies[role])[1] for _ in range(arguments.workers))
            # Bare and page take turns in short runs, so a burst of the machine's other work falls on both.
            bares, runs = [], []
            for _ in range(arguments.rounds):
                for path_run, results_of in (("/_bench/bare", bares), (path, runs)):
                    results_of.append(wrk(base, path_run, cookies[role], arguments.seconds // arguments.rounds,
                                          arguments.connections, str(script)))
                    drain(base, cookies[role], arguments.workers)
            assert not any(run["errors"] or run["bad_status"] for run in runs), (name, runs)
            bare, page = _combined(bares), _combined(runs)
            load = os.getloadavg()[0]
            row = {"page": name, "path": path, "statements": statements, "rps": page["rps"], "bare_rps": bare["rps"],
                   "ratio": page["rps"] / bare["rps"], "p50": page["p50"] / 1000, "p95": page["p95"] / 1000,
                   "p99": page["p99"] / 1000, "load": load}
            results.append(row)
            print(f"{name:<32} {statements:>4} {row['rps']:>7.1f} {row['bare_rps']:>7.1f} {row['ratio']:>6.2f} "
                  f"{row['p50']:>7.0f} {row['p95']:>7.0f} {row['p99']:>7.0f} {load:>5.1f}", flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
    print(f"{time.time() - started:.0f} s in all; load average {os.getloadavg()[0]:.1f} at the end")
    if arguments.json:
        arguments.json.write_text(json.dumps({"ids": ids, "results": results}, indent=2))


if __name__ == "__main__":
    main()
