"""The results page: grouped, highlighted, paged, with an empty state; people only for those who may find them."""
import pytest

from search.engine import PER_SECTION
from tests.search.helpers import load, many_modules


@pytest.fixture
def admin(make_user, login_as, curriculum):
    return login_as(make_user("admin"))


def test_results_are_grouped_with_the_matched_words_marked(client, admin):
    html = client.get("/search?q=appeal").get_data(as_text=True)
    for heading in ("Courses", "Modules", "Lessons", "Resources"):
        assert f'-heading" class="h4">{heading}</h2>' in html
    assert 'Routes of <mark>appeal</mark></a>' in html
    assert 'href="/modules/appeals-basics/lessons/01-routes"' in html
    assert 'href="https://justice.org.uk/" rel="noopener noreferrer">JUSTICE, How to <mark>Appeal</mark></a>' in html
    assert "Found:" in html and "2 lessons" in html and "1 module<" in html


def test_content_from_lessons_is_escaped_in_snippets(client, admin):
    html = client.get("/search?q=leave").get_data(as_text=True)
    assert "indictment needs <mark>leave</mark>." in html
    assert "<script>alert" not in html


def test_a_long_section_links_to_all_of_it_and_pages(client, admin, fixture_curriculum):
    load(fixture_curriculum, many_modules(5, lessons_each=5))
    html = client.get("/search?q=corroboration").get_data(as_text=True)
    assert html.count('class="mb-3"') >= PER_SECTION
    assert 'href="/search?q=corroboration&amp;section=lessons">All 25 lessons' in html

    html = client.get("/search?q=corroboration&section=lessons&page=2").get_data(as_text=True)
    assert "25 lessons found, page 2 of 2." in html
    assert 'aria-label="Pages"' in html and 'href="/search?page=1&amp;q=corroboration&amp;section=lessons"' in html
    assert 'name="section" value="lessons"' in html, "searching again stays in the section"


def test_nothing_found_says_what_to_try(client, admin):
    html = client.get("/search?q=habeas").get_data(as_text=True)
    assert "Nothing found for “habeas”" in html
    assert "Check the spelling" in html and 'href="/"' in html


def test_lessons_not_searched_are_mentioned_to_those_who_cannot_read_them(client, curriculum):
    html = client.get("/search?q=habeas").get_data(as_text=True)
    assert "Lessons are searched only in modules you can read" in html and "sign in</a> to search yours" in html


def test_the_page_without_a_query_invites_one(client, curriculum):
    response = client.get("/search")
    assert response.status_code == 200 and "Type a few words above" in response.get_data(as_text=True)


def test_every_page_has_the_search_box(client, curriculum):
    html = client.get("/").get_data(as_text=True)
    assert 'role="search"' in html and 'action="/search"' in html and 'id="site-search"' in html


@pytest.mark.parametrize("query, status, says", [
    ("a\x00b", 400, "Bad request"),
    ("x" * 201, 400, "Search for at most 200 characters"),
    ("é" * 200, 200, "Nothing found"),
    ('"', 200, "There is no word to look for"),
    ("-", 200, "There is no word to look for"),
    ('""', 200, "There is no word to look for"),
    ("the of", 200, "There is no word to look for"),
    ("OR", 200, "There is no word to look for"),
    ("NOT NEAR( appeal*", 200, "Nothing found"),
    ('title:appeal "unclosed', 200, "Nothing found"),
    ('appeal* "court', 200, "Found:"),
    ("appeal -", 200, "Found:"),
    ("%_\\'", 200, "There is no word to look for"),
    ("' OR 1=1 --", 200, "</main>"),
    ("😀 ß İ \u202e", 200, "Nothing found"),
])
def test_bad_input_never_fails(client, admin, query, status, says):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == status
    assert says in response.get_data(as_text=True)


@pytest.mark.parametrize("arguments, status", [
    ({"q": "appeal", "section": "bogus"}, 400), ({"q": "appeal", "section": "lessons", "page": "abc"}, 200),
    ({"q": "appeal", "section": "lessons", "page": "-5"}, 200),
    ({"q": "appeal", "section": "lessons", "page": "99999999999999999999"}, 200),
    ({"q": ["appeal", "court"]}, 200), ({"q": "appeal", "section": "people"}, 200),
])
def test_odd_arguments_never_fail(client, admin, arguments, status):
    assert client.get("/search", query_string=arguments).status_code == status


