"""The demo's past conference has feedback results, so `make run` shows the organiser's results page."""
from sqlalchemy import func, select

from accounts.models import User
from core.extensions import db
from demo.events import CONFERENCE
from events.models import Event, FeedbackResponse, SessionRating


def test_demo_load_gives_the_past_conference_feedback_once(runner, client, curriculum, login_as, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo password 123")
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    conference = db.session.scalar(select(Event).where(Event.title == CONFERENCE))
    counts = [db.session.scalar(select(func.count()).select_from(model)) for model in (FeedbackResponse, SessionRating)]
    assert counts == [4, 20]

    login_as(User.find_by_email("mentor@example.org"))  # the conference's organiser
    page = client.get(f"/events/{conference.id}/feedback/results").text
    assert "4 of 4 attendees (100%)" in page and "Comments (3)" in page
    assert "<strong class=\"fs-4\">4.0</strong> of 5, from 4 ratings" in page  # overall: 5, 4, 4, 3
    assert "Priya Raman&#39;s examples" in page and "Lee Leader" not in page

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert counts == [db.session.scalar(select(func.count()).select_from(model))
                      for model in (FeedbackResponse, SessionRating)]
