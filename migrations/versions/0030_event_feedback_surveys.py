"""event feedback surveys

An event's survey settings (closing time, names shown to administrators, when
attendees were asked), one response per person and event (overall rating and
comments) and a rating per session; ratings are checked to be 1 to 5.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03 08:41:56.093268

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('overall', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('overall BETWEEN 1 AND 5', name=op.f('ck_feedback_responses_overall_from_1_to_5')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_feedback_responses_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feedback_responses_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_responses')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_feedback_responses_event_id_user_id'))
    )
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_responses_user_id'), ['user_id'], unique=False)

    op.create_table('feedback_surveys',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('names_to_admins', sa.Boolean(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_feedback_surveys_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', name=op.f('pk_feedback_surveys'))
    )
    op.create_table('feedback_session_ratings',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_feedback_session_ratings_rating_from_1_to_5')),
    sa.ForeignKeyConstraint(['response_id'], ['feedback_responses.id'], name=op.f('fk_feedback_session_ratings_response_id_feedback_responses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_feedback_session_ratings_session_id_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'session_id', name=op.f('pk_feedback_session_ratings'))
    )
    with op.batch_alter_table('feedback_session_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_session_ratings_session_id'), ['session_id'], unique=False)



def downgrade():
    with op.batch_alter_table('feedback_session_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_session_ratings_session_id'))

    op.drop_table('feedback_session_ratings')
    op.drop_table('feedback_surveys')
    with op.batch_alter_table('feedback_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_responses_user_id'))

    op.drop_table('feedback_responses')
