"""Two-factor sign-in for tests: a known secret, its current code, and the access matrix's part of the world."""
import time

import pyotp

from core.db import utcnow
from core.extensions import db

#: every test account with two-factor sign-in shares this secret, so a test can compute its codes
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def code_now(secret: str = SECRET, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + offset_steps * 30)


def turn_on(user, secret: str = SECRET) -> None:
    user.totp_secret, user.two_factor_enabled_at, user.totp_last_step = secret, utcnow(), None
    db.session.commit()


class CurrentCode:
    """Formats as the code of SECRET at the moment it is used (the access matrix fills its forms long after the world
    is built, and a code lasts 30 seconds)."""

    def __format__(self, spec: str) -> str:
        return code_now()


def add_security_world(people) -> dict:
    """The mentor has two-factor sign-in on; everyone else has opened the set-up page (SECRET waits for a code)."""
    for role, person in people.items():
        person.totp_secret = SECRET
    turn_on(people["mentor"])
    return {"mentor_id": people["mentor"].id, "totp_code": CurrentCode()}
