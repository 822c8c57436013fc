"""version diffs: the changes from a version's parent, kept when it is published, with the
concepts a diff page shows

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 10:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    # Versions published before this have none: their diffs are computed when asked.
    op.create_table(
        'version_diff',
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('format', sa.Integer(), nullable=False),
        sa.Column('document', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['taxonomy_version.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('version_id'),
    )


def downgrade():
    op.drop_table('version_diff')
