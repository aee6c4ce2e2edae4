"""quiz attempts, answers, adjustments and regrades

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 06:50:21.087030

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('extra_minutes', sa.Integer(), nullable=False),
    sa.Column('extra_attempts', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_quiz_adjustments_granted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_adjustments_quiz_id_quizzes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_adjustments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_adjustments')),
    sa.UniqueConstraint('quiz_id', 'user_id', name=op.f('uq_quiz_adjustments_quiz_id_user_id'))
    )
    with op.batch_alter_table('quiz_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_adjustments_granted_by_id'), ['granted_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_adjustments_quiz_id'), ['quiz_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_adjustments_user_id'), ['user_id'], unique=False)

    op.create_table('quiz_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('IN_PROGRESS', 'SUBMITTED', 'GRADED', 'AWAITING_MARKING', 'MARKED', name='attemptstate', native_enum=False, length=20), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('deadline_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('last_page', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('grade', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_attempts_quiz_id_quizzes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiz_attempts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempts')),
    sa.UniqueConstraint('quiz_id', 'user_id', 'number', name=op.f('uq_quiz_attempts_quiz_id_user_id_number'))
    )
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempts_quiz_id'), ['quiz_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempts_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempts_user_id'), ['user_id'], unique=False)
        batch_op.create_index('uq_quiz_attempts_one_in_progress', ['quiz_id', 'user_id'], unique=True, sqlite_where=sa.text("state = 'IN_PROGRESS'"), postgresql_where=sa.text("state = 'IN_PROGRESS'"))

    op.create_table('quiz_attempt_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('option_order', sa.JSON(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.Column('choice_key', sa.String(length=200), nullable=True),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('needs_marking', sa.Boolean(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=True),
    sa.Column('marked_by_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempts.id'], name=op.f('fk_quiz_attempt_answers_attempt_id_quiz_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by_id'], ['users.id'], name=op.f('fk_quiz_attempt_answers_marked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_quiz_attempt_answers_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempt_answers')),
    sa.UniqueConstraint('attempt_id', 'question_id', name=op.f('uq_quiz_attempt_answers_attempt_id_question_id'))
    )
    with op.batch_alter_table('quiz_attempt_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempt_answers_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempt_answers_marked_by_id'), ['marked_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempt_answers_needs_marking'), ['needs_marking'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempt_answers_question_id'), ['question_id'], unique=False)

    op.create_table('quiz_regrades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('old_score', sa.Float(), nullable=True),
    sa.Column('new_score', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['quiz_attempt_answers.id'], name=op.f('fk_quiz_regrades_answer_id_quiz_attempt_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_quiz_regrades_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_quiz_regrades_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_regrades'))
    )
    with op.batch_alter_table('quiz_regrades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_regrades_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_regrades_by_id'), ['by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_regrades_question_id'), ['question_id'], unique=False)



def downgrade():
    with op.batch_alter_table('quiz_regrades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_regrades_question_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_regrades_by_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_regrades_answer_id'))

    op.drop_table('quiz_regrades')
    with op.batch_alter_table('quiz_attempt_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_answers_question_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_answers_needs_marking'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_answers_marked_by_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempt_answers_attempt_id'))

    op.drop_table('quiz_attempt_answers')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index('uq_quiz_attempts_one_in_progress', sqlite_where=sa.text("state = 'IN_PROGRESS'"), postgresql_where=sa.text("state = 'IN_PROGRESS'"))
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_user_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_state'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_quiz_id'))

    op.drop_table('quiz_attempts')
    with op.batch_alter_table('quiz_adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_adjustments_user_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_adjustments_quiz_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_adjustments_granted_by_id'))

    op.drop_table('quiz_adjustments')
