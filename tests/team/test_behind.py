"""Who is behind schedule: the rule over a whole project, the page, its paging and its cost."""
from datetime import timedelta

import pytest

from core.db import utcnow
from core.extensions import db
from courses.models import EnrolmentState
from modules.models import SignOff, SignOffState
from team.behind import behind_schedule


@pytest.fixture
def project(make_organisation, make_user, make_run, enrol, finish_module):
    """Ana is two modules behind (a programme that began 20 days ago), Ben one (a workshop three days ago); Cy has
    done everything, Di waits for a mentor's sign-off, Ed is only on the waitlist, Flo has left; Gil is behind in
    another project."""
    organisation, elsewhere = make_organisation(), make_organisation()
    leader = make_user("leader", organisation)
    programme = make_run(course_slug="two-week-programme", starts_in=-timedelta(days=20))
    workshop = make_run(course_slug="appeals-workshop", starts_in=-timedelta(days=3))
    people = {name: make_user("trainee", organisation, name=name) for name in ("Ana", "Ben", "Cy", "Di", "Ed", "Flo")}
    people["Gil"] = make_user("trainee", elsewhere, name="Gil")
    enrol(programme, people["Ana"])
    for name in ("Ben", "Cy", "Di", "Flo", "Gil"):
        enrol(workshop, people[name])
    enrol(programme, people["Ed"], EnrolmentState.WAITLISTED)
    finish_module(people["Ana"], "appeals-basics", grade=10.0)
    for name in ("Cy", "Di"):
        module = finish_module(people[name], "appeals-basics")
        db.session.add(SignOff(learner_id=people[name].id, module_id=module.id, run_id=workshop.id,
                               state=SignOffState.SIGNED_OFF if name == "Cy" else SignOffState.REQUESTED))
    people["Flo"].deactivated_at = utcnow()
    people["Flo"].is_active_account = False
    db.session.commit()
    return {"organisation": organisation, "leader": leader, "programme": programme, "workshop": workshop, **people}


def test_members_with_overdue_modules_are_listed_the_latest_first(project):
    behind = behind_schedule(project["organisation"], utcnow())
    assert [(entry.member.display_name, [s.module.slug for s in entry.overdue]) for entry in behind] == [
        ("Ana", ["appeals-basics", "evidence-basics"]), ("Ben", ["appeals-basics"])]
    assert behind[0].most_late.due_at == project["programme"].due_at(1)


def test_a_module_not_yet_due_does_not_make_anyone_behind(project):
    # An hour before the workshop's day ended Ben was on time; Ana's programme week 1 was already over.
    just_before = project["workshop"].due_at(None) - timedelta(hours=1)
    assert [entry.member.display_name for entry in behind_schedule(project["organisation"], just_before)] == ["Ana"]


def test_the_leader_sees_who_is_behind_with_links_to_their_reports(client, login_as, project):
    login_as(project["leader"])
    page = client.get(f"/organisations/{project['organisation'].id}/behind-schedule").text
    assert "2 members are behind." in page
    assert page.index(">Ana<") < page.index(">Ben<")
    for name in ("Cy", "Di", "Ed", "Flo", "Gil"):
        assert f">{name}<" not in page
    report = f"/organisations/{project['organisation'].id}/members/{project['Ana'].id}/report"
    assert f'href="{report}">Ana<span class="visually-hidden">: training report</span></a>' in page
    assert ">2 modules</span>" in page and ">1 module</span>" in page
    # The programme's first week ended on its 7th day, 13 full days ago: the 14th day since its last.
    assert "14 days late" in page and "3 days late" in page


def test_nobody_behind_says_so(client, login_as, make_organisation, make_user):
    organisation = make_organisation()
    login_as(make_user("leader", organisation))
    page = client.get(f"/organisations/{organisation.id}/behind-schedule").text
    assert "Nobody is behind" in page


def test_another_projects_leader_is_refused(client, login_as, make_user, make_organisation, project):
    login_as(make_user("leader", make_organisation()))
    assert client.get(f"/organisations/{project['organisation'].id}/behind-schedule").status_code == 403


def test_the_list_pages(client, login_as, project, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    login_as(project["leader"])
    url = f"/organisations/{project['organisation'].id}/behind-schedule"
    first, second = client.get(url).text, client.get(url + "?page=2").text
    assert ">Ana<" in first and ">Ben<" not in first and "page 1 of 2" in first
    assert ">Ben<" in second and ">Ana<" not in second
    assert ">Ben<" in client.get(url + "?page=99999999999999999999").text
    assert client.get(url + "?page=x").status_code == 200


def test_the_page_costs_the_same_statements_with_ten_times_the_members(client, login_as, count_queries, project,
                                                                       make_user, enrol, finish_module):
    login_as(project["leader"])
    url = f"/organisations/{project['organisation'].id}/behind-schedule"

    def grow(count):
        for _ in range(count):
            member = make_user("trainee", project["organisation"])
            enrol(project["programme"], member)
            enrol(project["workshop"], member)
            finish_module(member, "evidence-basics")

    def statements():
        client.get(url)
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    grow(3)
    small = statements()
    grow(27)
    assert statements() == small <= 7
    assert "32 members are behind." in client.get(url).text
