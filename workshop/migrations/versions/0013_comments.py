"""comments on proposals: threads, objections and questions, edits kept, hidden by a
coordinator with a reason, threads resolved

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 18:15:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_reason", sa.Text(), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"],
                                name=op.f("fk_comment_agency_id_agency")),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"],
                                name=op.f("fk_comment_author_id_user_account")),
        sa.ForeignKeyConstraint(["hidden_by_id"], ["user_account.id"],
                                name=op.f("fk_comment_hidden_by_id_user_account")),
        sa.ForeignKeyConstraint(["parent_id"], ["comment.id"],
                                name=op.f("fk_comment_parent_id_comment")),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"],
                                name=op.f("fk_comment_proposal_id_proposal")),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["user_account.id"],
                                name=op.f("fk_comment_resolved_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    op.create_index(op.f("ix_comment_proposal_id"), "comment", ["proposal_id"], unique=False)
    op.create_table(
        "comment_edit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comment.id"],
                                name=op.f("fk_comment_edit_comment_id_comment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_edit")),
    )
    op.create_index(op.f("ix_comment_edit_comment_id"), "comment_edit", ["comment_id"],
                    unique=False)


def downgrade():
    op.drop_index(op.f("ix_comment_edit_comment_id"), table_name="comment_edit")
    op.drop_table("comment_edit")
    op.drop_index(op.f("ix_comment_proposal_id"), table_name="comment")
    op.drop_table("comment")
