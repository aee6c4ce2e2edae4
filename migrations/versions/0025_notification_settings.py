"""notification settings and per-person session reminders

Each person's choice of session reminders and e-mailed notices (no row: the
defaults, which are what everyone got before). Reminders sent become rows of
sent_reminders, one per (booking, person, reminder, start) under a unique key,
replacing bookings.reminder_due_at/reminder_sent_at (one reminder per booking);
reminders already sent are carried over for both people, so none goes twice.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('remind_day_before', sa.Boolean(), nullable=False),
    sa.Column('remind_hour_before', sa.Boolean(), nullable=False),
    sa.Column('email_notes_shared', sa.Boolean(), nullable=False),
    sa.Column('email_sign_off_steps', sa.Boolean(), nullable=False),
    sa.Column('email_marking_finished', sa.Boolean(), nullable=False),
    sa.Column('email_run_changes', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_settings'))
    )
    op.create_table('sent_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('minutes_before', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_sent_reminders_booking_id_bookings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sent_reminders_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_reminders')),
    sa.UniqueConstraint('booking_id', 'user_id', 'minutes_before', 'starts_at', name='uq_sent_reminders_once')
    )
    with op.batch_alter_table('sent_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_reminders_user_id'), ['user_id'], unique=False)

    for person in ('mentor_id', 'learner_id'):
        op.execute(f"INSERT INTO sent_reminders (booking_id, user_id, minutes_before, starts_at, sent_at) "
                   f"SELECT id, {person}, 1440, starts_at, reminder_sent_at FROM bookings "
                   f"WHERE reminder_sent_at IS NOT NULL")
    # Plain ALTER TABLE (SQLite 3.35+ and PostgreSQL) rather than a batch copy of bookings, whose PostgreSQL
    # exclusion constraints a copy would have to rebuild.
    op.drop_index('ix_bookings_reminder_due_at', table_name='bookings')
    op.execute("ALTER TABLE bookings DROP COLUMN reminder_due_at")
    op.execute("ALTER TABLE bookings DROP COLUMN reminder_sent_at")


def downgrade():
    op.add_column('bookings', sa.Column('reminder_due_at', sa.DateTime(), nullable=True))
    op.add_column('bookings', sa.Column('reminder_sent_at', sa.DateTime(), nullable=True))
    op.create_index('ix_bookings_reminder_due_at', 'bookings', ['reminder_due_at'], unique=False)
    op.execute("UPDATE bookings SET reminder_sent_at = (SELECT min(sent_at) FROM sent_reminders r "
               "WHERE r.booking_id = bookings.id AND r.minutes_before = 1440 AND r.starts_at = bookings.starts_at)")
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE bookings SET reminder_due_at = starts_at - interval '24 hours'")
    else:
        op.execute("UPDATE bookings SET reminder_due_at = datetime(starts_at, '-24 hours')")
    with op.batch_alter_table('sent_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_reminders_user_id'))
    op.drop_table('sent_reminders')
    op.drop_table('notification_settings')
