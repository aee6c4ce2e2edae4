"""Erasure (UK GDPR Art. 17): a person's data removed everywhere, while others' records stay whole and nameless.

Each area erases its own part through `erase(user, by)` in its `personal_data` module; then `scrub` replaces the
person's name and address wherever others wrote them (a mentor's notice, an audit entry's detail). The account
row itself stays, with no personal field left, so a mentor's past sessions read "A former trainee" and a quiz's
item analysis keeps its counts.
"""
import re
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import JSON, Enum, String, and_, cast, func, or_, select, update

import accounts.personal_data
import certificates.personal_data
import core.personal_data
import courses.personal_data
import events.personal_data
import mentoring.personal_data
import modules.personal_data
import plans.personal_data
from accounts.models import User
from core import audit
from core.db import lock_for_update, utcnow
from core.errors import Refusal
from core.extensions import db
from core.notices import notify
from core.urls import path_for
from privacy.models import ErasureRequest, ErasureState, NotesRequest

#: the order areas erase in: e-mail and notices a step may cause go before core clears them; the account goes last
ERASING_ORDER = (modules.personal_data, mentoring.personal_data, courses.personal_data, events.personal_data,
                 plans.personal_data, certificates.personal_data, core.personal_data, accounts.personal_data)

ERASED_ADDRESS = "an erased address"


class ErasureRefusal(Refusal):
    """The request cannot move as asked (already erased or withdrawn, or still in its grace period)."""


def grace_period() -> timedelta:
    return timedelta(days=current_app.config["PRIVACY_ERASURE_GRACE_DAYS"])


def pending_request(user) -> ErasureRequest | None:
    return db.session.scalar(select(ErasureRequest).where(ErasureRequest.user_id == user.id,
                                                          ErasureRequest.state == ErasureState.PENDING))


def ask_for_erasure(user, now: datetime | None = None) -> ErasureRequest:
    """Open the person's request, due after the grace period, and tell the administrators; a request already
    waiting is returned unchanged (a double click opens one)."""
    request = pending_request(user)
    if request is not None:
        return request
    now = now or utcnow()
    request = ErasureRequest(user_id=user.id, requested_at=now, due_at=now + grace_period())
    db.session.add(request)
    db.session.flush()
    audit.record("privacy.erasure_request", actor=user, subject=user, detail={"request_id": request.id})
    admins = db.session.scalars(select(User.id).where(User.is_admin, User.is_active_account)).all()
    notify(admins, f"{user.display_name} asked for their account to be erased.", path_for("privacy.erasure_queue"))
    return request


def withdraw(request: ErasureRequest) -> None:
    request = lock_for_update(ErasureRequest, request.id)
    if not request.is_pending:
        raise ErasureRefusal("This request is no longer waiting.")
    request.state, request.decided_at = ErasureState.WITHDRAWN, utcnow()
    db.session.flush()
    audit.record("privacy.erasure_withdraw", actor=request.user_id, subject=request.user_id,
                 detail={"request_id": request.id})


def confirm(request: ErasureRequest, by, now: datetime | None = None) -> None:
    """Carry out a waiting request whose grace period is over (the row is locked: two confirmations erase once)."""
    request = lock_for_update(ErasureRequest, request.id)
    if not request.is_pending:
        raise ErasureRefusal("This request is no longer waiting.")
    if (now or utcnow()) < request.due_at:
        raise ErasureRefusal("The grace period is not over yet: the person may still withdraw.")
    erase(request.user, by)


def erase(user, by) -> None:
    """Erase the person now, in the current transaction (files leave the disk once it commits).

    Raises ErasureRefusal for an account already erased (its placeholder name must not be scrubbed everywhere).
    """
    if user.email == accounts.personal_data.erased_email(user):
        raise ErasureRefusal("This account has already been erased.")
    needles = core.personal_data.identifying_strings(user)
    replacement = accounts.personal_data.erased_name(user).lower()
    for area in ERASING_ORDER:
        area.erase(user, by)
    db.session.execute(NotesRequest.__table__.delete().where(NotesRequest.user_id == user.id))
    db.session.execute(update(ErasureRequest).where(ErasureRequest.user_id == user.id,
                                                    ErasureRequest.state == ErasureState.PENDING)
                       .values(state=ErasureState.ERASED, decided_at=utcnow(),
                               decided_by_id=by.id if by is not None else None))
    scrub({needle: ERASED_ADDRESS if "@" in needle else replacement for needle in needles})
    db.session.expire_all()
    audit.record("privacy.erase", actor=by, subject=user)


def _text_columns(table):
    for column in table.columns:
        if isinstance(column.type, JSON) or (isinstance(column.type, String) and not isinstance(column.type, Enum)):
            yield column


def _replace(value, patterns: list[tuple[re.Pattern, str]]):
    if isinstance(value, str):
        for pattern, replacement in patterns:
            value = pattern.sub(replacement, value)
        return value
    if isinstance(value, list):
        return [_replace(item, patterns) for item in value]
    if isinstance(value, dict):
        return {key: _replace(item, patterns) for key, item in value.items()}
    return value


def scrub(replacements: dict[str, str]) -> int:
    """Replace each needle (any case) in every text and JSON column of every table; returns the cells changed.

    One SELECT per column finds the rows that mention a needle; only those are rewritten. Core statements,
    so history the ORM guards (sign-off events) loses the name too.
    """
    patterns = [(re.compile(re.escape(needle), re.IGNORECASE), text) for needle, text in replacements.items()]
    changed = 0
    for table in db.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        for column in _text_columns(table):
            searched = func.lower(cast(column, db.Text) if isinstance(column.type, JSON) else column)
            found = db.session.execute(select(*keys, column).where(
                or_(*[searched.contains(needle.lower(), autoescape=True) for needle in replacements]))).all()
            for row in found:
                db.session.execute(update(table).where(and_(*[key == row[i] for i, key in enumerate(keys)]))
                                   .values({column.name: _replace(row[-1], patterns)}))
                changed += 1
    return changed
