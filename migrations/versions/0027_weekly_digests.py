"""the leaders' weekly digest: the choice, and the digests sent

A leader ticks the weekly digest in their e-mail settings (off for everyone
until then); sent_digests holds one row per leader and week, whose unique key
makes `flask team send-digests` send each week's digest once.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('weekly_digest', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('sent_digests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('week_starting', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['leader_id'], ['users.id'], name=op.f('fk_sent_digests_leader_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_digests')),
    sa.UniqueConstraint('leader_id', 'week_starting', name='uq_sent_digests_once')
    )


def downgrade():
    op.drop_table('sent_digests')
    with op.batch_alter_table('notification_settings', schema=None) as batch_op:
        batch_op.drop_column('weekly_digest')