# -- people ---------------------------------------------------------------------------------------------------------

@pytest.fixture
def projects(db, make_organisation, make_user):
    home, other = make_organisation("Northern Clinic"), make_organisation("Southern Clinic")
    return {
        "home_trainee": make_user("trainee", home, name="Alice Quayle", email="alice.quayle@example.org"),
        "home_leader": make_user("leader", home, name="Leah Quayle"),
        "other_trainee": make_user("trainee", other, name="Bob Quayle"),
        "other_leader": make_user("leader", other),
        "mentor": make_user("mentor", name="Mona Quayle"),
        "admin": make_user("admin"),
        "no_project": make_user("trainee", name="Nora Quayle"),
    }


#: who finds whom among the Quayles (the access rule: administrators everyone, leaders their project's members)
FINDS = {
    "home_trainee": [], "mentor": [], "no_project": [],
    "home_leader": ["Alice Quayle", "Leah Quayle"],
    "other_leader": ["Bob Quayle"],
    "admin": ["Alice Quayle", "Bob Quayle", "Leah Quayle", "Mona Quayle", "Nora Quayle"],
}


@pytest.mark.parametrize("role", sorted(FINDS))
def test_each_role_finds_only_the_people_it_may_see(client, login_as, curriculum, projects, role):
    login_as(projects[role])
    html = client.get("/search?q=quayle").get_data(as_text=True)
    results = html[html.index("<h1>"):html.index("</main>")]
    shown = sorted(name for name in ("Alice", "Bob", "Leah", "Mona", "Nora") if f"{name} Quayle</a>" in results)
    assert [f"{name} Quayle" for name in shown] == FINDS[role]
    if not FINDS[role]:
        assert 'id="people-heading"' not in results and "@example.org" not in results
        assert "Nothing found" in results


def test_people_are_found_by_any_part_of_name_or_address_and_linked_to_where_their_finder_manages_them(
        client, login_as, curriculum, projects):
    login_as(projects["home_leader"])
    html = client.get("/search?q=ALICE.QUAY").get_data(as_text=True)
    assert "Alice Quayle</a>" in html and "alice.quayle@example.org" in html and "Northern Clinic" in html
    assert f'href="/organisations/{projects["home_trainee"].organisation_id}"' in html

    login_as(projects["admin"])
    html = client.get("/search?q=alice example").get_data(as_text=True)
    assert f'href="/admin/users/{projects["home_trainee"].id}">Alice Quayle</a>' in html


def test_the_people_section_is_not_open_to_others_by_its_address(client, login_as, curriculum, projects):
    login_as(projects["home_trainee"])
    html = client.get("/search?q=quayle&section=people").get_data(as_text=True)
    assert "Bob Quayle" not in html and "Leah Quayle" not in html and "Nothing found" in html


# -- a bounded number of statements -----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["anonymous", "trainee", "leader", "admin"])
def test_the_results_page_runs_the_same_statements_for_ten_times_the_content(client, login_as, count_queries,
                                                                           fixture_curriculum, make_user,
                                                                           make_organisation, make_run, enrol,
                                                                           role):
    load(fixture_curriculum, many_modules(3, lessons_each=3))
    organisation = make_organisation()
    members = [make_user("trainee", organisation, name=f"Corroboration Witness {n}") for n in range(3)]
    if role != "anonymous":
        viewer = login_as(make_user(role, organisation))
        enrol(make_run("extra-course"), viewer) if role == "trainee" else None
    pages = ["/search?q=corroboration", "/search?q=corroboration&section=lessons"]
    with count_queries() as small:
        for url in pages:
            assert client.get(url).status_code == 200

    load(fixture_curriculum, many_modules(30, lessons_each=3))
    members += [make_user("trainee", organisation, name=f"Corroboration Witness {n}") for n in range(3, 30)]
    with count_queries() as large:
        for url in pages:
            html = client.get(url).get_data(as_text=True)
    assert "90 lessons found" in html or role in ("anonymous", "leader")
    assert len(large) == len(small) <= 16
