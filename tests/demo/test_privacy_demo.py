"""The demo has a pending erasure request, once however often it is loaded."""
from sqlalchemy import select

from accounts.models import User
from privacy.models import ErasureRequest, ErasureState


def test_the_demo_has_one_pending_erasure_request(runner, db, curriculum):
    for _ in range(2):
        assert runner.invoke(args=["demo", "load"]).exit_code == 0
    [request] = db.session.scalars(select(ErasureRequest)).all()
    assert request.state is ErasureState.PENDING and request.user == User.find_by_email("trainee4@example.org")
    assert request.requested_at < request.due_at
