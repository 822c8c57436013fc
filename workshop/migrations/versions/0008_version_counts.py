"""version counts: how many concepts a version annotated (synonyms, codes, links, other
notes) and brought back from retirement

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 15:40:00

Versions are immutable (a trigger refuses updates), so versions published before this
revision keep 0 in both columns: they were counted as they were published.
"""
import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    for name in ("annotated", "reinstated"):
        op.add_column(
            "taxonomy_version",
            sa.Column(name, sa.Integer(), nullable=False, server_default=sa.text("0")),
        )


def downgrade():
    with op.batch_alter_table("taxonomy_version") as batch_op:
        batch_op.drop_column("reinstated")
        batch_op.drop_column("annotated")
