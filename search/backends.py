"""Each database's full-text search over `search_documents`, behind the same two methods.

`matching(query)` selects (id, kind, rank) of the documents that match, higher rank first in meaning;
`highlighting(query)` selects (id, title, snippet) with the matched words between START and STOP.
Both take a parsed `search.text.Query`, never what was typed.
"""
from sqlalchemy import Select, cast, column, func, literal, literal_column, select, table
from sqlalchemy.dialects.postgresql import REGCONFIG

from core.extensions import db
from search.models import SearchDocument
from search.text import START, STOP

#: words of context around the matched ones
SNIPPET_WORDS = 24


class PostgreSQL:
    vector = literal_column("search_documents.fts_vector")
    english = cast(literal("english"), REGCONFIG)
    title_options = f"HighlightAll=true, StartSel={START}, StopSel={STOP}"
    snippet_options = (f"MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}, MaxFragments=2, "
                       f'FragmentDelimiter=" … ", StartSel={START}, StopSel={STOP}')

    def _tsquery(self, query, exclusions: bool = True):
        return func.websearch_to_tsquery(self.english, query.websearch(exclusions))

    def matching(self, query) -> Select:
        # Normalisation 1 divides by 1 + log(length): a long lesson's many mentions do not bury a matching title.
        rank = func.ts_rank(self.vector, self._tsquery(query, exclusions=False), 1)
        return (select(SearchDocument.id, SearchDocument.kind, rank.label("rank"))
                .where(self.vector.op("@@")(self._tsquery(query))))

    def highlighting(self, query) -> Select:
        tsquery = self._tsquery(query)
        return select(SearchDocument.id,
                      func.ts_headline(self.english, SearchDocument.title, tsquery, self.title_options).label("title"),
                      func.ts_headline(self.english, SearchDocument.body, tsquery, self.snippet_options).label("snippet"))


class SQLite:
    fts = table("fts_search_documents", column("rowid"))
    #: the FTS5 table's own hidden column, which its ranking and snippet functions take
    hidden = literal_column("fts_search_documents")

    def _matching_rows(self, query, *columns) -> Select:
        return (select(*columns).select_from(self.fts).join(SearchDocument, SearchDocument.id == self.fts.c.rowid)
                .where(self.hidden.op("MATCH")(query.fts5())))

    def matching(self, query) -> Select:
        # bm25 is lower for better matches; the title counts ten times the body.
        rank = -func.bm25(self.hidden, 10.0, 1.0)
        return self._matching_rows(query, SearchDocument.id, SearchDocument.kind, rank.label("rank"))

    def highlighting(self, query) -> Select:
        return self._matching_rows(
            query, SearchDocument.id, func.highlight(self.hidden, 0, START, STOP).label("title"),
            func.snippet(self.hidden, 1, START, STOP, " … ", SNIPPET_WORDS).label("snippet"))


def backend() -> PostgreSQL | SQLite:
    return PostgreSQL() if db.session.get_bind().dialect.name == "postgresql" else SQLite()
