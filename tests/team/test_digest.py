"""The leaders' weekly digest: the week it reports, what it says, and once per leader and week."""
import threading
from datetime import date, datetime, timedelta, timezone

import pytest

from accounts.models import NotificationSettings, User
from accounts.notifications import save_settings
from core.db import utcnow
from core.extensions import db
from curriculum.models import Module
from mentoring.models import Attendance, Booking
from modules.models import LessonRead, SignOff, SignOffAction, SignOffEvent, SignOffState
from plans.models import Plan, PlanItem, PlanItemKind
from team.digest import last_week, send_digest
from team.models import SentDigest


def test_the_week_reported_is_the_last_whole_week_in_the_leaders_zone():
    wednesday = datetime(2026, 12, 2, 15, 0, tzinfo=timezone.utc)
    week = last_week(wednesday, "Europe/London")
    assert week.starting == date(2026, 11, 23)
    assert (week.starts_at, week.ends_at) == (datetime(2026, 11, 23, tzinfo=timezone.utc),
                                              datetime(2026, 11, 30, tzinfo=timezone.utc))
    # Sunday night in London is already Monday in Auckland: there the week just ended is the one reported.
    sunday_night = datetime(2026, 11, 29, 23, 30, tzinfo=timezone.utc)
    assert last_week(sunday_night, "Europe/London").starting == date(2026, 11, 16)
    assert last_week(sunday_night, "Pacific/Auckland").starting == date(2026, 11, 23)
    # Across the spring clock change the week is 167 hours long, and starts at local midnight.
    spring = last_week(datetime(2027, 4, 1, tzinfo=timezone.utc), "Europe/London")
    assert spring.starts_at == datetime(2027, 3, 22, 0, tzinfo=timezone.utc)
    assert spring.ends_at == datetime(2027, 3, 28, 23, tzinfo=timezone.utc)  # Monday 00:00 BST
    assert spring.ends_at - spring.starts_at == timedelta(hours=167)


@pytest.fixture
def project(make_organisation, make_user, make_run, enrol):
    """A leader who chose the digest, and a week (the one holding today) full of their members' work."""
    organisation = make_organisation(name="Northern Innocence Project")
    leader = make_user("leader", organisation, name="Lee Leader")
    save_settings(leader, {**NotificationSettings.DEFAULTS, "weekly_digest": True})
    ada = make_user("trainee", organisation, name="Ada Achiever")
    ben = make_user("trainee", organisation, name="Ben Behind")
    mentor = make_user("mentor")
    run = make_run("evidence-day", starts_in=-timedelta(days=3), mentors=[mentor])  # its modules are due
    for person in (ada, ben):
        enrol(run, person)
    run_at = utcnow() + timedelta(days=7)
    week = last_week(run_at, leader.timezone)
    midweek = week.starts_at + timedelta(days=3, hours=10)

    evidence = db.session.scalar(db.select(Module).where(Module.slug == "evidence-basics"))  # lessons, no quiz
    for lesson in evidence.lessons:
        db.session.add(LessonRead(user_id=ada.id, lesson_id=lesson.id, read_at=midweek))
    appeals = db.session.scalar(db.select(Module).where(Module.slug == "appeals-basics"))
    sign_off = SignOff(learner_id=ben.id, module_id=appeals.id, state=SignOffState.RETURNED, state_changed_at=midweek)
    db.session.add(sign_off)
    db.session.flush()
    db.session.add_all([
        SignOffEvent(sign_off_id=sign_off.id, action=SignOffAction.REQUESTED, at=midweek),
        SignOffEvent(sign_off_id=sign_off.id, action=SignOffAction.RETURNED, actor_id=mentor.id, at=midweek),
        SignOffEvent(sign_off_id=sign_off.id, action=SignOffAction.RESUBMITTED, at=week.starts_at - timedelta(hours=1)),
    ])
    for n, attendance in enumerate((Attendance.ATTENDED, None, Attendance.NO_SHOW)):
        start = midweek + timedelta(hours=2 * n)
        db.session.add(Booking(mentor_id=mentor.id, learner_id=ada.id if n != 1 else ben.id, topic=f"Session {n}",
                               starts_at=start, ends_at=start + timedelta(hours=1), blocked_from=start,
                               blocked_until=start + timedelta(hours=1), attendance=attendance))
    plan = Plan(person_id=ben.id)
    db.session.add(plan)
    db.session.flush()
    db.session.add(PlanItem(plan_id=plan.id, kind=PlanItemKind.GOAL, title="Draft the summary of grounds",
                            target_on=date(2020, 1, 6)))
    # Another project's work never reaches this digest.
    stranger = make_user("trainee", make_organisation(), name="Sam Stranger")
    for lesson in evidence.lessons:
        db.session.add(LessonRead(user_id=stranger.id, lesson_id=lesson.id, read_at=midweek))
    db.session.commit()
    assert evidence.lessons  # so reading them all is real work
    return {"leader": leader, "run_at": run_at, "week": week}


