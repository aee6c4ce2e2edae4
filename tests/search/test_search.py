"""Search over the content, on whichever database the suite runs (SQLite FTS5, or PostgreSQL with TEST_DATABASE_URL).

The expected hits are written out in full: the same content must give the same answers on both databases.
"""
from datetime import timedelta

import pytest

from courses.models import Course
from search.engine import PER_PAGE, PER_SECTION, Section, search
from search.models import DocumentKind, SearchDocument
from tests.search.helpers import lesson, load, many_modules, module


def _found(results) -> dict[str, list[str]]:
    """Section -> the plain titles found, in rank order."""
    return {group.section.name: [_plain(hit.title) for hit in group.hits] for group in results.groups}


def _plain(markup) -> str:
    return str(markup).replace("<mark>", "").replace("</mark>", "")


def _documents(db) -> dict[str, tuple]:
    return {document.key: (document.id, document.kind, document.title, document.body, document.url)
            for document in db.session.scalars(db.select(SearchDocument))}


# -- the index follows the content ---------------------------------------------------------------------------

def test_loading_the_content_indexes_every_course_module_lesson_and_resource(curriculum, db):
    documents = _documents(db)
    assert sorted(documents) == [
        "course:appeals-workshop", "course:evidence-day", "course:two-week-programme",
        "lesson:appeals-basics/01-routes", "lesson:appeals-basics/02-unsafe", "lesson:evidence-basics/01-identification",
        "module:appeals-basics", "module:evidence-basics",
        "resource:appeals-basics/resources/0", "resource:appeals-basics/sources/0",
        "resource:evidence-basics/sources/0",
    ]
    _, kind, title, body, _ = documents["lesson:appeals-basics/01-routes"]
    assert kind is DocumentKind.LESSON and title == "Routes of appeal"
    assert body.startswith("An appeal against conviction on indictment needs leave."), "Markdown and the title heading go"
    assert documents["resource:appeals-basics/resources/0"][4] == "https://justice.org.uk/"


def test_loading_the_same_content_again_writes_nothing_to_the_index(curriculum, fixture_curriculum, db,
                                                                   count_queries):
    before = _documents(db)
    with count_queries() as statements:
        load(fixture_curriculum)
    assert _documents(db) == before
    assert not [s for s in statements if "search_documents" in s and s.lstrip().upper().startswith(
        ("INSERT", "UPDATE", "DELETE"))]


def test_edited_lessons_are_found_by_their_new_words_and_removed_ones_are_not_found(curriculum, fixture_curriculum,
                                                                                   db, make_user):
    admin = make_user("admin")
    assert _found(search("leave", admin)) == {"LESSONS": ["Routes of appeal"]}

    def edit(content):
        appeals = next(each for each in content.modules if each["slug"] == "appeals-basics")
        appeals["lessons"] = [each for each in appeals["lessons"] if each["slug"] != "01-routes"]
        appeals["lessons"][0]["body"] = "# The unsafe test\n\nSince Pendleton the Court asks about the jury."
        appeals["resources"] = []
    load(fixture_curriculum, edit=edit)

    assert _found(search("leave", admin)) == {}
    assert _found(search("pendleton", admin)) == {"LESSONS": ["The unsafe test"]}
    assert _found(search("justice", admin)) == {}, "a resource dropped from module.yaml leaves the index"


def test_a_retired_course_leaves_the_index(curriculum, fixture_curriculum, db, make_user):
    admin = make_user("admin")
    assert _found(search('"evidence day"', admin)) == {"COURSES": ["Evidence day"]}
    load(fixture_curriculum, edit=lambda content: content.courses.pop())  # evidence-day
    assert db.session.scalar(db.select(Course).where(Course.slug == "evidence-day")).is_retired
    assert _found(search('"evidence day"', admin)) == {}


# -- what is found, and in which order ---------------------------------------------------------------------------

def test_the_same_content_gives_these_hits_on_either_database(curriculum, db, make_user):
    admin = make_user("admin")
    assert _found(search("appeal", admin)) == {
        "COURSES": ["Appeals workshop", "Evidence day"],
        "MODULES": ["Appeals basics"],
        "LESSONS": ["Routes of appeal", "The unsafe test"],
        "RESOURCES": ["JUSTICE, How to Appeal", "Criminal Appeal Act 1968"],
    }
    assert _found(search("identification", admin)) == {"MODULES": ["Evidence basics"], "LESSONS": ["Identification"]}
    assert _found(search('"unsafe test"', admin)) == {"MODULES": ["Appeals basics"], "LESSONS": ["The unsafe test"]}
    assert _found(search("appeals -unsafe", admin)) == {
        "COURSES": ["Appeals workshop", "Evidence day"], "LESSONS": ["Routes of appeal"],
        "RESOURCES": ["JUSTICE, How to Appeal", "Criminal Appeal Act 1968"]}
    assert _found(search("witness or court", admin)) == {
        "MODULES": ["Appeals basics"], "LESSONS": ["Identification", "The unsafe test"]}
    assert _found(search("nothing-like-this", admin)) == {}


