"""account deactivation

When an account was deactivated (someone left their project); cleared on reactivation. Who did it is
in the audit log. A plain added column, so SQLite does not rebuild `users` (whose rebuild would fire
the ON DELETE CASCADE of every table that refers to it).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 06:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(), nullable=True))


def downgrade():
    # ALTER TABLE ... DROP COLUMN: rebuilding users on SQLite would cascade-delete what refers to it.
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('deactivated_at')
