"""Key pages run a fixed number of SQL statements however much data there is."""
from datetime import timedelta

import pytest

from courses.models import EnrolmentState
from tests.mentoring.helpers import grow_sessions
from tests.modules.signoff_helpers import grow_sign_offs


@pytest.fixture
def grow(make_organisation, make_user, make_run, enrol):
    """Adds `scale` runs, organisations, trainees and enrolments (and lesson reads) to the world."""
    from core.extensions import db
    from curriculum.models import Lesson
    from modules.progress import record_read
    from tests.modules.quiz_helpers import awaiting_marking

    def add(scale, trainee, leader, mentor):
        lessons = db.session.scalars(db.select(Lesson)).all()
        members = []
        for number in range(scale):
            run = make_run(course_slug="two-week-programme" if number % 2 else "appeals-workshop",
                           starts_in=timedelta(days=5 + number), mentors=[mentor])
            enrol(run, trainee)
            member = make_user("trainee", leader.organisation)
            enrol(run, member, EnrolmentState.WAITLISTED if number % 3 == 0 else EnrolmentState.ENROLLED)
            members.append(member)
            make_user("trainee", make_organisation())
            for lesson in lessons:
                record_read(member.id, lesson.id)
            awaiting_marking(member)
        db.session.commit()
        grow_sessions(scale, trainee, mentor)
        grow_sign_offs(scale, trainee, run, members)

    return add


def _count(client, count_queries, url):
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role, url", [
    ("anonymous", "/"),
    ("anonymous", "/courses/two-week-programme"),
    ("trainee", "/dashboard"),
    ("leader", "/dashboard"),
    ("mentor", "/dashboard"),
    ("admin", "/dashboard"),
    ("trainee", "/modules/appeals-basics"),
    ("trainee", "/modules/appeals-basics/lessons/01-routes"),
    ("admin", "/admin/runs"),
    ("admin", "/admin/users"),
    ("leader", "/organisations/{organisation}"),
    ("leader", "/organisations/{organisation}/matrix"),
    ("admin", "/admin/matrix"),
    ("mentor", "/runs/{run}"),
    ("trainee", "/modules/appeals-basics/quiz"),
    ("trainee", "/attempts/{in_progress}?page=1"),
    ("trainee", "/attempts/{attempt}/review"),
    ("mentor", "/attempts/{attempt}/review"),
    ("mentor", "/marking"),
    ("admin", "/admin/quizzes/{quiz}/analysis"),
    ("admin", "/admin/quizzes/{quiz}/regrade"),
    ("trainee", "/mentoring/sessions"),
    ("trainee", "/mentoring/sessions?show=past"),
    ("trainee", "/mentoring/mentors/{mentor}/book"),
    ("mentor", "/mentoring/week"),
    ("mentor", "/mentoring/sessions"),
    ("mentor", "/sign-offs"),
    ("mentor", "/sign-offs/{sign_off}"),
    ("trainee", "/sign-offs/{sign_off}"),
    ("trainee", "/notices"),
])
def test_page_queries_do_not_grow_with_the_data(client, login_as, count_queries, make_organisation, make_user,
                                                grow, role, url):
    organisation = make_organisation()
    people = {"trainee": make_user("trainee", organisation), "leader": make_user("leader", organisation),
              "mentor": make_user("mentor"), "admin": make_user("admin")}
    grow(2, people["trainee"], people["leader"], people["mentor"])
    from core.extensions import db
    from courses.models import Run
    from modules.models import SignOff

    first_run = db.session.scalar(db.select(Run).order_by(Run.id))
    from modules.attempts import start_attempt
    from tests.modules.quiz_helpers import awaiting_marking

    attempt, _ = awaiting_marking(people["trainee"])
    in_progress = start_attempt(attempt.quiz, people["trainee"])
    db.session.commit()
    url = url.format(organisation=organisation.id, run=first_run.id, quiz=attempt.quiz_id, attempt=attempt.id,
                     in_progress=in_progress.id, mentor=people["mentor"].id,
                     sign_off=db.session.scalar(db.select(SignOff.id).where(
                         SignOff.learner_id == people["trainee"].id)))
    if role != "anonymous":
        login_as(people[role])
    small = _count(client, count_queries, url)
    grow(20, people["trainee"], people["leader"], people["mentor"])
    large = _count(client, count_queries, url)
    assert large == small, f"{url} ran {small} statements with little data and {large} with ten times more"
    # The busiest page, the trainee's dashboard, runs 23: enrolments with their courses, modules and lessons,
    # lessons read, quiz standings, completion facts (4), mentoring, and the unread-notice count in the header.
    assert 0 < small <= 25
