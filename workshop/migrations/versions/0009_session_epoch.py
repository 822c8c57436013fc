"""session epoch: sign-out and password changes end every session of the account

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 16:05:00

A session stores "user id:epoch"; raising the epoch makes every older session, including
a copied cookie, anonymous. Sessions made before this revision (holding the bare id) end
at the upgrade: everyone signs in once more.
"""
import sqlalchemy as sa
from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "user_account",
        sa.Column("session_epoch", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )


def downgrade():
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("session_epoch")
