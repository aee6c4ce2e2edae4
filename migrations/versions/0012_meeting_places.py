"""meeting places

Mentors set a default place to meet (a video link, a phone number or a
room); each booking carries its own copy, which the mentor may change.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 05:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

PLACE_KIND = sa.Enum('VIDEO', 'PHONE', 'ROOM', name='placekind', native_enum=False, length=16)


def upgrade():
    for table in ('mentor_profiles', 'bookings'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('place_kind', PLACE_KIND, nullable=True))
            batch_op.add_column(sa.Column('place_value', sa.String(length=500), nullable=False, server_default=''))


def downgrade():
    for table in ('bookings', 'mentor_profiles'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('place_value')
            batch_op.drop_column('place_kind')
