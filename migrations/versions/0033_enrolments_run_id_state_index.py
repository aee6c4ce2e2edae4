"""enrolments: index run_id with state

Seats taken per run (`enrolments` counted by run and state) are then read from the index alone, so the
catalogue counts every upcoming run's seats without visiting the rows. The index replaces the one on run_id,
which it begins with.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-03 12:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_enrolments_run_id_state', ['run_id', 'state'], unique=False)
        batch_op.drop_index('ix_enrolments_run_id')


def downgrade():
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_enrolments_run_id', ['run_id'], unique=False)
        batch_op.drop_index('ix_enrolments_run_id_state')
