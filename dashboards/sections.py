"""What each role's dashboard shows, gathered with a fixed number of queries."""
from datetime import datetime
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import render_template
from markupsafe import Markup
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import contains_eager, joinedload

from accounts.models import Invitation, Organisation, OrganisationState, User
from certificates.operations import certificates_of, has_certificates
from core.cache import fragment_until
from core.db import utcnow
from core.extensions import db
from courses import structure
from courses.enrolment import seats_taken
from courses.models import Enrolment, EnrolmentState, Run, run_mentors
from dashboards.mentoring import section as mentoring_section
from events.checkin import attended_by, has_attended
from modules.attempts import standings_by_module
from modules.completion import can_request_sign_off, gather, is_run_complete, module_state
from modules.models import LessonRead
from modules.progress import combined, lesson_progress, next_unread
from modules.todo import todo_list
from plans.access import can_assess
from plans.assessments import activity_between, all_questions, assessments_of, confidence_change, has_assessments
from plans.progress import has_open_steps, step_todo_items
from team.matrix_versions import matrix_version, token_column

LIST_LIMIT = 10
#: the team enrolments a leader's dashboard lists (the matrix and the project's page have them all)
TEAM_LIMIT = 50


class Holdings(NamedTuple):
    """What the person has of what many people have none of (each list is read only when there is something in it),
    and their project's matrix token (team.matrix_versions), which parts of the dashboard are cached under."""

    open_plan_steps: bool
    assessments: bool
    event_check_ins: bool
    certificates: bool
    matrix_token: str | None


def holdings(user: User) -> Holdings:
    """One statement, where reading each list to find it empty would be one each."""
    return Holdings(*db.session.execute(_holdings_query(), {"user_id": user.id,
                                                            "organisation_id": user.organisation_id}).one())


# The dashboard's statements are built once per process, with parameters: building a statement costs a request
# more Python than running it.
@cache
def _holdings_query() -> Select:
    user_id = bindparam("user_id")
    return select(has_open_steps(user_id), has_assessments(user_id), has_attended(user_id), has_certificates(user_id),
                  token_column(bindparam("organisation_id")))


@cache
def _team_counts_query() -> Select:
    organisation_id = bindparam("organisation_id")
    return select(
        select(func.count(User.id)).where(User.organisation_id == organisation_id).scalar_subquery(),
        select(func.count(Invitation.id)).where(
            Invitation.organisation_id == organisation_id, Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None)).scalar_subquery())


@cache
def _enrolments_query() -> Select:
    return (select(Enrolment).join(Enrolment.run)
            .where(Enrolment.user_id == bindparam("user_id"), Enrolment.state != EnrolmentState.WITHDRAWN)
            .order_by(Run.starts_at).options(contains_eager(Enrolment.run).joinedload(Run.course)))


@cache
def _reads_query() -> Select:
    return select(LessonRead.user_id, LessonRead.lesson_id, LessonRead.read_at).where(
        LessonRead.user_id == bindparam("user_id"))


def learner_section(user: User, sessions: list, now: datetime, zone: ZoneInfo, has: Holdings,
                    version: str | None) -> dict:
    """The person's runs with each module's progress and state, their to-do list, quiz standings and certificates.

    The modules and lessons come from the cached structure (titles only: no lesson bodies), so this costs
    enrolments, lessons read, two for the standings, one for the sign-offs, and, when `has` them, one for the
    learning plan's open steps and one for certificates. `sessions`: the person's mentoring sessions the to-do list
    needs, read with the mentoring section's; `zone`: the viewer's, in which a plan step's target day ends;
    `version`: their project's matrix version, read before all this (None without a project).
    """
    enrolments = db.session.scalars(_enrolments_query(), {"user_id": user.id}).all()
    reads = db.session.execute(_reads_query(), {"user_id": user.id}).all()
    course_modules = {enrolment.run.course_id: structure.course_modules(enrolment.run.course_id)
                      for enrolment in enrolments}
    all_modules = {cm.module_id: cm.module for modules in course_modules.values() for cm in modules}
    quizzes = standings_by_module(user.id, all_modules)
    facts = gather([user.id], list(all_modules.values()),
                   attempts=[attempt for standing in quizzes.values() for attempt in standing.attempts],
                   lesson_reads=reads)
    facts = {module_id: facts[user.id, module_id] for module_id in all_modules}
    held = [enrolment.run for enrolment in enrolments if enrolment.state is EnrolmentState.ENROLLED]
    todo = todo_list(held, facts, quizzes, sessions, now,
                     extra=step_todo_items(user.id, zone) if has.open_plan_steps else ())

    def render_courses() -> tuple[str, datetime | None]:
        runs = courses_progress(enrolments, course_modules, facts, {read.lesson_id for read in reads}, now)
        next_opening = min((m["opens_at"] for run in runs for m in run["modules"] if not m["released"]), default=None)
        return render_template("dashboards/_courses.html", runs=runs, quizzes=quizzes), next_opening

    # "My courses" shows only what the matrix version is replaced for (enrolments, lessons read, attempts, sign-offs,
    # runs, the curriculum) and dates in the viewer's zone: kept for this person and zone until a module opens.
    courses = (fragment_until(f"dashboards.courses:{version}:{user.id}:{zone.key}", render_courses, now)
               if version else Markup(render_courses()[0]))
    return {"courses": courses, "has_runs": bool(enrolments), "todo": todo,
            "todo_overdue": sum(item.is_overdue(now) for item in todo), "now": now,
            "certificates": certificates_of(user.id) if has.certificates else []}


