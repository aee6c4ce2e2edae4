"""event messages

What organisers e-mailed an event's registrants (subject, Markdown body,
audience, how many), with the form's request key unique so a double submit
sends once.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-03 08:57:50.970028

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('audience', sa.Enum('registered', 'waitlisted', 'checked_in', name='messageaudience', native_enum=False, length=16), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_messages_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_event_messages_sent_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_messages')),
    sa.UniqueConstraint('request_key', name=op.f('uq_event_messages_request_key'))
    )
    with op.batch_alter_table('event_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_messages_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_messages_sent_by_id'), ['sent_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('event_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_messages_sent_by_id'))
        batch_op.drop_index(batch_op.f('ix_event_messages_event_id'))

    op.drop_table('event_messages')
