"""The trainee's to-do list on the dashboard."""
from datetime import timedelta
from zoneinfo import ZoneInfo

from core.extensions import db
from core.timezones import format_datetime
from mentoring.bookings import set_times
from mentoring.models import Booking, BookingState


def test_the_dashboard_lists_what_is_due_with_the_overdue_first(client, login_as, make_user, make_run, enrol):
    trainee = login_as(make_user("trainee"))
    run = make_run(course_slug="two-week-programme", starts_in=-timedelta(days=10))
    enrol(run, trainee)
    page = client.get("/dashboard").text
    assert '<h2 id="todo-heading" class="h3">To do</h2>' in page
    assert "2 things to do, <strong>1 overdue</strong>" in page
    overdue, coming = page.index("Finish: Appeals basics"), page.index("Finish: Evidence basics")
    assert overdue < coming
    assert 'href="/modules/appeals-basics">Finish: Appeals basics</a>' in page
    # Week 1 ended on the run's 7th day, week 2 ends on its 14th: today is its 11th.
    assert page.count("Overdue by ") == 1 and "Overdue by 4 days" in page and "Due in 3 days" in page
    assert "Due by <time" in page


def test_due_times_are_shown_in_the_viewers_zone(client, login_as, make_user, make_run, enrol, app):
    trainee = make_user("trainee", timezone="Pacific/Auckland")
    login_as(trainee)
    run = make_run(course_slug="two-week-programme", starts_in=-timedelta(days=3))
    enrol(run, trainee)
    page = client.get("/dashboard").text
    with app.test_request_context():
        from flask_login import login_user
        login_user(trainee)
        shown = format_datetime(run.due_at(1) - timedelta(minutes=1))
    assert "NZ" in shown and shown in page  # 12:59 NZDT or 10:59 NZST the next day, not 23:59 London
    assert "23:59" not in shown


def test_a_waitlisted_run_puts_nothing_on_the_list(client, login_as, make_user, make_run, enrol):
    from courses.models import EnrolmentState

    trainee = login_as(make_user("trainee"))
    enrol(make_run(course_slug="two-week-programme", starts_in=-timedelta(days=10)), trainee,
          EnrolmentState.WAITLISTED)
    page = client.get("/dashboard").text
    assert "Nothing is due: you are up to date." in page and "Overdue" not in page


def test_without_a_course_the_empty_list_says_where_to_start(client, login_as, make_user):
    login_as(make_user("trainee"))
    page = client.get("/dashboard").text
    assert "Nothing to do yet. Enrol on a course from the" in page


def test_sessions_booked_are_on_the_list_and_nobody_elses(client, login_as, make_user, make_run, enrol):
    trainee, other, mentor = make_user("trainee"), make_user("trainee"), make_user("mentor", name="Morgan Mentor")
    soon = make_run().starts_at + timedelta(days=3)
    for learner, topic in ((trainee, "Reading the papers"), (other, "Someone else's session")):
        booking = Booking(mentor_id=mentor.id, learner_id=learner.id, state=BookingState.CONFIRMED, topic=topic)
        set_times(booking, soon, timedelta(hours=1), 0)
        db.session.add(booking)
        soon += timedelta(hours=2)
    db.session.commit()
    login_as(trainee)
    page = client.get("/dashboard").text
    todo = page[page.index('id="todo-heading"'):page.index('id="learner-heading"')]
    assert "Mentoring session: Reading the papers with Morgan Mentor" in todo
    assert "Someone else" not in todo and "Starts <time" in todo


def test_the_list_costs_the_same_statements_with_ten_times_the_overdue_runs_and_sessions(
        client, login_as, count_queries, make_user, make_run, enrol, finish_module):
    trainee, mentor = login_as(make_user("trainee")), make_user("mentor", name="Morgan Mentor")
    finish_module(trainee, "appeals-basics", grade=10.0)  # a quiz to retake

    grown = []

    def grow(count):
        for number in range(len(grown), len(grown) + count):
            grown.append(number)
            enrol(make_run(course_slug=("two-week-programme", "evidence-day")[number % 2],
                           starts_in=-timedelta(days=3 + 2 * number)), trainee)
            booking = Booking(mentor_id=mentor.id, learner_id=trainee.id, state=BookingState.CONFIRMED,
                              topic=f"Session {number}")
            set_times(booking, make_run().starts_at + timedelta(days=number), timedelta(hours=1), 0)
            db.session.add(booking)
        db.session.commit()

    def statements():
        client.get("/dashboard")
        with count_queries() as queries:
            page = client.get("/dashboard").text
        assert "Retake the quiz: Appeals basics" in page and "Mentoring session: Session 0" in page
        return len(queries)

    grow(2)
    small = statements()
    grow(18)
    assert statements() == small <= 12


def test_past_five_things_the_rest_wait_behind_a_disclosure(client, login_as, make_user, make_run, enrol):
    trainee, mentor = login_as(make_user("trainee")), make_user("mentor", name="Morgan Mentor")
    enrol(make_run(course_slug="two-week-programme", starts_in=-timedelta(days=10)), trainee)
    assert "2 things to do" in client.get("/dashboard").text and "<details" not in client.get("/dashboard").text
    start = make_run().starts_at
    for number in range(5):
        booking = Booking(mentor_id=mentor.id, learner_id=trainee.id, state=BookingState.CONFIRMED,
                          topic=f"Session {number}")
        set_times(booking, start + timedelta(days=number), timedelta(hours=1), 0)
        db.session.add(booking)
    db.session.commit()
    page = client.get("/dashboard").text
    assert "7 things to do" in page and "<summary>Show 2 more things to do</summary>" in page
    assert page.index("Finish: Appeals basics") < page.index("<details")
    assert page.index("<details") < page.index("Mentoring session: Session 4 with Morgan Mentor")


def test_open_goals_and_action_points_of_the_learning_plan_are_on_the_list(client, login_as, make_user):
    from core.db import utcnow
    from plans.models import Plan, PlanItem, PlanItemKind

    trainee = login_as(make_user("trainee"))
    today = utcnow().astimezone(ZoneInfo("Europe/London")).date()
    plan = Plan(person_id=trainee.id)
    plan.items = [PlanItem(kind=PlanItemKind.GOAL, title="Triage ten applications", target_on=today - timedelta(days=2)),
                  PlanItem(kind=PlanItemKind.ACTION, title="Read the CCRC's guidance", target_on=today,
                           position=1),
                  PlanItem(kind=PlanItemKind.ACTION, title="Done already", target_on=today, done_at=utcnow(),
                           position=2),
                  PlanItem(kind=PlanItemKind.GOAL, title="No date yet", position=3)]
    db.session.add(plan)
    db.session.commit()
    page = client.get("/dashboard").text
    todo = page[page.index('id="todo-heading"'):]
    goal = plan.items[0]
    assert f'href="/plans/people/{trainee.id}#item-{goal.id}">Goal: Triage ten applications</a>' in todo
    assert "Overdue by 2 days" in todo and "Due today" in todo
    assert "Action point: Read the CCRC&#39;s guidance" in todo and "Your learning plan" in todo
    assert "Done already" not in todo and "No date yet" not in todo
