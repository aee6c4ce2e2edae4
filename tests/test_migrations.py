from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from core.db import include_object


def test_migrations_match_the_models(app, db):
    """`flask db check`: the schema built by the migrations is exactly what the models describe."""
    # The test's own connection: on SQLite another one would wait for the write lock its transaction holds.
    context = MigrationContext.configure(db.session.connection(),
                                         opts={"compare_type": True, "include_object": include_object})
    differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_foreign_key_is_indexed(app, db):
    missing = []
    for table in db.metadata.sorted_tables:
        indexed = {tuple(col.name for col in index.columns) for index in table.indexes}
        indexed |= {tuple(col.name for col in c.columns) for c in table.constraints if getattr(c, "columns", None)}
        for key in table.foreign_keys:
            column = key.parent.name
            if not any(cols[0] == column for cols in indexed):
                missing.append(f"{table.name}.{column}")
    assert missing == []
