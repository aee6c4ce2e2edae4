"""event check-ins and attendance certificates

One check-in per registration and day (the unique constraint makes two
organisers scanning the same person one check-in); an attendance certificate
per registration, with its public verification code.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 06:47:49.954134

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['event_registrations.id'], name=op.f('fk_attendance_certificates_registration_id_event_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_certificates')),
    sa.UniqueConstraint('code', name=op.f('uq_attendance_certificates_code')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_attendance_certificates_registration_id'))
    )
    op.create_table('event_check_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(), nullable=False),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_event_check_ins_checked_in_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['event_registrations.id'], name=op.f('fk_event_check_ins_registration_id_event_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_check_ins')),
    sa.UniqueConstraint('registration_id', 'day', name=op.f('uq_event_check_ins_registration_id_day'))
    )
    with op.batch_alter_table('event_check_ins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_check_ins_checked_in_by_id'), ['checked_in_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('event_check_ins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_check_ins_checked_in_by_id'))

    op.drop_table('event_check_ins')
    op.drop_table('attendance_certificates')
