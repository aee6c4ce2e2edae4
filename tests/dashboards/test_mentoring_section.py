"""The dashboard's mentoring part: the next sessions of a person who both mentors and learns."""
from datetime import timedelta

from core.db import utcnow
from core.extensions import db
from mentoring.bookings import set_times
from mentoring.models import Booking, BookingState


def test_coming_up_are_the_five_soonest_whether_mentoring_or_learning(client, login_as, make_user):
    both = make_user("mentor", is_trainee=True, name="Alex Both")
    learner, mentor = make_user("trainee", name="Lee Learner"), make_user("mentor", name="Mo Mentor")
    start = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    # Alternately learning and mentoring, one a day; the first two days ago, over.
    for day in (-2, *range(8)):
        as_learner = day % 2 == 0
        booking = Booking(mentor_id=(mentor if as_learner else both).id, learner_id=(both if as_learner else learner).id,
                          state=BookingState.CONFIRMED, topic=f"Day {day}")
        set_times(booking, start + timedelta(days=day), timedelta(hours=1), 0)
        db.session.add(booking)
    db.session.commit()
    login_as(both)
    page = client.get("/dashboard").text
    coming = page[page.index("Coming up"):page.index("</ul>", page.index("Coming up"))]
    assert [f"Day {day}" in coming for day in (-2, *range(8))] == [False] + [True] * 5 + [False] * 3
    assert "Day 0 with Mo Mentor" in coming and "Day 1 with Lee Learner" in coming
