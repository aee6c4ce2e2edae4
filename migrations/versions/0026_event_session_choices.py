"""event session choices

Sessions in parallel streams may need a choice, with places of their own
(`event_sessions.choice_capacity`); each registered person's choices are rows
of `event_session_choices`, one per person and session.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 08:44:09.665330

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_session_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('CHOSEN', 'DROPPED', name='sessionchoicestate', native_enum=False, length=16), nullable=False),
    sa.Column('state_changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['event_registrations.id'], name=op.f('fk_event_session_choices_registration_id_event_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_event_session_choices_session_id_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_session_choices')),
    sa.UniqueConstraint('registration_id', 'session_id', name=op.f('uq_event_session_choices_registration_id_session_id'))
    )
    with op.batch_alter_table('event_session_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_session_choices_session_id'), ['session_id'], unique=False)

    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('choice_capacity', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.drop_column('choice_capacity')

    with op.batch_alter_table('event_session_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_session_choices_session_id'))

    op.drop_table('event_session_choices')
