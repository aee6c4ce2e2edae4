"""After erasure, a full dump of the database holds neither the person's e-mail address nor their name.

On SQLite the dump is `iterdump()`; on PostgreSQL it is `pg_dump` (or, where that is not installed, every
text and binary column of every table read back through SQL). Binary columns (the e-mail outbox) are
searched in hex too, as both dumps write them.
"""
import re
import shutil
import sqlite3
import subprocess

from sqlalchemy import JSON, LargeBinary, String, Text, cast, select
from sqlalchemy.engine import make_url

from core.extensions import db
from core.mail import queue_mail
from modules.evidence import path_of
from modules.models import SignOffVersion
from tests.privacy.helpers import person_with_everything

EMAIL, NAME = "zadie.quell@example.org", "Zadie Quell"


def _dump() -> str:
    url = make_url(str(db.engine.url))
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database) as connection:
            return "\n".join(connection.iterdump())
    if shutil.which("pg_dump"):
        return subprocess.run(["pg_dump", "--data-only", "-h", url.host or "127.0.0.1", "-p", str(url.port or 5432),
                               "-U", url.username, url.database], capture_output=True, text=True, check=True,
                              env={"PGPASSWORD": url.password or "", "PATH": "/usr/bin:/bin"}).stdout
    return _dump_through_sql()


def _dump_through_sql() -> str:
    """Every text and binary cell of every table, for databases without a dump tool at hand."""
    cells = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, LargeBinary):
                    cells += [value.hex() for value in connection.scalars(select(column)) if value]
                elif isinstance(column.type, (String, JSON)):
                    cells += [str(value) for value in connection.scalars(select(cast(column, Text))) if value]
    return "\n".join(cells)


def _readable(dump: str) -> str:
    """The dump with each run of hex digits (a binary value: X'...' in SQLite's dump, \\x... in pg_dump's)
    decoded beside it, so text inside binary columns is searched like any other."""
    decoded = [bytes.fromhex(run[:len(run) // 2 * 2]).decode("utf-8", "replace")
               for run in re.findall(r"[0-9a-fA-F]{32,}", dump)]
    return "\n".join([dump, *decoded]).lower()


def _mentions(dump: str, text: str) -> bool:
    return text.lower() in _readable(dump)


def test_a_full_dump_after_erasure_holds_neither_the_address_nor_the_name(
        committed_db, make_user, make_organisation, make_run, enrol, runner):
    trainee = make_user("trainee", make_organisation(), name=NAME, email=EMAIL)
    mentor = make_user("mentor", name="Max Mentor")
    run = make_run(mentors=[mentor])
    enrol(run, trainee)
    person_with_everything(trainee, mentor, run)
    queue_mail(EMAIL, "Welcome", f"Dear {NAME}, welcome.")
    queue_mail(mentor.email, "A request", f"{NAME} <{EMAIL}> asked you for sign-off.")
    db.session.commit()
    files = [path_of(key) for key in db.session.scalars(select(SignOffVersion.file_key).where(
        SignOffVersion.file_key.is_not(None)))]
    before = _dump()
    assert _mentions(before, EMAIL) and _mentions(before, NAME) and files and all(f.is_file() for f in files)

    result = runner.invoke(args=["privacy", "erase", EMAIL, "--yes"])
    assert result.exit_code == 0, result.output

    after = _dump()
    assert not _mentions(after, EMAIL)
    assert not _mentions(after, NAME)
    assert not any(f.exists() for f in files)
    assert "A former trainee" in after  # the account's row stays, nameless


def test_the_sql_dump_reads_every_text_and_binary_cell(committed_db, make_user):
    make_user("trainee", name=NAME, email=EMAIL)
    queue_mail("someone@example.org", "Hello", "Binary body for Zadie")
    db.session.commit()
    dump = _dump_through_sql()
    assert EMAIL in dump and NAME in dump and _mentions(dump, "Binary body for Zadie")
