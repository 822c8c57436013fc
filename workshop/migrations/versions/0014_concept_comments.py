"""comments on concepts: a comment is about a proposal or about a concept of a taxonomy
(by its id, across versions), never both

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 20:20:00
"""
import sqlalchemy as sa
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ONE_SUBJECT = "(proposal_id IS NULL) <> (concept_id IS NULL) AND " \
    "(concept_id IS NULL) = (taxonomy_id IS NULL)"


def upgrade():
    with op.batch_alter_table("comment") as batch:
        batch.alter_column("proposal_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("taxonomy_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("concept_id", sa.String(length=200), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_comment_taxonomy_id_taxonomy"), "taxonomy", ["taxonomy_id"], ["id"]
        )
        batch.create_index(
            batch.f("ix_comment_taxonomy_id_comment_concept_id"), ["taxonomy_id", "concept_id"],
            unique=False,
        )
        batch.create_check_constraint(batch.f("ck_comment_one_subject"), ONE_SUBJECT)


def downgrade():
    op.execute("DELETE FROM comment_edit WHERE comment_id IN "
               "(SELECT id FROM comment WHERE proposal_id IS NULL)")
    op.execute("DELETE FROM comment WHERE proposal_id IS NULL AND parent_id IS NOT NULL")
    op.execute("DELETE FROM comment WHERE proposal_id IS NULL")
    with op.batch_alter_table("comment") as batch:
        batch.drop_constraint(batch.f("ck_comment_one_subject"), type_="check")
        batch.drop_index(batch.f("ix_comment_taxonomy_id_comment_concept_id"))
        batch.drop_constraint(batch.f("fk_comment_taxonomy_id_taxonomy"), type_="foreignkey")
        batch.drop_column("concept_id")
        batch.drop_column("taxonomy_id")
        batch.alter_column("proposal_id", existing_type=sa.Integer(), nullable=False)