def test_words_are_matched_by_their_stem(curriculum, db, make_user):
    admin = make_user("admin")
    assert _found(search("appeals", admin)) == _found(search("appealing", admin)) == _found(search("appeal", admin))


def test_a_title_that_matches_ranks_above_a_passing_mention_and_more_mentions_above_fewer(curriculum,
                                                                                       fixture_curriculum, db,
                                                                                       make_user):
    filler = "The project keeps careful records of every case it takes on. " * 30
    load(fixture_curriculum, [module("disclosure-ranking", "Working with files", [
        lesson("01-mention", "Case files", f"{filler} Ask about disclosure. {filler}", 0),
        lesson("02-title", "Disclosure", "What the prosecution must hand over.", 1),
        lesson("03-repeated", "Unused material", f"{filler} Disclosure. Disclosure again. Disclosure. {filler}", 2),
    ])])
    assert _found(search("disclosure", make_user("admin")))["LESSONS"] == ["Disclosure", "Unused material", "Case files"]


def test_a_snippet_quotes_the_lesson_escaped_with_the_matched_words_marked(curriculum, db, make_user):
    hit = search("leave", make_user("admin")).groups[0].hits[0]
    snippet = str(hit.snippet)
    assert "<mark>leave</mark>" in snippet
    assert "indictment needs <mark>leave</mark>." in snippet
    assert "<script" not in snippet and "<mark>" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0, "nothing from the content is a tag"


# -- who finds which lessons ---------------------------------------------------------------------------------------

def test_lessons_are_found_only_in_modules_the_viewer_may_read(curriculum, db, make_user, make_run, enrol):
    trainee, newcomer, mentor = make_user("trainee"), make_user("trainee"), make_user("mentor")
    enrol(make_run("appeals-workshop"), trainee)
    # A two-week run that began yesterday: week 1 (appeals-basics) is open, week 2 (evidence-basics) is not yet.
    weekly = make_user("trainee")
    enrol(make_run("two-week-programme", starts_in=-timedelta(days=1), opened_ago=timedelta(days=10)), weekly)
    from flask_login import AnonymousUserMixin
    query = "appeal or identification"

    assert "LESSONS" not in _found(search(query, AnonymousUserMixin()))
    assert "LESSONS" not in _found(search(query, newcomer))
    assert _found(search(query, trainee))["LESSONS"] == ["Routes of appeal", "The unsafe test"]
    assert _found(search(query, weekly))["LESSONS"] == ["Routes of appeal", "The unsafe test"]
    assert sorted(_found(search(query, mentor))["LESSONS"]) == ["Identification", "Routes of appeal", "The unsafe test"]
    assert not search(query, newcomer).searched_every_lesson and search(query, mentor).searched_every_lesson
    assert _found(search(query, newcomer))["MODULES"] == _found(search(query, mentor))["MODULES"], \
        "modules, courses and resources are public, as their pages are"


# -- sections and pages ---------------------------------------------------------------------------------------------

def test_every_section_shows_its_best_few_and_one_section_pages_through_all(curriculum, fixture_curriculum, db,
                                                                          make_user):
    load(fixture_curriculum, many_modules(9, lessons_each=5))
    admin = make_user("admin")
    everything = search("corroboration", admin)
    lessons = next(group for group in everything.groups if group.section is Section.LESSONS)
    assert lessons.total == 45 and len(lessons.hits) == PER_SECTION

    first, third = search("corroboration", admin, Section.LESSONS), search("corroboration", admin, Section.LESSONS, page=3)
    assert [group.section for group in first.groups] == [Section.LESSONS]
    assert len(first.groups[0].hits) == PER_PAGE and first.pages == 3
    assert len(third.groups[0].hits) == 45 - 2 * PER_PAGE
    seen = [_plain(hit.title) + hit.module_slug for page in (1, 2, 3)
            for hit in search("corroboration", admin, Section.LESSONS, page=page).groups[0].hits]
    assert len(seen) == len(set(seen)) == 45, "pages neither repeat nor skip a hit"
    past_the_end = search("corroboration", admin, Section.LESSONS, page=7)
    assert past_the_end.groups[0].hits == [] and past_the_end.pages == 3
    assert search("corroboration", admin, Section.LESSONS, page=10**12).page == 500


@pytest.mark.parametrize("text", ["", '"', "-", "the", '""', "- - -", "or", "-appeal"])
def test_nothing_to_look_for_finds_nothing_without_asking_the_database(curriculum, db, make_user, text,
                                                                      count_queries):
    admin = make_user("admin")
    with count_queries() as statements:
        results = search(text, admin)
    assert results.query.is_empty and results.groups == []
    assert statements == []


def test_a_very_long_word_is_searched_for_and_found_nowhere(curriculum, db, make_user):
    assert search("x" * 10_000, make_user("admin")).groups == []


def test_indexing_reads_the_lessons_in_one_statement_however_many_there_are(curriculum, fixture_curriculum, db,
                                                                            count_queries):
    from search.index import documents

    with count_queries() as few:
        documents()
    load(fixture_curriculum, many_modules(10, lessons_each=5))
    with count_queries() as many:
        assert len(documents()) > 60
    assert len(many) == len(few)
