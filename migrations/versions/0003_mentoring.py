"""add mentoring: profiles, availability, bookings and series, calendar feeds

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 06:49:20.071104

On PostgreSQL two exclusion constraints make overlapping confirmed bookings
impossible (for the mentor, buffer included, and for the learner); they need
the btree_gist extension for the `=` on the id columns. SQLite has neither;
there the application checks inside a BEGIN IMMEDIATE transaction.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('booking_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('every_weeks', sa.Integer(), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booking_series')),
    sa.UniqueConstraint('request_key', name=op.f('uq_booking_series_request_key'))
    )
    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('booked_by_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('CONFIRMED', 'CANCELLED', name='bookingstate', native_enum=False, length=16), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('blocked_from', sa.DateTime(), nullable=False),
    sa.Column('blocked_until', sa.DateTime(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('uid', sa.String(length=100), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('attendance', sa.Enum('ATTENDED', 'NO_SHOW', name='attendance', native_enum=False, length=16), nullable=True),
    sa.Column('private_note', sa.Text(), nullable=False),
    sa.Column('shared_note', sa.Text(), nullable=False),
    sa.Column('action_points', sa.Text(), nullable=False),
    sa.Column('reminder_due_at', sa.DateTime(), nullable=True),
    sa.Column('reminder_sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['booked_by_id'], ['users.id'], name=op.f('fk_bookings_booked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_bookings_cancelled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['learner_id'], ['users.id'], name=op.f('fk_bookings_learner_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_bookings_mentor_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_bookings_module_id_modules'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['series_id'], ['booking_series.id'], name=op.f('fk_bookings_series_id_booking_series'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings')),
    sa.UniqueConstraint('request_key', name=op.f('uq_bookings_request_key')),
    sa.UniqueConstraint('uid', name=op.f('uq_bookings_uid'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bookings_booked_by_id'), ['booked_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_cancelled_by_id'), ['cancelled_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_module_id'), ['module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_reminder_due_at'), ['reminder_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_bookings_state'), ['state'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute("ALTER TABLE bookings ADD CONSTRAINT ex_bookings_mentor_overlap EXCLUDE USING gist "
                   "(mentor_id WITH =, tsrange(blocked_from, blocked_until) WITH &&) WHERE (state = 'CONFIRMED')")
        op.execute("ALTER TABLE bookings ADD CONSTRAINT ex_bookings_learner_overlap EXCLUDE USING gist "
                   "(learner_id WITH =, tsrange(starts_at, ends_at) WITH &&) WHERE (state = 'CONFIRMED')")

    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token', name=op.f('uq_calendar_feeds_token')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id'))
    )
    op.create_table('mentor_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mentor_id', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('session_lengths', sa.JSON(), nullable=False),
    sa.Column('buffer_minutes', sa.Integer(), nullable=False),
    sa.Column('notice_hours', sa.Integer(), nullable=False),
    sa.Column('horizon_weeks', sa.Integer(), nullable=False),
    sa.Column('cancel_cutoff_hours', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_mentor_profiles_mentor_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentor_profiles')),
    sa.UniqueConstraint('mentor_id', name=op.f('uq_mentor_profiles_mentor_id'))
    )
    op.create_table('availability_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.ForeignKeyConstraint(['profile_id'], ['mentor_profiles.id'], name=op.f('fk_availability_overrides_profile_id_mentor_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_overrides'))
    )
    with op.batch_alter_table('availability_overrides', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_availability_overrides_profile_id'), ['profile_id'], unique=False)

    op.create_table('availability_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['mentor_profiles.id'], name=op.f('fk_availability_windows_profile_id_mentor_profiles'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_windows'))
    )
    with op.batch_alter_table('availability_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_availability_windows_profile_id'), ['profile_id'], unique=False)



def downgrade():
    with op.batch_alter_table('availability_windows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_availability_windows_profile_id'))

    op.drop_table('availability_windows')
    with op.batch_alter_table('availability_overrides', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_availability_overrides_profile_id'))

    op.drop_table('availability_overrides')
    op.drop_table('mentor_profiles')
    op.drop_table('calendar_feeds')
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bookings_state'))
        batch_op.drop_index(batch_op.f('ix_bookings_starts_at'))
        batch_op.drop_index(batch_op.f('ix_bookings_series_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_reminder_due_at'))
        batch_op.drop_index(batch_op.f('ix_bookings_module_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_learner_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_cancelled_by_id'))
        batch_op.drop_index(batch_op.f('ix_bookings_booked_by_id'))

    op.drop_table('bookings')
    op.drop_table('booking_series')
