"""add learning plans

Each person's learning plan (proposed from a needs assessment), its items
(modules, goals, action points), and the append-only history of its changes.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 06:09:43.093808

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('mentor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('package_sessions', sa.Integer(), nullable=True),
    sa.Column('package_every_weeks', sa.Integer(), nullable=False),
    sa.Column('package_minutes', sa.Integer(), nullable=False),
    sa.Column('package_topics', sa.JSON(), nullable=False),
    sa.Column('package_reason', sa.Text(), nullable=False),
    sa.Column('package_agreed_at', sa.DateTime(), nullable=True),
    sa.Column('package_agreed_by_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_plans_assessment_id_assessments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mentor_id'], ['users.id'], name=op.f('fk_plans_mentor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['package_agreed_by_id'], ['users.id'], name=op.f('fk_plans_package_agreed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['users.id'], name=op.f('fk_plans_person_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['series_id'], ['booking_series.id'], name=op.f('fk_plans_series_id_booking_series'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plans')),
    sa.UniqueConstraint('person_id', name=op.f('uq_plans_person_id'))
    )
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plans_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plans_mentor_id'), ['mentor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plans_package_agreed_by_id'), ['package_agreed_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plans_series_id'), ['series_id'], unique=False)

    op.create_table('plan_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_plan_changes_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_changes_plan_id_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_changes'))
    )
    with op.batch_alter_table('plan_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_changes_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_changes_by_id'), ['by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_changes_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('MODULE', 'GOAL', 'ACTION', name='planitemkind', native_enum=False, length=16), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('success_criteria', sa.Text(), nullable=False),
    sa.Column('target_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_plan_items_booking_id_bookings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_plan_items_done_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_plan_items_module_id_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_items_plan_id_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_plan_items_run_id_runs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_items'))
    )
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_items_booking_id'), ['booking_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_items_done_by_id'), ['done_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_items_module_id'), ['module_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_items_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_items_run_id'), ['run_id'], unique=False)



def downgrade():
    with op.batch_alter_table('plan_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_items_run_id'))
        batch_op.drop_index(batch_op.f('ix_plan_items_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_items_module_id'))
        batch_op.drop_index(batch_op.f('ix_plan_items_done_by_id'))
        batch_op.drop_index(batch_op.f('ix_plan_items_booking_id'))

    op.drop_table('plan_items')
    with op.batch_alter_table('plan_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_changes_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_changes_by_id'))
        batch_op.drop_index(batch_op.f('ix_plan_changes_at'))

    op.drop_table('plan_changes')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plans_series_id'))
        batch_op.drop_index(batch_op.f('ix_plans_package_agreed_by_id'))
        batch_op.drop_index(batch_op.f('ix_plans_mentor_id'))
        batch_op.drop_index(batch_op.f('ix_plans_assessment_id'))

    op.drop_table('plans')
