"""concept details: hidden labels, codes, mapping links, other notes and IRIs are stored

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 14:30:00

One JSON column holds the SKOS fields a concept may carry besides its labels, scope note,
synonyms and related links (which keep their own columns). Existing rows get {}: they
never had these fields, because imports dropped them before this revision.
"""
import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'concept_revision',
        sa.Column('details', sa.JSON(), nullable=False, server_default=sa.text("'{}'")),
    )


def downgrade():
    with op.batch_alter_table('concept_revision') as batch_op:
        batch_op.drop_column('details')
