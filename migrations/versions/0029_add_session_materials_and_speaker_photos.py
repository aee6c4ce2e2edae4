"""add session materials and speaker photos

A programme session's recordings (https links) and slides (files stored
under UPLOAD_FOLDER by a random key); a speaker's optional photo, by key.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 08:41:34.708196

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('session_materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('recording', 'slides', name='materialkind', native_enum=False, length=16), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_type', sa.String(length=100), nullable=False),
    sa.Column('file_key', sa.String(length=64), nullable=True),
    sa.Column('file_size', sa.Integer(), nullable=False),
    sa.Column('request_key', sa.String(length=64), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['event_sessions.id'], name=op.f('fk_session_materials_session_id_event_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_materials')),
    sa.UniqueConstraint('file_key', name=op.f('uq_session_materials_file_key')),
    sa.UniqueConstraint('request_key', name=op.f('uq_session_materials_request_key'))
    )
    with op.batch_alter_table('session_materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_materials_session_id'), ['session_id'], unique=False)

    with op.batch_alter_table('speakers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('photo_key', sa.String(length=64), nullable=True))



def downgrade():
    with op.batch_alter_table('speakers', schema=None) as batch_op:
        batch_op.drop_column('photo_key')

    with op.batch_alter_table('session_materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_materials_session_id'))

    op.drop_table('session_materials')
