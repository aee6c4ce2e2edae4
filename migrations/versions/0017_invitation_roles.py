"""invitation roles

Invitations carry the role accepting them gives (trainee, project leader or
mentor); a mentor's invitation belongs to no project, and an address has at
most one of those.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 06:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role', sa.Enum('TRAINEE', 'LEADER', 'MENTOR', name='invitationrole',
                                                      native_enum=False, length=16),
                                      nullable=False, server_default='TRAINEE'))
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index('uq_invitations_mentor_email', ['email'], unique=True,
                              sqlite_where=sa.text('organisation_id IS NULL'),
                              postgresql_where=sa.text('organisation_id IS NULL'))


def downgrade():
    op.execute("DELETE FROM invitations WHERE organisation_id IS NULL")
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index('uq_invitations_mentor_email')
        batch_op.alter_column('organisation_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('role')
