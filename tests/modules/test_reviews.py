"""Module review dates: shown to readers, a notice once a module is overdue, and the administrators' list."""
from datetime import date

import pytest
from sqlalchemy import select

from core.extensions import db
from curriculum.models import Module


@pytest.mark.parametrize("reviewed, today, due", [
    (date(2026, 1, 15), date(2027, 1, 14), False),
    (date(2026, 1, 15), date(2027, 1, 15), True),
    (date(2024, 2, 29), date(2025, 2, 27), False),
    (date(2024, 2, 29), date(2025, 2, 28), True),   # no 29 February in 2025: due on the last day of the month
    (None, date(2026, 1, 1), True),
])
def test_a_module_is_due_twelve_months_after_its_review(reviewed, today, due):
    assert Module(reviewed_on=reviewed).is_due_for_review(today, 12) is due


def _module(slug="appeals-basics") -> Module:
    return db.session.scalar(select(Module).where(Module.slug == slug))


def test_readers_see_when_a_module_was_reviewed_and_a_notice_once_it_is_overdue(client, curriculum):
    page = client.get("/modules/appeals-basics")
    assert "Last reviewed on Thu 15 Jan 2026 by Casework Academy curriculum team." in page.text
    assert "has not been reviewed for more than 12 months" not in page.text
    _module().reviewed_on = date(2024, 6, 1)
    db.session.commit()
    assert "has not been reviewed for more than 12 months" in client.get("/modules/appeals-basics").text


def test_administrators_list_the_modules_due_for_review_first(client, login_as, make_user, curriculum):
    _module("evidence-basics").reviewed_on = date(2023, 3, 1)
    db.session.commit()
    login_as(make_user("admin"))
    page = client.get("/admin/modules")
    assert page.status_code == 200
    assert "1 of 2 modules are due" in page.text
    assert page.text.index("Evidence") < page.text.index("Appeals")
    assert page.text.count("Due for review") == 1
