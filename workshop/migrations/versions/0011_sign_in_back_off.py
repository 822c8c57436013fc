"""sign-in back-off: failed sign-ins of an account in a row, and when it may try again

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 18:05:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "user_account",
        sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default=sa.text("0")),
    )
    op.add_column(
        "user_account", sa.Column("sign_in_after", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade():
    with op.batch_alter_table("user_account") as batch_op:
        batch_op.drop_column("sign_in_after")
        batch_op.drop_column("failed_sign_ins")
