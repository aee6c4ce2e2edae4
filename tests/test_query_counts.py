"""Key pages run a fixed number of SQL statements however much data there is."""
from datetime import timedelta

import pytest

from courses.models import EnrolmentState
from tests.events.helpers import grow_events
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
        grow_events(scale, trainee, members, mentor)

    return add


def _count(client, count_queries, url):
    # Pages are measured as they are seen again: the first view of a lesson records the reading, and the first
    # request of a process loads the curriculum's structure into its cache.
    client.get(url)
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


#: every key page and the most SQL statements one request of it may run, however much data there is (the
#: dashboards at most 11, with no lesson bodies loaded); the test measures each with ten times more data too
BUDGETS = {
    ("anonymous", "/"): 1,  # the courses from the cached structure; the runs with their seats taken
    ("anonymous", "/courses/two-week-programme"): 1,
    ("trainee", "/"): 3,
    ("trainee", "/courses/two-week-programme"): 4,  # and their enrolments in its runs
    ("anonymous", "/verify/{certificate}"): 3,
    ("trainee", "/dashboard"): 11,
    ("leader", "/dashboard"): 7,
    ("mentor", "/dashboard"): 6,
    ("admin", "/dashboard"): 8,
    ("trainee", "/modules/appeals-basics"): 15,  # with the talks about the module (tests/events/test_media.py)
    ("trainee", "/modules/appeals-basics/lessons/01-routes"): 5,  # the module and its lessons from the structure
    ("admin", "/admin/runs"): 7,
    ("admin", "/admin/users"): 4,
    ("leader", "/organisations/{organisation}"): 5,
    # seen again unchanged, from the cache (test_the_matrix_builds_in_the_same_statements_at_tenfold_data below
    # holds a matrix built afresh to its own budget)
    ("leader", "/organisations/{organisation}/matrix"): 3,
    ("leader", "/organisations/{organisation}/matrix.csv"): 2,
    ("leader", "/organisations/{organisation}/behind-schedule"): 7,
    ("admin", "/admin/matrix"): 4,
    ("mentor", "/runs/{run}"): 13,
    ("trainee", "/modules/appeals-basics/quiz"): 9,
    ("trainee", "/attempts/{in_progress}?page=1"): 4,  # the attempt joins its quiz, module and trainee
    ("trainee", "/attempts/{attempt}/review"): 6,
    ("mentor", "/attempts/{attempt}/review"): 9,
    ("mentor", "/marking"): 8,
    ("admin", "/admin/quizzes/{quiz}/analysis"): 3,  # its report from the cache (7 statements to render it)
    ("admin", "/admin/quizzes/{quiz}/analysis?attempts=all"): 3,
    ("admin", "/admin/quizzes/{quiz}/regrade"): 7,
    ("trainee", "/mentoring/sessions"): 8,
    ("trainee", "/mentoring/sessions?show=past"): 8,
    ("trainee", "/mentoring/mentors/{mentor}/book"): 6,
    ("mentor", "/mentoring/week"): 7,
    ("mentor", "/mentoring/sessions"): 8,
    ("mentor", "/sign-offs"): 9,
    ("mentor", "/sign-offs/{sign_off}"): 16,
    ("trainee", "/sign-offs/{sign_off}"): 11,
    ("trainee", "/notices"): 4,
    ("anonymous", "/events"): 3,
    ("trainee", "/events/{event}"): 11,
    ("trainee", "/event-registrations/{event_registration}/ticket"): 8,
    ("trainee", "/event-registrations/{event_registration}/sessions"): 9,
    ("leader", "/organisations/{organisation}/members/{trainee}/report"): 17,
}


