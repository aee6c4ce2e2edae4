"""The privacy pages in the browser: axe clean and no sideways scroll at 1280 and 375 px, and asking to be erased."""
from datetime import timedelta

import pytest

from core.db import utcnow
from privacy.models import ErasureRequest, NotesRequest
from tests.e2e.browser import expect
from tests.privacy.helpers import person_with_everything


@pytest.fixture
def requests_world(db, make_organisation, make_user, make_run, enrol):
    organisation = make_organisation()
    trainee = make_user("trainee", organisation, name="Tessa Example")
    mentor = make_user("mentor", name="Max Mentor")
    run = make_run(mentors=[mentor])
    enrol(run, trainee)
    person_with_everything(trainee, mentor, run)
    leaving = make_user("trainee", organisation, name="Lee Leaving")
    leaving.last_sign_in_at = utcnow() - timedelta(days=3 * 365 - 20)
    asked = utcnow() - timedelta(days=31)
    notes, erasure = NotesRequest(user_id=trainee.id), ErasureRequest(user_id=leaving.id, requested_at=asked,
                                                                        due_at=asked + timedelta(days=30))
    db.session.add_all([notes, erasure])
    db.session.commit()
    return {"trainee": trainee, "admin": make_user("admin"), "leader": make_user("leader", organisation),
            "organisation": organisation, "notes": notes.id, "erasure": erasure.id, "leaving": leaving}


def test_the_public_privacy_page_is_accessible(db, check_both_widths):
    check_both_widths("/privacy")


def test_a_person_asks_to_be_erased_from_their_data_page(requests_world, check_both_widths, page):
    check_both_widths("/privacy/my-data", requests_world["trainee"], "trainee")
    page.get_by_role("button", name="Ask to delete my account").click()
    expect(page.get_by_text("Tick the box to confirm you understand.").first).to_be_visible()
    page.get_by_label("I understand that my account").check()
    page.get_by_role("button", name="Ask to delete my account").click()
    expect(page.get_by_role("button", name="Withdraw my request: keep my account")).to_be_visible()


def test_the_administrators_privacy_pages_are_accessible(requests_world, check_both_widths):
    admin = requests_world["admin"]
    check_both_widths("/admin/privacy", admin, "admin")
    # still signed in at both widths for the rest
    check_both_widths(f"/admin/privacy/notes-requests/{requests_world['notes']}", label="admin")
    check_both_widths("/admin/privacy/erasures", label="admin")
    check_both_widths(f"/admin/privacy/erasures/{requests_world['erasure']}", label="admin")


def test_a_leader_reads_their_projects_retention_schedule(requests_world, check_both_widths, page):
    check_both_widths(f"/organisations/{requests_world['organisation'].id}/retention", requests_world["leader"],
                      "leader")
    expect(page.get_by_text("Lee Leaving")).to_be_visible()
