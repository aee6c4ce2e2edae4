"""Plans as records: proposing one from an assessment, refreshing it, and its history. Flush only; views commit.

The rules themselves are plain functions in `plans.proposal`; this module
reads what they need from the database (topics, runs, completed modules)
and writes what they propose.
"""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accounts.models import User
from core.db import utcnow
from core.extensions import db
from courses.enrolment import seats_taken
from courses.models import Course, CourseModule, Enrolment, EnrolmentState, Run
from curriculum.models import Module
from modules.completion import gather, is_complete
from plans import proposal as rules
from plans.assessments import all_questions
from plans.models import Assessment, AssessmentQuestion, Plan, PlanChange, PlanItem, PlanItemKind


def record_change(plan: Plan, by: User | None, text: str) -> None:
    """Keep a change in the plan's history (who, when, what): the history is only ever added to."""
    db.session.add(PlanChange(plan_id=plan.id, by_id=by.id if by is not None else None, text=text[:500]))


def plan_of(person_id: int) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.person_id == person_id))


def topics_and_stresses(questions: dict[str, AssessmentQuestion],
                        assessment: Assessment) -> tuple[list[rules.Topic], list[rules.Stress]]:
    """The live topics in questionnaire order, and the stresses the assessment's answers put on them."""
    topics = [rules.Topic(q.key, q.prompt, tuple(q.module_slugs)) for q in questions.values()
              if q.is_topic and not q.is_retired]
    stresses = []
    for key, answer in assessment.answers.items():
        question = questions.get(key)
        if question is None or question.is_topic:
            continue
        chosen = {str(value) for value in (answer if isinstance(answer, list) else [answer])}
        for option in question.options:
            if str(option["value"]) in chosen:
                stresses += [rules.Stress(topic, f"you answered “{option['label']}”") for topic in option.get("stresses", [])]
    return topics, stresses


def run_options(person_id: int, module_slugs: set[str]) -> list[rules.RunOption]:
    """The runs that have not ended and teach any of the modules, as the rules see them (three queries)."""
    if not module_slugs:
        return []
    now = utcnow()
    runs = db.session.scalars(
        select(Run).join(CourseModule, CourseModule.course_id == Run.course_id).join(Module)
        .where(Run.ends_at > now, Module.slug.in_(module_slugs)).distinct()
        .options(selectinload(Run.course).selectinload(Course.course_modules).selectinload(CourseModule.module))
    ).all()
    held = set(db.session.scalars(select(Enrolment.run_id).where(
        Enrolment.user_id == person_id, Enrolment.state == EnrolmentState.ENROLLED)))
    taken = seats_taken(run.id for run in runs)
    return [rules.RunOption(
        run_id=run.id, name=run.name, ends_on=run.ends_at.astimezone(run.zone).date(),
        due_on={link.module.slug: run.due_on(link.week) for link in run.course.course_modules},
        holds_seat=run.id in held,
        is_open=run.is_enrolment_open(now) and taken.get(run.id, 0) < run.capacity) for run in runs]


def propose_for(person: User, assessment: Assessment, today: date) -> rules.Proposal:
    """What the rules propose for the person from this assessment, with today's runs and their progress."""
    topics, stresses = topics_and_stresses(all_questions(), assessment)
    slugs = {slug for topic in topics for slug in topic.module_slugs}
    modules = db.session.scalars(select(Module).where(Module.slug.in_(slugs))).all() if slugs else []
    facts = gather([person.id], modules)
    complete = {module.slug for module in modules if is_complete(facts[person.id, module.id])}
    return rules.propose(topics, assessment.ratings, stresses, run_options(person.id, slugs), complete, today)


def _module_items(proposal: rules.Proposal) -> list[PlanItem]:
    """New (unattached) items for the proposed modules, in proposed order."""
    modules = {m.slug: m for m in db.session.scalars(
        select(Module).where(Module.slug.in_([p.module_slug for p in proposal.modules])))}
    return [PlanItem(kind=PlanItemKind.MODULE, module=modules[p.module_slug], run_id=p.run_id,
                     target_on=p.target_on, reason=p.reason)
            for p in proposal.modules if p.module_slug in modules]


def _set_package(plan: Plan, package: rules.ProposedPackage | None) -> None:
    plan.package_sessions = package.sessions if package else None
    plan.package_every_weeks = package.every_weeks if package else 2
    plan.package_topics = list(package.topic_keys) if package else []
    plan.package_reason = package.reason if package else "No topic needs work, so no mentoring package is proposed."


def create_plan(person: User, by: User, assessment: Assessment, today: date) -> Plan:
    """The person's plan, proposed from the assessment; the plan they already have when there is one."""
    plan = plan_of(person.id)
    if plan is not None:
        return plan
    proposal = propose_for(person, assessment, today)
    plan = Plan(person_id=person.id, assessment_id=assessment.id)
    _set_package(plan, proposal.package)
    db.session.add(plan)
    db.session.flush()
    for position, item in enumerate(_module_items(proposal)):
        item.position = position
        plan.items.append(item)
    db.session.flush()
    record_change(plan, by, f"Proposed from the assessment of {assessment.taken_at:%-d %B %Y}: "
                            f"{len(proposal.modules)} modules" + (f" and {proposal.package.sessions} mentoring sessions"
                                                                  if proposal.package else ""))
    return plan


def refresh_plan(plan: Plan, by: User, assessment: Assessment, today: date) -> list[PlanItem]:
    """Bring a plan up to a newer assessment: add the proposed modules it lacks (at the end, in proposed order)
    and, while the package is not agreed, propose it again. Nothing already in the plan is dropped or moved."""
    proposal = propose_for(plan.person, assessment, today)
    present = {item.module_id for item in plan.items if item.module_id is not None}
    added = [item for item in _module_items(proposal) if item.module.id not in present]
    last = max((item.position for item in plan.items), default=-1)
    for offset, item in enumerate(added, 1):
        item.position = last + offset
        plan.items.append(item)
    plan.assessment_id = assessment.id
    if not plan.is_package_agreed:
        _set_package(plan, proposal.package)
    db.session.flush()
    record_change(plan, by, f"Brought up to the assessment of {assessment.taken_at:%-d %B %Y}: "
                            + (f"added {', '.join(item.module.title for item in added)}" if added
                               else "no module to add"))
    return added
