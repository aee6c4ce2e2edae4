"""The retention schedule: how long each kind of personal data is kept, and the purge that enforces it.

Each kind names the area function that removes what is older than its period (`purge_*(before, dry_run)`
in the area's `personal_data` module, returning how many rows it removed or would remove). Periods are
settings (`RETENTION_<KIND>_DAYS`), so the schedule the privacy page shows is the one the purge applies.
"""
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import text

import accounts.personal_data
import core.personal_data
import mentoring.personal_data
import modules.personal_data
from core import audit
from core.db import utcnow
from core.extensions import db
from privacy import erasure

#: the key of the PostgreSQL advisory lock that lets one purge run at a time (any number may start at once)
PURGE_LOCK_KEY = 1_414_000_014


def _erase_inactive(before: datetime, dry_run: bool) -> int:
    people = accounts.personal_data.inactive_since(before)
    if not dry_run:
        for person in people:
            erasure.erase(person, None)
    return len(people)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    #: what happens when the period is over
    outcome: str
    #: the moment the period counts from
    counted_from: str
    default_days: int
    purge: Callable[[datetime, bool], int]

    def setting(self) -> str:
        return f"RETENTION_{self.key.upper()}_DAYS"


INACTIVE_ACCOUNTS = Kind("inactive_accounts", "Accounts nobody uses", "The account is erased, as if its owner had "
                         "asked (administrators' accounts excepted).", "the last sign-in", 3 * 365, _erase_inactive)
#: in the order the privacy page lists them and the purge applies them
KINDS = (
    Kind("private_notes", "Mentors' private notes on a session", "The note is deleted; the session stays.",
         "the end of the session", 365, mentoring.personal_data.purge_private_notes),
    Kind("session_notes", "Session agendas, shared notes and action points", "They are deleted; the session stays.",
         "the end of the session", 3 * 365, mentoring.personal_data.purge_session_notes),
    Kind("evidence_files", "Files attached to sign-off requests", "The file is deleted; the written answer and "
         "the mentor's decision stay.", "the request", 2 * 365, modules.personal_data.purge_evidence_files),
    Kind("quiz_answers", "Quiz answers and markers' comments", "The answers in words and the comments are deleted; "
         "scores and grades stay.", "the attempt's submission", 3 * 365, modules.personal_data.purge_quiz_answers),
    Kind("audit_entries", "Audit log entries", "The entry is deleted.", "the event", 2 * 365,
         core.personal_data.purge_audit_entries),
    Kind("sent_mail", "E-mail kept after sending", "The copy is deleted.", "the message", 90,
         core.personal_data.purge_sent_mail),
    INACTIVE_ACCOUNTS,
    Kind("declined_organisations", "Projects whose registration was declined", "The project is deleted.",
         "the decision", 180, accounts.personal_data.purge_declined_organisations),
)


def configured_periods() -> dict[str, int]:
    """Each kind's period in days, from `RETENTION_<KIND>_DAYS` or its default (read once, at start-up)."""
    return {kind.key: int(os.environ.get(kind.setting(), kind.default_days)) for kind in KINDS}


def period(kind: Kind) -> timedelta:
    return timedelta(days=current_app.config["RETENTION_DAYS"][kind.key])


def schedule() -> list[tuple[Kind, timedelta]]:
    return [(kind, period(kind)) for kind in KINDS]


def describe(length: timedelta) -> str:
    """A period in words: "3 years", "18 months", "90 days"."""
    days = length.days
    if days % 365 == 0:
        return f"{days // 365} year{'s' if days != 365 else ''}"
    if days % 30 == 0 and days >= 60:
        return f"{days // 30} months"
    return f"{days} day{'s' if days != 1 else ''}"


def _one_purge_at_a_time() -> None:
    """On PostgreSQL a second purge waits here until the first has committed, then finds nothing left to do.
    On SQLite the write lock every transaction takes at BEGIN (core/db.py) already serialises them."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PURGE_LOCK_KEY})


def purge(dry_run: bool = False, now: datetime | None = None) -> list[tuple[Kind, int]]:
    """Remove everything older than its period, kind by kind, in the current transaction (the caller commits).

    Idempotent: a second run finds nothing. With `dry_run` nothing changes and the counts say what would go.
    """
    _one_purge_at_a_time()
    now = now or utcnow()
    counts = [(kind, kind.purge(now - period(kind), dry_run)) for kind in KINDS]
    if not dry_run:
        audit.record("privacy.purge", detail={kind.key: count for kind, count in counts})
    return counts


def members_due(organisation_id: int, within: timedelta = timedelta(days=90), now: datetime | None = None) -> list:
    """The organisation's members whose accounts the purge will erase for inactivity within `within`, unless they
    sign in first (for their leaders, who can remind them)."""
    return accounts.personal_data.inactive_since((now or utcnow()) + within - period(INACTIVE_ACCOUNTS),
                                                 organisation_id)


def accounts_due_now(now: datetime | None = None) -> list:
    """The accounts the purge would erase for inactivity if it ran now."""
    return accounts.personal_data.inactive_since((now or utcnow()) - period(INACTIVE_ACCOUNTS))