@pytest.mark.parametrize("role, url", list(BUDGETS))
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
    from certificates.models import Certificate
    from certificates.operations import new_code
    from core.db import utcnow
    from events.models import Event, EventRegistration
    from modules.attempts import start_attempt
    from tests.modules.quiz_helpers import awaiting_marking

    attempt, _ = awaiting_marking(people["trainee"])
    in_progress = start_attempt(attempt.quiz, people["trainee"])
    certificate = Certificate(code=new_code(), learner_id=people["trainee"].id, run_id=first_run.id,
                              name=people["trainee"].display_name, completed_at=utcnow())
    db.session.add(certificate)
    db.session.commit()
    template = url
    event_registration = db.session.scalar(db.select(EventRegistration).join(Event).where(
        EventRegistration.user_id == people["trainee"].id, Event.starts_at > utcnow()).order_by(EventRegistration.id))
    url = url.format(organisation=organisation.id, trainee=people["trainee"].id,
                     event=event_registration.event_id, event_registration=event_registration.id, run=first_run.id, quiz=attempt.quiz_id, attempt=attempt.id,
                     in_progress=in_progress.id, mentor=people["mentor"].id, certificate=certificate.code,
                     sign_off=db.session.scalar(db.select(SignOff.id).where(
                         SignOff.learner_id == people["trainee"].id)))
    if role != "anonymous":
        login_as(people[role])
    small = _count(client, count_queries, url)
    grow(20, people["trainee"], people["leader"], people["mentor"])
    large = _count(client, count_queries, url)
    assert large == small, f"{url} ran {small} statements with little data and {large} with ten times more"
    assert 0 < large <= BUDGETS[role, template], f"{url} ran {large} statements; its budget is {BUDGETS[role, template]}"


def test_feedback_results_run_as_many_statements_with_ten_times_the_responses(client, count_queries, login_as,
                                                                              make_user):
    """The organiser's results page and CSV, and the event page an attendee sees, as responses grow tenfold."""
    from datetime import time

    from core.extensions import db
    from events import feedback
    from tests.events.helpers import attend, new_event, new_registration, new_session, new_speaker

    organiser = make_user("admin")
    event = new_event(starts_in=timedelta(days=-2), organiser=organiser)
    talks = [new_session(event, f"Talk {n}", start=time(10 + n), speakers=[new_speaker(f"Speaker {n}")])
             for n in range(3)]

    attendees = []

    def grow(count):
        for n in range(count):
            attendees.append(make_user("trainee"))
            attend(new_registration(event, attendees[-1]), organiser)
            feedback.save_response(event, attendees[-1], 1 + n % 5,
                                   {talk.id: 1 + (n + i) % 5 for i, talk in enumerate(talks)}, f"Comment {n}")
        db.session.commit()

    #: (who, url, budget): the event page's budget is the event page's own (other tests); here it only stays flat
    pages = [(organiser, f"/events/{event.id}/feedback/results", 12),
             (organiser, f"/events/{event.id}/feedback/results.csv", 8),
             (organiser, f"/events/{event.id}/feedback/settings", 5),
             ("attendee", f"/events/{event.id}", None),
             ("attendee", f"/events/{event.id}/feedback", 9)]

    def measure():
        counts = []
        for person, url, _ in pages:
            login_as(attendees[0] if person == "attendee" else person)
            counts.append(_count(client, count_queries, url))
        return counts

    grow(3)
    small = measure()
    grow(27)
    assert measure() == small
    for (_, url, budget), count in zip(pages, small):
        assert budget is None or count <= budget, f"{url} ran {count} statements; its budget is {budget}"


#: a matrix built afresh (after any change to it): its members, modules and facts, besides the cached page's
MATRIX_BUILT_BUDGETS = {"/organisations/{organisation}/matrix": 9, "/organisations/{organisation}/matrix.csv": 8}


@pytest.mark.parametrize("url", list(MATRIX_BUILT_BUDGETS))
def test_the_matrix_builds_in_the_same_statements_at_tenfold_data(client, login_as, count_queries,
                                                                   make_organisation, make_user, grow, url):
    organisation = make_organisation()
    trainee, leader, mentor = make_user("trainee", organisation), make_user("leader", organisation), make_user("mentor")
    grow(2, trainee, leader, mentor)
    login_as(leader)
    page = url.format(organisation=organisation.id)
    client.get(page)  # the process's curriculum structure, and the organisation's matrix version

    def built_afresh():
        make_user("trainee", organisation)  # a new member: the matrix is built again
        with count_queries() as queries:
            assert client.get(page).status_code == 200
        return len(queries)

    small = built_afresh()
    grow(20, trainee, leader, mentor)
    client.get(page)  # growing changed a quiz: the process reloads the curriculum's structure
    large = built_afresh()
    assert large == small, f"{page} ran {small} statements with little data and {large} with ten times more"
    assert large <= MATRIX_BUILT_BUDGETS[url]