def test_the_digest_sums_up_the_projects_week(app, project, outbox):
    leader = project["leader"]
    with app.test_request_context():
        assert send_digest(leader, now=project["run_at"])
    db.session.commit()
    [mail] = outbox(leader.email)
    assert mail["Subject"].startswith("Northern Innocence Project: your week to ")
    body = mail.get_content()
    assert "Modules completed: 1\n- Ada Achiever: Evidence basics" in body
    assert "Sign-off steps: 1 request, 1 returned for revision\n" in body  # the resubmission was the week before
    assert "Mentoring sessions held: 2 (1 no-show)" in body
    assert "Behind schedule (modules past their due date):\n- Ben Behind: 2 modules overdue, the earliest due by " in body
    assert "- Ada Achiever: 1 module overdue, the earliest due by " in body  # appeals basics still to do
    assert f"See them all: http://localhost/organisations/{leader.organisation_id}/behind-schedule" in body
    assert "Behind on their learning plan:\n- Ben Behind: 1 step past the target date" in body
    assert "Sam Stranger" not in body
    assert "/profile/notifications" in body and f"/organisations/{leader.organisation_id}/matrix" in body


def test_a_quiet_week_still_comes_and_says_so(app, make_organisation, make_user, outbox):
    leader = make_user("leader", make_organisation())
    with app.test_request_context():
        send_digest(leader)
    db.session.commit()
    assert "Nothing was recorded this week" in outbox(leader.email)[0].get_content()


def test_the_command_sends_each_leader_who_chose_it_one_digest_a_week(runner, project, make_user, outbox):
    unwilling = make_user("leader", project["leader"].organisation)
    save_settings(unwilling, {**NotificationSettings.DEFAULTS, "weekly_digest": False})
    not_a_leader = make_user("trainee", project["leader"].organisation)
    save_settings(not_a_leader, {**NotificationSettings.DEFAULTS, "weekly_digest": True})
    db.session.commit()
    first = runner.invoke(args=["team", "send-digests"])
    assert first.exit_code == 0 and "1 digest(s) sent." in first.output, first.output
    assert "0 digest(s) sent." in runner.invoke(args=["team", "send-digests"]).output
    assert [m["To"] for m in outbox()] == [project["leader"].email]
    assert db.session.scalar(db.select(db.func.count(SentDigest.id))) == 1


def test_next_week_brings_the_next_digest(app, project, outbox):
    leader = project["leader"]
    with app.test_request_context():
        assert send_digest(leader, now=project["run_at"])
        assert not send_digest(leader, now=project["run_at"] + timedelta(days=6 - project["run_at"].weekday()))
        assert send_digest(leader, now=project["run_at"] + timedelta(days=7))
    db.session.commit()
    assert len(outbox(leader.email)) == 2


# Each thread opens its own connection: the rows must be committed for real.
@pytest.mark.usefixtures("committed_db")
def test_two_runners_at_once_send_one_digest(app, make_organisation, make_user, outbox):
    leader = make_user("leader", make_organisation())
    save_settings(leader, {**NotificationSettings.DEFAULTS, "weekly_digest": True})
    db.session.commit()
    leader_id, barrier, results, errors = leader.id, threading.Barrier(2), [], []

    def run():
        try:
            with app.app_context(), app.test_request_context():
                barrier.wait(timeout=10)  # before any query: on SQLite the first one takes the write lock
                results.append(send_digest(db.session.get(User, leader_id)))
                db.session.commit()
        except Exception as error:  # surfaced below: a thread's exception would otherwise vanish
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sorted(results) == [False, True]
    assert len(outbox(leader.email)) == 1
