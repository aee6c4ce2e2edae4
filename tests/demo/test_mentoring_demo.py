from datetime import timedelta

from sqlalchemy import func, select

from accounts.models import User
from mentoring import bookings as ops
from mentoring.models import Booking, MentorProfile
from mentoring.slots import series_starts


def test_the_demo_mentor_has_hours_and_sessions_and_a_leader_can_book_six_weekly_sessions(runner, db, curriculum,
                                                                                           client, login_as):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    profile = db.session.scalar(select(MentorProfile))
    assert profile.mentor.email == "mentor@example.org" and len(profile.windows) == 5
    # four one-off sessions (the demo leader's mentoring package, a series, is demo/plans.py's)
    assert db.session.scalar(select(func.count(Booking.id)).where(Booking.series_id.is_(None))) == 4
    trainee = User.find_by_email("trainee@example.org")
    login_as(trainee)
    assert "Read the Turnbull guidance again" in client.get("/dashboard").text
    login_as(profile.mentor)
    assert "Triage of the first applications" in client.get("/mentoring/week").text
    leader = User.find_by_email("leader@example.org")
    free = ops.free_slots(profile, leader.id, timedelta(hours=1))
    series_fits = [start for start in free[:40] if not ops.series_conflicts(
        profile, leader.id, series_starts(start, 6, 1, profile.timezone), timedelta(hours=1))]
    assert series_fits, "the leader must be able to book a six-session weekly series"
