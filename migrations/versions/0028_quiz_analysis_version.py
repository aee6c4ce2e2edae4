"""quiz analysis version

A token replaced in the transaction that changes a quiz's item analysis sums, so the analysis page can be
cached under a key that names the figures it shows.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 08:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('analysis_version', sa.String(length=16), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_column('analysis_version')
