"""What a person types, read once for both databases; and snippets made safe to show.

The search box reads like a web search engine's: words (all must appear), "a quoted phrase", -word or
-"phrase" to leave out, and `or` between alternatives. `parse()` reads any text at all into a `Query`
of plain words (letters and digits only), from which each database's own query syntax is written, so
nothing a person types reaches the database as syntax and both databases answer the same question.
"""
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

#: the highlighted words of a snippet are wrapped in these (Unicode private-use characters, removed from what is
#: indexed): the snippet is escaped as text first, and only then do they become <mark> tags
START, STOP = "\ue000", "\ue001"
MARKS = str.maketrans("", "", START + STOP)

#: PostgreSQL's English stop words (snowball english.stop): never indexed there, so left out here too,
#: where SQLite's FTS5 (which indexes every word) would otherwise require them
STOP_WORDS = frozenset("""
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it
its itself they them their theirs themselves what which who whom this that these those am is are was were be been
being have has had having do does did doing a an the and but if or because as until while of at by for with about
against between into through during before after above below to from up down in out on off over under again further
then once here there when where why how all any both each few more most other some such no nor not only own same so
than too very s t can will just don should now
""".split())

#: more words than this are ignored: a search is a few words, and each one costs the database a look-up
MAX_TERMS = 12
_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


@dataclass(frozen=True)
class Clause:
    """One alternative: every phrase in `include` and none in `exclude` (a phrase is one or more words)."""

    include: tuple[tuple[str, ...], ...]
    exclude: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Query:
    text: str
    #: alternatives (`or`); a document matches when it matches any one
    clauses: tuple[Clause, ...]
    #: every word looked for, stop words included: names are matched on these ("Will", "Don")
    words: tuple[str, ...]
    #: words left out for being too common or past MAX_TERMS, to say so beside the results
    ignored: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def websearch(self, exclusions: bool = True) -> str:
        """For PostgreSQL's websearch_to_tsquery: the same words, phrases, exclusions and alternatives, and no more.

        Without `exclusions` it is the query to rank by: ts_rank scores any query with a NOT as almost nothing.
        """
        def phrase(words, sign=""):
            return f'{sign}"{" ".join(words)}"' if len(words) > 1 else f"{sign}{words[0]}"
        return " or ".join(" ".join([*(phrase(words) for words in clause.include),
                                     *(phrase(words, "-") for words in clause.exclude if exclusions)])
                           for clause in self.clauses)

    def fts5(self) -> str:
        """For SQLite's FTS5 MATCH: every word quoted as a string, so none is read as an operator."""
        def phrase(words):
            return '"' + " ".join(words) + '"'

        def clause_text(clause):
            text = " AND ".join(phrase(words) for words in clause.include)
            return "(" + " NOT ".join([f"({text})", *(phrase(words) for words in clause.exclude)]) + ")"
        return " OR ".join(clause_text(clause) for clause in self.clauses)


def parse(text: str) -> Query:
    """Read anything typed into the search box; what cannot be searched for is dropped, never an error."""
    clauses, include, exclude, words, ignored = [], [], [], [], []
    budget = MAX_TERMS

    def close_clause():
        if include:
            clauses.append(Clause(tuple(include), tuple(exclude)))
        include.clear()
        exclude.clear()

    for match in _TOKEN.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare.lower() == "or":
            close_clause()
            continue
        if bare is not None:
            negated = bare.startswith("-")
        found = [word.lower() for word in _WORD.findall(quoted if quoted is not None else bare)]
        if not negated:
            words.extend(found)
        # Unquoted words stand alone; a phrase keeps its common words, which place the others.
        phrases = [tuple(found)] if quoted is not None else [(word,) for word in found]
        for phrase in phrases:
            if not phrase or all(word in STOP_WORDS for word in phrase) or budget == 0:
                ignored.extend(phrase)
                continue
            budget -= 1
            (exclude if negated else include).append(phrase)
    close_clause()
    return Query(text=text, clauses=tuple(dict.fromkeys(clauses)), words=tuple(dict.fromkeys(words))[:MAX_TERMS],
                 ignored=tuple(dict.fromkeys(ignored)))


def marked(snippet: str | None) -> Markup:
    """A snippet from the database, escaped, with only its matched words (between START and STOP) in <mark>."""
    pieces, inside = [], False
    for piece in re.split(f"([{START}{STOP}])", snippet or ""):
        if piece in (START, STOP):
            inside = piece == START
        elif piece:
            pieces.append(Markup("<mark>{}</mark>").format(piece) if inside else escape(piece))
    return Markup("").join(pieces)