def courses_progress(enrolments: list[Enrolment], course_modules: dict, facts: dict, read_ids: set[int],
                     now: datetime) -> list[dict]:
    """Each run the person holds or waits for a seat in, with its modules' progress, state and opening."""
    runs = []
    for enrolment in enrolments:
        run = enrolment.run
        modules = [
            {"module": cm.module, "released": run.is_released(cm.week, now), "opens_at": run.release_at(cm.week),
             "progress": lesson_progress([lesson.id for lesson in cm.module.lessons], read_ids),
             "state": module_state(facts[cm.module_id]), "can_request_sign_off": can_request_sign_off(facts[cm.module_id])}
            for cm in course_modules[run.course_id]
        ]
        released = [m for m in modules if m["released"]]
        next_lesson = next(filter(None, (next_unread(m["module"].lessons, read_ids) for m in released)), None)
        runs.append({"enrolment": enrolment, "run": run, "modules": modules, "next_lesson": next_lesson,
                     "progress": combined(m["progress"] for m in modules),
                     "is_complete": is_run_complete([facts[cm.module_id] for cm in course_modules[run.course_id]])})
    return runs


def leader_section(user: User, now: datetime, version: str) -> dict:
    organisation = user.organisation
    member_count, open_invitations = db.session.execute(_team_counts_query(),
                                                        {"organisation_id": organisation.id}).one()
    return {"organisation": organisation, "member_count": member_count, "open_invitations": open_invitations,
            "team_table": fragment_until(f"dashboards.team:{version}", lambda: _team_table(organisation, now), now)}


def _team_table(organisation: Organisation, now: datetime) -> tuple[str, datetime | None]:
    """The team's enrolments on runs not yet ended, as the leader's table, and when the first of those runs ends.

    The same for every leader of the project: it shows what its matrix version (team.matrix_versions) is replaced
    for (members, enrolments, runs, the curriculum), so it is cached under that version until that run ends.
    """
    team_enrolments = db.session.scalars(
        select(Enrolment).join(Enrolment.user).join(Enrolment.run)
        .where(User.organisation_id == organisation.id, Enrolment.state != EnrolmentState.WITHDRAWN,
               Run.ends_at > now)
        .order_by(Run.starts_at, User.display_name).limit(TEAM_LIMIT)
        .options(contains_eager(Enrolment.user), contains_eager(Enrolment.run).joinedload(Run.course))
    ).all()
    html = render_template("dashboards/_team_enrolments.html", team_enrolments=team_enrolments)
    return html, min((enrolment.run.ends_at for enrolment in team_enrolments), default=None)


def mentor_section(user: User) -> dict:
    runs = db.session.scalars(
        select(Run).join(run_mentors).where(run_mentors.c.user_id == user.id, Run.ends_at > utcnow())
        .order_by(Run.starts_at).options(joinedload(Run.course))
    ).all()
    return {"runs": runs, "seats": seats_taken(run.id for run in runs)}


def admin_section() -> dict:
    pending = db.session.scalars(select(Organisation).where(Organisation.state == OrganisationState.PENDING)
                                 .order_by(Organisation.created_at).limit(LIST_LIMIT)).all()
    pending_count = db.session.scalar(select(func.count(Organisation.id)).where(
        Organisation.state == OrganisationState.PENDING))
    runs = db.session.scalars(select(Run).where(Run.ends_at > utcnow()).order_by(Run.starts_at)
                              .limit(LIST_LIMIT).options(joinedload(Run.course))).all()
    return {"pending": pending, "pending_count": pending_count, "runs": runs,
            "seats": seats_taken(run.id for run in runs),
            "user_count": db.session.scalar(select(func.count(User.id)))}


def plans_section(user: User, has_assessments: bool) -> dict | None:
    """The person's needs assessments: confidence per topic, first and latest (None when they can take none)."""
    assessments = assessments_of(user.id) if has_assessments else []
    # Without an assessment of their own only a leader may take one (a trainee's is set up by their leader).
    if not assessments and not (user.is_leader and can_assess(user, user)):
        return None
    topics = [question for question in all_questions().values() if question.is_topic] if assessments else []
    first, latest = (assessments[0], assessments[-1]) if assessments else (None, None)
    return {"first": first, "latest": latest, "count": len(assessments),
            "change": confidence_change(topics, first, latest), "between": activity_between(user.id, first, latest)}


def build(user: User, zone: ZoneInfo) -> dict:
    """Every section the person's roles call for, and whether their project was given its matrix version now (the
    view then commits it)."""
    now = utcnow()
    has = holdings(user)  # first: the matrix version it reads is no newer than the facts read after it
    version = matrix_version(user.organisation_id, has.matrix_token) if user.organisation_id else None
    mentoring = mentoring_section(user, now)
    return {
        "learner": learner_section(user, mentoring["todo_sessions"], now, zone, has, version)
        if user.is_learner else None,
        "leader": leader_section(user, now, version) if user.is_leader and version else None,
        "gave_matrix_version": bool(version) and has.matrix_token is None,
        "mentor": mentor_section(user) if user.is_mentor else None,
        "admin": admin_section() if user.is_admin else None,
        "mentoring": mentoring,
        "plans": plans_section(user, has.assessments),
        "attended_events": attended_by(user.id) if has.event_check_ins else [],
    }
