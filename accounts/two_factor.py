"""Two-factor sign-in: TOTP codes from an authenticator app, and one-time recovery codes. Flush only; views commit.

A code is accepted once: the person's row is locked while a code is checked, and the time step of the
last accepted code is kept, so a code seen over someone's shoulder (or a double submit) cannot be used
again. Recovery codes are random, stored as SHA-256 hashes, and each is spent by one conditional UPDATE,
so two requests cannot both use it. Every change is written to the audit log.
"""
import hashlib
import hmac
import secrets
import time as clock

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, select, update

from accounts.models import RecoveryCode, User
from accounts.sessions import end_sessions
from core import audit
from core.db import lock_for_update, utcnow
from core.extensions import db

ISSUER = "Casework Academy"
STEP_SECONDS = 30
#: codes from the step before and after the current one are accepted too (a phone's clock drifts)
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
#: base32 without look-alikes is not needed: the codes are read from a printout, and input is normalised
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECOVERY_CODE_LENGTH = 16


class TwoFactorRefusal(Exception):
    """A code was wrong, or the step is not allowed; the message says what to do, beside the field."""


def required_for(user) -> bool:
    """Whether the person's roles oblige them to use two-factor sign-in (`TWO_FACTOR_REQUIRED_ROLES`)."""
    return bool(user.role_keys & current_app.config["TWO_FACTOR_REQUIRED_ROLES"])


def must_set_up(user) -> bool:
    """Signed in with a role that requires a second factor, and none set up yet: the app is closed to them."""
    return user.is_authenticated and not user.has_two_factor and required_for(user)


def can_disable(user) -> bool:
    """A person turns their own second factor off, unless their role requires it."""
    return user.is_authenticated and user.has_two_factor and not required_for(user)


# -- codes, without the database ---------------------------------------------------

def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(email: str, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth:// URI as an inline SVG QR code (no script, no external image: it passes the CSP)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff",
                                                 svgclass="qr-code", title="QR code for your authenticator app")


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def matching_step(secret: str, code: str, after_step: int | None, now: float | None = None) -> int | None:
    """The time step whose TOTP `code` matches, within the allowed drift and after `after_step`; else None."""
    code = _normalise(code)
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int((clock.time() if now is None else now) // STEP_SECONDS)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if (after_step is None or step > after_step) and hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def hash_recovery_code(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Random codes shown as XXXX-XXXX-XXXX-XXXX; case, spaces and hyphens do not matter when typed."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append("-".join(raw[i:i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)))
    return codes


# -- operations -----------------------------------------------------------------------

def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = new_recovery_codes()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_recovery_code(code)) for code in codes)
    db.session.flush()
    return codes


def secret_to_set_up(user: User) -> str:
    """The secret the set-up page shows: kept on the account (not yet in use) until a code confirms it."""
    if user.has_two_factor:
        raise TwoFactorRefusal("Two-factor sign-in is already on.")
    if user.totp_secret is None:
        user.totp_secret = new_secret()
        db.session.flush()
    return user.totp_secret


def enable(user: User, code: str) -> list[str]:
    """Turn two-factor sign-in on with the secret the set-up page showed, once a code from the app proves it.

    Returns the new recovery codes (to show once). Raises TwoFactorRefusal for a wrong code, or when
    it is on already.
    """
    user = lock_for_update(User, user.id)
    if user.has_two_factor or user.totp_secret is None:
        raise TwoFactorRefusal("Two-factor sign-in is already on, or the set-up page was not opened first.")
    step = matching_step(user.totp_secret, code, None)
    if step is None:
        audit.record("two_factor.failed", actor=user, subject=user, detail={"during": "set-up"})
        raise TwoFactorRefusal("That code is not right. Enter the 6-digit code your app shows now.")
    user.totp_last_step, user.two_factor_enabled_at = step, utcnow()
    codes = _replace_recovery_codes(user)
    audit.record("two_factor.enabled", actor=user, subject=user)
    return codes


def verify(user: User, code: str, during: str) -> str:
    """Check a code from the app or a recovery code; returns which ("app" or "recovery code").

    An accepted app code cannot be used again; an accepted recovery code is spent. A wrong one is
    audited and raises TwoFactorRefusal. `during` says what it was for ("sign-in", "turning off"...).
    """
    user = lock_for_update(User, user.id)
    if not user.has_two_factor:
        raise TwoFactorRefusal("Two-factor sign-in is not set up for this account.")
    step = matching_step(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        return "app"
    if len(_normalise(code)) == RECOVERY_CODE_LENGTH:
        spent = db.session.execute(
            update(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None),
                                       RecoveryCode.code_hash == hash_recovery_code(code))
            .values(used_at=utcnow())).rowcount
        if spent:
            audit.record("two_factor.recovery_code_used", actor=user, subject=user,
                         detail={"during": during, "left": recovery_codes_left(user)})
            return "recovery code"
    audit.record("two_factor.failed", subject=user, detail={"during": during})
    raise TwoFactorRefusal("That code is not right. Enter the 6-digit code your app shows now, or a recovery code.")


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(db.func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a code proves the person holds the device."""
    verify(user, code, "new recovery codes")
    codes = _replace_recovery_codes(user)
    audit.record("two_factor.recovery_codes_replaced", actor=user, subject=user)
    return codes


def forget(user: User) -> None:
    """Remove the second factor (its secret and recovery codes) without a word in the audit log: callers record why."""
    user.totp_secret, user.totp_last_step, user.two_factor_enabled_at = None, None, None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable(user: User, code: str) -> None:
    """The person turns their second factor off with a current code (their password is checked by the form)."""
    if not can_disable(user):
        raise TwoFactorRefusal("Your role requires two-factor sign-in, so it cannot be turned off.")
    verify(user, code, "turning off")
    forget(user)
    audit.record("two_factor.disabled", actor=user, subject=user)


def reset(user: User, admin: User) -> None:
    """An administrator clears someone's second factor (a lost phone) and signs them out everywhere.

    They sign in next with their password alone and, if their role requires it, must set it up again
    before doing anything else.
    """
    forget(user)
    end_sessions(user)
    audit.record("two_factor.reset", actor=admin, subject=user)
