"""lesson HTML stored, and the curriculum's version token

Each lesson keeps its page HTML, rendered and sanitised once when the content
is loaded (existing lessons are rendered here), so the lesson page no longer
renders Markdown on every view. `curriculum_versions` holds the token the
loader replaces on every change, which tells each process that its cached
structure of the curriculum is out of date.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 06:00:00

"""
from alembic import op
import sqlalchemy as sa

from core.markdown import render_lesson


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=False, server_default=''))
    connection = op.get_bind()
    lessons = sa.table('lessons', sa.column('id', sa.Integer), sa.column('title', sa.String),
                       sa.column('body', sa.Text), sa.column('html', sa.Text))
    for lesson_id, title, body in connection.execute(sa.select(lessons.c.id, lessons.c.title, lessons.c.body)).all():
        connection.execute(lessons.update().where(lessons.c.id == lesson_id).values(html=render_lesson(title, body)))
    op.create_table(
        'curriculum_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('loaded_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_curriculum_versions')),
    )


def downgrade():
    op.drop_table('curriculum_versions')
    with op.batch_alter_table('lessons', schema=None) as batch_op:
        batch_op.drop_column('html')
