"""events: conferences and workshops, their programmes and speakers

An event has a programme of sessions (talks, panels, workshops, breaks) in
rooms or streams, each with its speakers (profiles shared across events)
and the curriculum modules it relates to.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 05:33:05.723755

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('speakers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('biography', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speakers'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('conference', 'workshop', 'webinar', name='eventkind', native_enum=False, length=16), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('audience', sa.String(length=300), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=False),
    sa.Column('online_link', sa.String(length=500), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('registration_opens_at', sa.DateTime(), nullable=False),
    sa.Column('registration_closes_at', sa.DateTime(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=True),
    sa.Column('is_published', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organiser_id'], ['users.id'], name=op.f('fk_events_organiser_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_ends_at'), ['ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_organiser_id'), ['organiser_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_starts_at'), ['starts_at'], unique=False)

    op.create_table('event_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('talk', 'panel', 'workshop', 'break', name='sessionkind', native_enum=False, length=16), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('room', sa.String(length=120), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_sessions_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_sessions'))
    )
    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_sessions_event_id'), ['event_id'], unique=False)

    op.create_table('event_session_modules',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_event_session_modules_module_id_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_event_session_modules_session_id_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'module_id', name=op.f('pk_event_session_modules'))
    )
    with op.batch_alter_table('event_session_modules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_session_modules_module_id'), ['module_id'], unique=False)

    op.create_table('event_session_speakers',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('speaker_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_event_session_speakers_session_id_event_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['speaker_id'], ['speakers.id'], name=op.f('fk_event_session_speakers_speaker_id_speakers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', 'speaker_id', name=op.f('pk_event_session_speakers'))
    )
    with op.batch_alter_table('event_session_speakers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_session_speakers_speaker_id'), ['speaker_id'], unique=False)



def downgrade():
    with op.batch_alter_table('event_session_speakers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_session_speakers_speaker_id'))

    op.drop_table('event_session_speakers')
    with op.batch_alter_table('event_session_modules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_session_modules_module_id'))

    op.drop_table('event_session_modules')
    with op.batch_alter_table('event_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_sessions_event_id'))

    op.drop_table('event_sessions')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_starts_at'))
        batch_op.drop_index(batch_op.f('ix_events_organiser_id'))
        batch_op.drop_index(batch_op.f('ix_events_ends_at'))

    op.drop_table('events')
    op.drop_table('speakers')
