"""A project whose members stand at each step of a module: for the matrix's unit, page and browser tests."""
from datetime import datetime, timezone

from core.extensions import db
from curriculum.models import Module
from modules.models import LessonRead, SignOff, SignOffState

#: 23:30 UTC on 30 June is already 1 July in London
LATE_JUNE = datetime(2025, 6, 30, 23, 30, tzinfo=timezone.utc)


def module_named(slug):
    return db.session.scalar(db.select(Module).where(Module.slug == slug))


def sign_off(user, state, at=LATE_JUNE, slug="appeals-basics"):
    db.session.add(SignOff(learner_id=user.id, module_id=module_named(slug).id, state=state, state_changed_at=at))
    db.session.commit()


def add_team(make_organisation, make_user, make_run, enrol, finish_module) -> dict:
    """A project on the two-week programme: one member at each step of Appeals basics (which needs sign-off)."""
    organisation = make_organisation()
    run = make_run(course_slug="two-week-programme")
    names = ["Ada Signed", "Ben Passed", "Cat Fresh", "Dan Reading", "Eve Revoked"]
    people = {name.split()[0].lower(): make_user("trainee", organisation, name=name) for name in names}
    people["leader"] = make_user("leader", organisation, name="Lee Leader")
    for person in people.values():
        enrol(run, person)
    finish_module(people["ada"])
    sign_off(people["ada"], SignOffState.SIGNED_OFF)
    finish_module(people["ben"])
    finish_module(people["eve"])
    sign_off(people["eve"], SignOffState.REVOKED)
    finish_module(people["ada"], "evidence-basics")
    first_lesson = module_named("appeals-basics").lessons[0]
    db.session.add(LessonRead(user_id=people["dan"].id, lesson_id=first_lesson.id, read_at=LATE_JUNE))
    # Not rows: a mentor and an administrator who belong to the project, a deactivated trainee, another project.
    make_user("mentor", organisation, name="Mo Mentor")
    make_user("admin", organisation, name="Al Admin")
    make_user("trainee", organisation, name="Ina Inactive", is_active_account=False)
    enrol(run, make_user("trainee", make_organisation(), name="Oz Other"))
    db.session.commit()
    return {"organisation": organisation, "run": run, **people}
