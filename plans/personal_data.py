"""What plans holds about a person (their needs assessments and learning plan), for privacy's export and erasure."""
from sqlalchemy import delete

from core.extensions import db
from core.timezones import iso
from plans.assessments import all_questions, assessments_of
from plans.models import Assessment, Plan
from plans.planning import plan_of


def personal_data(user) -> dict:
    questions = all_questions()

    def wording(key: str, value):
        question = questions.get(key)
        return {"question": question.prompt if question else key, "answer": question.label_of(value) if question else value}

    plan = plan_of(user.id)
    return {"assessments": [{"taken_at": iso(a.taken_at),
                             "answers": [wording(key, value) for key, value in a.answers.items()],
                             "confidence": [wording(key, value) for key, value in a.ratings.items()]}
                            for a in assessments_of(user.id)],
            "learning_plan": None if plan is None else {
                "steps": [{"kind": item.kind.value, "what": item.label, "success_criteria": item.success_criteria,
                           "target_on": item.target_on.isoformat() if item.target_on else None,
                           "reason": item.reason, "done_at": iso(item.done_at)} for item in plan.items],
                "mentoring_sessions": plan.package_sessions, "every_weeks": plan.package_every_weeks,
                "package_agreed_at": iso(plan.package_agreed_at)}}


def erase(user, by) -> None:
    """Delete the person's plan (its steps and history with it) and assessments: they are about them alone and
    nobody else relies on them."""
    db.session.execute(delete(Plan).where(Plan.person_id == user.id))
    db.session.execute(delete(Assessment).where(Assessment.person_id == user.id))
