"""Reading what is typed into the search box, and making snippets safe: plain functions, no database."""
import pytest

from search.text import MAX_TERMS, START, STOP, Clause, marked, parse


def test_words_must_all_appear_and_are_lower_cased():
    query = parse("Fresh  EVIDENCE")
    assert query.clauses == (Clause(include=(("fresh",), ("evidence",))),)
    assert query.websearch() == "fresh evidence"
    assert query.fts5() == '(("fresh" AND "evidence"))'


def test_a_quoted_phrase_keeps_its_words_together_and_its_common_words():
    query = parse('"the real possibility" test')
    assert query.clauses == (Clause(include=(("the", "real", "possibility"), ("test",))),)
    assert query.websearch() == '"the real possibility" test'
    assert query.fts5() == '(("the real possibility" AND "test"))'


def test_a_minus_leaves_a_word_or_a_phrase_out():
    query = parse('appeal -ccrc -"real possibility"')
    assert query.clauses == (Clause(include=(("appeal",),), exclude=(("ccrc",), ("real", "possibility"))),)
    assert query.websearch() == 'appeal -ccrc -"real possibility"'
    assert query.websearch(exclusions=False) == "appeal"
    assert query.fts5() == '(("appeal") NOT "ccrc" NOT "real possibility")'
    assert query.words == ("appeal",), "left-out words are not looked for in names"


def test_or_separates_alternatives():
    query = parse("disclosure OR identification evidence")
    assert query.clauses == (Clause(include=(("disclosure",),)),
                             Clause(include=(("identification",), ("evidence",))))
    assert query.websearch() == "disclosure or identification evidence"
    assert query.fts5() == '(("disclosure")) OR (("identification" AND "evidence"))'


def test_common_words_are_left_out_and_said_so():
    query = parse("the appeal of a conviction")
    assert query.clauses == (Clause(include=(("appeal",), ("conviction",))),)
    assert query.ignored == ("the", "of", "a")
    assert query.words == ("the", "appeal", "of", "a", "conviction"), "a name may be a common word (Will, Don)"


@pytest.mark.parametrize("text", ["", "   ", '"', '""', '"""', "-", "--", "-appeal", '-"fresh evidence"', "or",
                                  "OR OR", "the of and", "*", "()", ":", "^", "'", "%", "_", "\\", "…"])
def test_nothing_to_look_for_is_an_empty_query_not_an_error(text):
    query = parse(text)
    assert query.is_empty
    assert query.clauses == ()


@pytest.mark.parametrize("text", ["NOT AND OR NEAR", "NEAR(", "title:appeal", 'appeal*', '"unclosed phrase', "a\x00b",
                                  "DROP TABLE users; --", "é😀 ß", "x" * 10_000, "\u202eevil", "word" + "-" * 50])
def test_operators_and_odd_characters_never_reach_the_database_as_syntax(text):
    query = parse(text)
    for clause in query.clauses:
        for phrase in clause.include + clause.exclude:
            assert phrase and all(word.isalnum() for word in phrase)
    assert '"' not in "".join(word for clause in query.clauses for phrase in clause.include for word in phrase)


def test_only_the_first_words_are_searched():
    query = parse(" ".join(f"word{number}" for number in range(40)))
    assert len(query.clauses[0].include) == MAX_TERMS
    assert len(query.words) == MAX_TERMS
    assert "word39" in query.ignored


def test_fts5_keywords_typed_as_words_are_quoted_as_strings():
    assert parse("NEAR not").fts5() == '(("near"))'
    assert parse("and near").fts5() == '(("near"))'


def test_a_snippet_is_escaped_and_only_the_matched_words_are_marked():
    snippet = f'<script>alert("x")</script> the {START}unsafe{STOP} test & {START}<b>{STOP}'
    html = str(marked(snippet))
    assert html == ('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; the <mark>unsafe</mark> test &amp; '
                    '<mark>&lt;b&gt;</mark>')


def test_unbalanced_markers_never_leave_an_open_tag():
    assert str(marked(f"{START}one{START}two")) == "<mark>one</mark><mark>two</mark>"
    assert str(marked(f"one{STOP}two")) == "onetwo"
    assert str(marked(None)) == ""
