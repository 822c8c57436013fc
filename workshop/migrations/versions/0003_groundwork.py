"""groundwork: the proposals of a version in a link table; every column in constraint names

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 12:30:00

The naming convention now names a composite unique constraint after all its columns, so the
two composite constraints that existed are renamed. `taxonomy_version.proposals` (a JSON list
of ints) becomes the table `version_proposal`; its rows are carried over.

SQLite alters a table by copying it, which drops its triggers: the immutability trigger of
each copied table is created again, as migration 0002 wrote it.
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

OLD_VERSION_UQ = "uq_taxonomy_version_taxonomy_id"
NEW_VERSION_UQ = "uq_taxonomy_version_taxonomy_id_number"
OLD_REVISION_UQ = "uq_concept_revision_taxonomy_id"
NEW_REVISION_UQ = "uq_concept_revision_taxonomy_id_concept_id_valid_from"

REVISION_FIELDS = ("taxonomy_id", "concept_id", "valid_from", "parent", "position", "status",
                   "replaced_by", "label_ar", "label_en", "search_text")
JSON_FIELDS = ("labels", "notes", "alt_labels", "related")


def sqlite_guards():
    changed = " OR ".join(f"NEW.{f} IS NOT OLD.{f}" for f in REVISION_FIELDS + JSON_FIELDS)
    op.execute("DROP TRIGGER IF EXISTS taxonomy_version_immutable")
    op.execute("DROP TRIGGER IF EXISTS concept_revision_immutable")
    op.execute(
        "CREATE TRIGGER taxonomy_version_immutable BEFORE UPDATE ON taxonomy_version "
        "BEGIN SELECT RAISE(ABORT, 'published versions are immutable'); END"
    )
    op.execute(
        "CREATE TRIGGER concept_revision_immutable BEFORE UPDATE ON concept_revision "
        f"WHEN OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL OR {changed} "
        "BEGIN SELECT RAISE(ABORT, 'published concept revisions are immutable'); END"
    )


def rename_unique(table, old, new, columns):
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(table, recreate="always") as batch_op:
            batch_op.drop_constraint(old, type_="unique")
            batch_op.create_unique_constraint(new, columns)
    else:
        op.execute(f'ALTER TABLE {table} RENAME CONSTRAINT "{old}" TO "{new}"')


def upgrade():
    bind = op.get_bind()
    versions = sa.table("taxonomy_version", sa.column("id", sa.Integer),
                        sa.column("proposals", sa.JSON))
    carried = [(row.id, list(row.proposals or []))
               for row in bind.execute(sa.select(versions.c.id, versions.c.proposals))]

    with op.batch_alter_table("taxonomy_version", recreate="auto") as batch_op:
        batch_op.drop_column("proposals")
    rename_unique("taxonomy_version", OLD_VERSION_UQ, NEW_VERSION_UQ, ["taxonomy_id", "number"])
    rename_unique("concept_revision", OLD_REVISION_UQ, NEW_REVISION_UQ,
                  ["taxonomy_id", "concept_id", "valid_from"])
    if bind.dialect.name == "sqlite":
        sqlite_guards()

    link = op.create_table(
        "version_proposal",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["taxonomy_version.id"],
                                name=op.f("fk_version_proposal_version_id_taxonomy_version")),
        sa.PrimaryKeyConstraint("version_id", "proposal_id", name=op.f("pk_version_proposal")),
    )
    rows = [{"version_id": version_id, "proposal_id": int(p), "position": i}
            for version_id, proposals in carried
            for i, p in enumerate(dict.fromkeys(proposals))]
    if rows:
        op.bulk_insert(link, rows)


def downgrade():
    bind = op.get_bind()
    link = sa.table("version_proposal", sa.column("version_id", sa.Integer),
                    sa.column("proposal_id", sa.Integer), sa.column("position", sa.Integer))
    carried: dict[int, list[int]] = {}
    for row in bind.execute(sa.select(link).order_by(link.c.version_id, link.c.position)):
        carried.setdefault(row.version_id, []).append(row.proposal_id)
    op.drop_table("version_proposal")
    rename_unique("concept_revision", NEW_REVISION_UQ, OLD_REVISION_UQ,
                  ["taxonomy_id", "concept_id", "valid_from"])
    rename_unique("taxonomy_version", NEW_VERSION_UQ, OLD_VERSION_UQ, ["taxonomy_id", "number"])
    with op.batch_alter_table("taxonomy_version", recreate="auto") as batch_op:
        batch_op.add_column(sa.Column("proposals", sa.JSON(), nullable=False,
                                      server_default="[]"))
    if bind.dialect.name == "sqlite":
        sqlite_guards()
    else:
        # Filling the column back is an update of published rows: the guard steps aside.
        op.execute("ALTER TABLE taxonomy_version DISABLE TRIGGER taxonomy_version_immutable")
    versions = sa.table("taxonomy_version", sa.column("id", sa.Integer),
                        sa.column("proposals", sa.JSON))
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS taxonomy_version_immutable")
    for version_id, proposals in carried.items():
        bind.execute(versions.update().where(versions.c.id == version_id)
                     .values(proposals=proposals))
    if bind.dialect.name == "sqlite":
        sqlite_guards()
    else:
        op.execute("ALTER TABLE taxonomy_version ENABLE TRIGGER taxonomy_version_immutable")
