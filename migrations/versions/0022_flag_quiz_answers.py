"""flag quiz answers for later

A trainee can flag any question of an attempt to come back to; the flag is
kept on the answer row, so it survives a reload or a resumed attempt.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 06:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempt_answers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flagged', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('quiz_attempt_answers', schema=None) as batch_op:
        batch_op.drop_column('flagged')
