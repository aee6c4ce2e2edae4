"""search index: search_documents, with PostgreSQL full-text search or SQLite FTS5 over it

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 06:10:00

The table is filled by `flask content load` (the loader keeps it in step with the content). Each database
gets its own full-text machinery, named `fts_...` so `flask db check` leaves it out (core.db.include_object):

- PostgreSQL: a generated tsvector column (title weighted A, body B, English stemming) and a GIN index on it;
- SQLite: an FTS5 table over title and body (porter stemming) kept in step by three triggers.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE fts_search_documents USING fts5(title, body, content='search_documents', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER fts_search_documents_insert AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO fts_search_documents(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER fts_search_documents_delete AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO fts_search_documents(fts_search_documents, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER fts_search_documents_update AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO fts_search_documents(fts_search_documents, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO fts_search_documents(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
POSTGRESQL_FTS = [
    "ALTER TABLE search_documents ADD COLUMN fts_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, body), 'B')) STORED",
    "CREATE INDEX fts_search_documents_gin ON search_documents USING gin (fts_vector)",
]


def upgrade():
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('COURSE', 'MODULE', 'LESSON', 'RESOURCE', name='documentkind', native_enum=False, length=16), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_search_documents_module_id_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('key', name=op.f('uq_search_documents_key'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_documents_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_documents_module_id'), ['module_id'], unique=False)
    for statement in POSTGRESQL_FTS if op.get_bind().dialect.name == "postgresql" else SQLITE_FTS:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE fts_search_documents")  # its triggers go with search_documents
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_documents_module_id'))
        batch_op.drop_index(batch_op.f('ix_search_documents_kind'))

    op.drop_table('search_documents')
