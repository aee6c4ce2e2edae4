"""Demo privacy requests: one person waiting to be erased, so the administrators' queue has something in it."""
from datetime import timedelta

from sqlalchemy import select

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from privacy.erasure import ask_for_erasure
from privacy.models import ErasureRequest

#: Robin has read nothing and enrolled nowhere: erasing them (to try it) spoils no other part of the demo
LEAVING = "trainee4@example.org"


def load_privacy_demo(people: dict[str, User]) -> None:
    leaving = people[LEAVING]
    if db.session.scalar(select(ErasureRequest.id).where(ErasureRequest.user_id == leaving.id)) is None:
        ask_for_erasure(leaving, now=utcnow() - timedelta(days=3))
