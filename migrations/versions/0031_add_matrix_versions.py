"""add matrix versions

Each organisation's matrix version: a token replaced in the same transaction as any change that alters a
cell of its competency matrix, under which every process keeps the matrices it has built
(`team.matrix_cache`). Organisations get theirs on the first change or the first view.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-03 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'matrix_versions',
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_matrix_versions_organisation_id_organisations'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_matrix_versions')),
    )


def downgrade():
    op.drop_table('matrix_versions')
