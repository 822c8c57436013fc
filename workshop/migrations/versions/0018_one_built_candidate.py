"""merge candidates: one built (current) candidate per taxonomy, kept by a unique index;
older duplicates left by two builds at the same moment become replaced

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 06:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

WHERE = sa.text("status = 'built'")


def upgrade():
    # The newest built candidate of each taxonomy stays current, as candidates.current read it.
    op.execute(
        "UPDATE merge_candidate SET status = 'replaced' WHERE status = 'built' AND id < "
        "(SELECT max(newer.id) FROM merge_candidate AS newer "
        "WHERE newer.taxonomy_id = merge_candidate.taxonomy_id AND newer.status = 'built')"
    )
    op.create_index(
        'uq_merge_candidate_one_built',
        'merge_candidate',
        ['taxonomy_id'],
        unique=True,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade():
    op.drop_index('uq_merge_candidate_one_built', table_name='merge_candidate')
