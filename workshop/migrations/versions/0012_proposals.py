"""proposals: change sets against a base version, their status history; the proposals a
version incorporates now refer to them

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 18:00:00

On SQLite, adding the foreign key to version_proposal rebuilds that table, which drops its
triggers (0010): they are made again.
"""
import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

OPEN = "NOT EXISTS (SELECT 1 FROM history_maintenance)"
VERSION_PROPOSAL_TRIGGERS = {
    "version_proposal_immutable": (
        "BEFORE UPDATE ON version_proposal WHEN " + OPEN,
        "the proposals of a published version are immutable",
    ),
    "version_proposal_kept": (
        "BEFORE DELETE ON version_proposal WHEN " + OPEN,
        "the proposals of a published version cannot be deleted",
    ),
}


def upgrade():
    op.create_table(
        "proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("taxonomy_id", sa.Integer(), nullable=False),
        sa.Column("base_number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("change_count", sa.Integer(), nullable=False),
        sa.Column("touches", sa.JSON(), nullable=False),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"],
                                name=op.f("fk_proposal_agency_id_agency")),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"],
                                name=op.f("fk_proposal_author_id_user_account")),
        sa.ForeignKeyConstraint(["superseded_by_id"], ["proposal.id"],
                                name=op.f("fk_proposal_superseded_by_id_proposal")),
        sa.ForeignKeyConstraint(["taxonomy_id"], ["taxonomy.id"],
                                name=op.f("fk_proposal_taxonomy_id_taxonomy")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal")),
    )
    op.create_index(op.f("ix_proposal_agency_id"), "proposal", ["agency_id"], unique=False)
    op.create_index("ix_proposal_taxonomy_id_status", "proposal", ["taxonomy_id", "status"],
                    unique=False)
    op.create_table(
        "proposal_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["user_account.id"],
                                name=op.f("fk_proposal_event_actor_id_user_account")),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"],
                                name=op.f("fk_proposal_event_proposal_id_proposal")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_event")),
    )
    op.create_index(op.f("ix_proposal_event_proposal_id"), "proposal_event", ["proposal_id"],
                    unique=False)
    _version_proposal_key(add=True)


def downgrade():
    _version_proposal_key(add=False)
    op.drop_index(op.f("ix_proposal_event_proposal_id"), table_name="proposal_event")
    op.drop_table("proposal_event")
    op.drop_index("ix_proposal_taxonomy_id_status", table_name="proposal")
    op.drop_index(op.f("ix_proposal_agency_id"), table_name="proposal")
    op.drop_table("proposal")


def _version_proposal_key(add):
    name = op.f("fk_version_proposal_proposal_id_proposal")
    sqlite = op.get_bind().dialect.name == "sqlite"
    with op.batch_alter_table("version_proposal", recreate="always" if sqlite else "auto") as batch:
        if add:
            batch.create_foreign_key(name, "proposal", ["proposal_id"], ["id"])
        else:
            batch.drop_constraint(name, type_="foreignkey")
    if sqlite:
        for trigger, (when, message) in VERSION_PROPOSAL_TRIGGERS.items():
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            op.execute(
                f"CREATE TRIGGER {trigger} {when} BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
