"""The search index: one row per thing a search can find in the curriculum, derived from the content tables.

Rows are written only by `search.index.sync()`, which the content loader triggers (the `content_loaded`
signal), so the index changes in the transaction that changes the content. The full-text machinery is
each database's own and is built by the migration, outside these models (`core.db.include_object`):

- PostgreSQL: `search_documents.fts_vector`, a generated `tsvector` (title weighted A, body B) with the
  GIN index `fts_search_documents_gin`;
- SQLite: the FTS5 table `fts_search_documents` (porter stemming) over this table's title and body,
  kept in step by triggers on insert, update and delete.
"""
import enum

from sqlalchemy import Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db


class DocumentKind(enum.Enum):
    COURSE = "course"
    MODULE = "module"
    LESSON = "lesson"
    RESOURCE = "resource"


class SearchDocument(db.Model):
    __tablename__ = "search_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what it indexes, stable across loads: "course:<slug>", "lesson:<module>/<lesson>", "resource:<module>/sources/0"
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[DocumentKind] = mapped_column(Enum(DocumentKind, native_enum=False, length=16), index=True)
    #: the module it belongs to (a module's own document too); lessons are found only where it may be read
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    #: the course's or the lesson's slug, for its address; "" for modules and resources
    slug: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(Text)
    #: plain text (Markdown rendered and its tags removed), so snippets show words, not markup
    body: Mapped[str] = mapped_column(Text, default="")
    #: resources: the external address; "" for everything else
    url: Mapped[str] = mapped_column(Text, default="")
    #: resources: "Further reading" or "Source"
    label: Mapped[str] = mapped_column(String(40), default="")
