"""The role-scoped lists beside the access predicates give exactly what the predicates allow, one by one."""
from datetime import timedelta

from flask_login import AnonymousUserMixin

from accounts.models import User
from courses.access import module_access, readable_module_ids
from courses.models import EnrolmentState
from curriculum.models import Module


def test_readable_module_ids_is_module_access_for_every_module(db, curriculum, make_user, make_run, enrol,
                                                               make_organisation):
    modules = db.session.scalars(db.select(Module)).all()
    weekly_run = make_run("two-week-programme", starts_in=-timedelta(days=1), opened_ago=timedelta(days=10))
    people = {
        "anonymous": AnonymousUserMixin(),
        "enrolled on the workshop": make_user("trainee"),
        "in week 1 of the programme": make_user("trainee"),
        "waitlisted": make_user("trainee"),
        "not enrolled": make_user("trainee"),
        "leader, enrolled": make_user("leader", make_organisation()),
        "mentor": make_user("mentor"),
        "admin": make_user("admin"),
    }
    enrol(make_run("appeals-workshop"), people["enrolled on the workshop"])
    enrol(weekly_run, people["in week 1 of the programme"])
    enrol(make_run("evidence-day"), people["waitlisted"], EnrolmentState.WAITLISTED)
    enrol(make_run("evidence-day"), people["leader, enrolled"])
    for who, person in people.items():
        listed = readable_module_ids(person)
        allowed = {module.id for module in modules if module_access(person, module).can_read}
        assert (listed if listed is not None else {module.id for module in modules}) == allowed, who
    assert readable_module_ids(people["mentor"]) is None and readable_module_ids(people["anonymous"]) == set()
    assert len(readable_module_ids(people["in week 1 of the programme"])) == 1


def test_found_by_lists_exactly_the_people_each_viewer_may_find(db, make_user, make_organisation):
    home, other = make_organisation(), make_organisation()
    people = [make_user("trainee", home), make_user("trainee", home, is_active_account=False),
              make_user("leader", home), make_user("trainee", other), make_user("leader", other),
              make_user("mentor"), make_user("admin"), make_user("trainee")]
    viewers = people + [make_user("leader"), AnonymousUserMixin()]  # a leader of no organisation finds nobody
    everyone = set(db.session.scalars(db.select(User.id)))
    for viewer in viewers:
        found = set(db.session.scalars(db.select(User.id).where(User.found_by(viewer))))
        assert found == {user_id for user_id in everyone if db.session.get(User, user_id).can_be_found_by(viewer)}
    assert len(set(db.session.scalars(db.select(User.id).where(User.found_by(people[2]))))) == 3
    assert set(db.session.scalars(db.select(User.id).where(User.found_by(people[6])))) == everyone
    assert set(db.session.scalars(db.select(User.id).where(User.found_by(people[0])))) == set()
