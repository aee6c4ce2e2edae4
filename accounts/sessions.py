"""Server-side sessions: every sign-in is a `UserSession` row, and the cookies name it.

Flask-Login keeps `User.get_id()`, "<user id>:<session key>", in the session cookie and (with
"keep me signed in") in the remember-me cookie. The user loader accepts it only while its row is
open and the account active, in one query, so ending the row signs that device out, copied
cookies included. Sign-out ends one row; a password change or reset, deactivation, a role taken
away and "sign out of all other devices" end a person's rows in one UPDATE. Only a hash of the
key is stored, so a copy of the table opens no sessions.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import g, request
from flask_login import current_user, login_user
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from accounts.models import User, UserSession
from core.db import utcnow
from core.extensions import db

#: how stale `last_seen_at` may get before a request refreshes it (a write, so not on every request)
LAST_SEEN_EVERY = timedelta(minutes=5)

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
# Android and iOS agents also name Linux and Mac OS X, so they are looked for first.
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def _hash(key: str) -> str:
    # The key is 256 random bits, so a fast hash is enough: there is nothing to guess.
    return hashlib.sha256(key.encode()).hexdigest()


def describe_device(user_agent: str) -> str:
    """A short name for a browser ("Firefox on Windows") for the list of devices; never parsed further."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"


def new_session(user: User, device: str = "", ip_address: str = "") -> UserSession:
    """Open a session for `user` (flushed, not committed); `user.get_id()` then names it."""
    key = secrets.token_urlsafe(32)
    row = UserSession(key_hash=_hash(key), user_id=user.id, device=device[:100], ip_address=ip_address[:45])
    db.session.add(row)
    db.session.flush()
    user.current_session, user.session_key = row, key
    return row


def sign_in(user: User, remember: bool = False) -> UserSession:
    """Sign `user` in on this device with a new session; a session this browser already had is ended."""
    if current_user.is_authenticated and current_user.current_session is not None:
        end_session(current_user.current_session)
    row = new_session(user, describe_device(request.user_agent.string), request.remote_addr or "")
    login_user(user, remember=remember)
    return row


def user_for_cookie_id(cookie_id: str) -> User | None:
    """The user whose open session the cookie names, or None (ended, unknown, or the account inactive).

    One query: the session and its user together. When the session was last seen more than
    LAST_SEEN_EVERY ago, `record_last_seen` refreshes it after the response is built.
    """
    user_id, _, key = cookie_id.partition(":")
    if not user_id.isdigit() or not key:
        return None
    found = db.session.execute(
        select(UserSession, User).join(User, User.id == UserSession.user_id).where(
            UserSession.key_hash == _hash(key), UserSession.user_id == int(user_id),
            UserSession.ended_at.is_(None), User.is_active_account.is_(True))
        # The navigation shows the person's project on every page.
        .options(joinedload(User.organisation))
    ).first()
    if found is None:
        return None
    row, user = found
    user.current_session, user.session_key = row, key
    if utcnow() - row.last_seen_at >= LAST_SEEN_EVERY:
        g.stale_session_id = row.id
    return user


def record_last_seen(response):
    """After-request hook: refresh a stale session's `last_seen_at` (and address) in its own transaction.

    A read-only page commits nothing, so this is the one write such a request makes, at most once
    per LAST_SEEN_EVERY per device. Whatever the view left uncommitted is rolled back first, as the
    end of the request would have done, so this commit carries nothing else.
    """
    session_id = g.pop("stale_session_id", None)
    if session_id is not None:
        db.session.rollback()
        db.session.execute(update(UserSession).where(UserSession.id == session_id).values(
            last_seen_at=utcnow(), ip_address=(request.remote_addr or "")[:45]))
        db.session.commit()
    return response


def end_session(row: UserSession) -> None:
    """End one session (sign-out): its cookies, and any copies of them, sign nobody in again."""
    if row.ended_at is None:
        row.ended_at = utcnow()


def end_sessions(user: User, keep: UserSession | None = None) -> int:
    """End every open session of `user` but `keep`; returns how many were ended."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    return db.session.execute(query.values(ended_at=utcnow())).rowcount


def open_sessions(user: User) -> list[UserSession]:
    """The devices `user` is signed in on, most recently used first."""
    return list(db.session.scalars(select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None)
    ).order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))
