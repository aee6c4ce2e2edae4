"""item analysis sums kept up to date

The item analysis reads running sums per question, per option and per tenth
of the grade range (first attempts and later ones apart), kept in the
transaction that finishes, marks or regrades an attempt, instead of reading
every answer on every view. The sums of the attempts already finished are
computed here from their answers, as `modules.analysis.rebuild` does (the
migration keeps its own copy of that query so that it never depends on the
models of a later version).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 06:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

BINS = 10
CHOICE_TYPES = ('single', 'multiple', 'true_false')


def _common():
    return [sa.Column('id', sa.Integer(), nullable=False), sa.Column('quiz_id', sa.Integer(), nullable=False),
            sa.Column('is_first', sa.Boolean(), nullable=False)]


def _create_tables():
    op.create_table(
        'quiz_grade_sums', *_common(),
        sa.Column('bucket', sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Integer() if name == 'n' else sa.Float(), nullable=False)
          for name in ('n', 'sum_grade', 'sum_grade2', 'sum_score', 'sum_score2')],
        sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_grade_sums_quiz_id_quizzes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_grade_sums')),
        sa.UniqueConstraint('quiz_id', 'is_first', 'bucket', name=op.f('uq_quiz_grade_sums_quiz_id_is_first_bucket')),
    )
    op.create_table(
        'quiz_item_sums', *_common(),
        sa.Column('question_id', sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Integer() if name in ('n', 'unanswered') else sa.Float(), nullable=False)
          for name in ('n', 'sum_x', 'sum_x2', 'sum_r', 'sum_r2', 'sum_xr', 'sum_points', 'unanswered')],
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'],
                                name=op.f('fk_quiz_item_sums_question_id_questions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_item_sums_quiz_id_quizzes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_item_sums')),
        sa.UniqueConstraint('quiz_id', 'is_first', 'question_id', name=op.f('uq_quiz_item_sums_quiz_id_is_first_question_id')),
    )
    op.create_table(
        'quiz_option_counts', *_common(),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('option_id', sa.String(length=200), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'],
                                name=op.f('fk_quiz_option_counts_question_id_questions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['quiz_id'], ['quizzes.id'], name=op.f('fk_quiz_option_counts_quiz_id_quizzes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_option_counts')),
        sa.UniqueConstraint('quiz_id', 'is_first', 'question_id', 'option_id',
                            name=op.f('uq_quiz_option_counts_quiz_id_is_first_question_id_option_id')),
    )
    for table, columns in (('quiz_grade_sums', ['quiz_id']), ('quiz_item_sums', ['question_id']),
                           ('quiz_item_sums', ['quiz_id']), ('quiz_option_counts', ['question_id']),
                           ('quiz_option_counts', ['quiz_id'])):
        op.create_index(op.f(f'ix_{table}_{columns[0]}'), table, columns, unique=False)


def _backfill():
    connection = op.get_bind()
    attempts = sa.table('quiz_attempts', sa.column('id'), sa.column('quiz_id'), sa.column('number'),
                        sa.column('state'), sa.column('score'), sa.column('grade'))
    answers = sa.table('quiz_attempt_answers', sa.column('attempt_id'), sa.column('question_id'),
                       sa.column('choice_key'), sa.column('score'), sa.column('points'))
    questions = sa.table('questions', sa.column('id'), sa.column('type'))
    finished = attempts.c.state.in_(['GRADED', 'MARKED'])
    first = sa.case((attempts.c.number == 1, True), else_=False)
    bucket = sa.case(*[(attempts.c.grade < 100 * (i + 1) / BINS, i) for i in range(BINS - 1)], else_=BINS - 1)
    grade_rows = [
        {'quiz_id': quiz_id, 'is_first': bool(is_first), 'bucket': row_bucket, 'n': count,
         'sum_grade': s1 or 0.0, 'sum_grade2': s2 or 0.0, 'sum_score': s3 or 0.0, 'sum_score2': s4 or 0.0}
        for quiz_id, is_first, row_bucket, count, s1, s2, s3, s4 in connection.execute(
            sa.select(attempts.c.quiz_id, first, bucket, sa.func.count(), sa.func.sum(attempts.c.grade),
                      sa.func.sum(attempts.c.grade * attempts.c.grade), sa.func.sum(attempts.c.score),
                      sa.func.sum(attempts.c.score * attempts.c.score))
            .where(finished).group_by(attempts.c.quiz_id, first, bucket))]
    x, rest = answers.c.score, attempts.c.score - answers.c.score
    items, options = {}, {}
    for quiz_id, is_first, question_id, kind, choice_key, count, *values in connection.execute(
            sa.select(attempts.c.quiz_id, first, answers.c.question_id, questions.c.type, answers.c.choice_key,
                      sa.func.count(), sa.func.sum(x), sa.func.sum(x * x), sa.func.sum(rest),
                      sa.func.sum(rest * rest), sa.func.sum(x * rest), sa.func.sum(answers.c.points))
            .select_from(answers.join(attempts, attempts.c.id == answers.c.attempt_id)
                         .join(questions, questions.c.id == answers.c.question_id))
            .where(finished)
            .group_by(attempts.c.quiz_id, first, answers.c.question_id, questions.c.type, answers.c.choice_key)):
        key = (quiz_id, bool(is_first), question_id)
        total = items.setdefault(key, [0] * 8)
        for index, value in enumerate([count, *values, count if choice_key is None else 0]):
            total[index] += value or 0
        if choice_key is not None and kind in CHOICE_TYPES:
            for option_id in choice_key.split(','):
                options[key + (option_id,)] = options.get(key + (option_id,), 0) + count
    names = ('n', 'sum_x', 'sum_x2', 'sum_r', 'sum_r2', 'sum_xr', 'sum_points', 'unanswered')
    item_rows = [{'quiz_id': quiz_id, 'is_first': is_first, 'question_id': question_id, **dict(zip(names, values))}
                 for (quiz_id, is_first, question_id), values in items.items()]
    option_rows = [{'quiz_id': quiz_id, 'is_first': is_first, 'question_id': question_id, 'option_id': option_id,
                    'n': count} for (quiz_id, is_first, question_id, option_id), count in options.items()]
    for name, rows in (('quiz_grade_sums', grade_rows), ('quiz_item_sums', item_rows),
                       ('quiz_option_counts', option_rows)):
        if rows:
            table = sa.table(name, *[sa.column(column) for column in rows[0]])
            connection.execute(table.insert(), rows)


def upgrade():
    _create_tables()
    _backfill()


def downgrade():
    op.drop_table('quiz_option_counts')
    op.drop_table('quiz_item_sums')
    op.drop_table('quiz_grade_sums')
