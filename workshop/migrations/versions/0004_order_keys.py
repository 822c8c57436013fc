"""order keys: siblings sort by a sparse key, so a version writes rows for what changed only

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 12:30:00

`concept_revision.position` (0..n-1, which shifted for every later sibling when one was
inserted) becomes `order_key`, a 64-bit key with gaps. The existing positions are valid keys
(ascending among siblings), so no row is rewritten. The immutability guards name the column,
so they are made again with the new name.
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

FIELDS = ("taxonomy_id", "concept_id", "valid_from", "parent", "{order}", "status",
          "replaced_by", "label_ar", "label_en", "search_text")
JSON_FIELDS = ("labels", "notes", "alt_labels", "related")


def guards(order: str) -> None:
    fields = tuple(f.format(order=order) for f in FIELDS)
    if op.get_bind().dialect.name == "sqlite":
        changed = " OR ".join(f"NEW.{f} IS NOT OLD.{f}" for f in fields + JSON_FIELDS)
        op.execute("DROP TRIGGER IF EXISTS concept_revision_immutable")
        op.execute(
            "CREATE TRIGGER concept_revision_immutable BEFORE UPDATE ON concept_revision "
            f"WHEN OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL OR {changed} "
            "BEGIN SELECT RAISE(ABORT, 'published concept revisions are immutable'); END"
        )
        return
    new = ", ".join([f"NEW.{f}" for f in fields] + [f"NEW.{f}::text" for f in JSON_FIELDS])
    old = ", ".join([f"OLD.{f}" for f in fields] + [f"OLD.{f}::text" for f in JSON_FIELDS])
    op.execute(
        "CREATE OR REPLACE FUNCTION concept_revision_immutable() RETURNS trigger AS $$ BEGIN "
        f"IF OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL OR ROW({new}) IS DISTINCT FROM "
        f"ROW({old}) THEN RAISE EXCEPTION 'published concept revisions are immutable'; "
        "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
    )


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # SQLite renames the column inside the trigger too; INTEGER is already 64-bit.
        op.execute("ALTER TABLE concept_revision RENAME COLUMN position TO order_key")
    else:
        op.execute("ALTER TABLE concept_revision RENAME COLUMN position TO order_key")
        op.alter_column("concept_revision", "order_key", type_=sa.BigInteger(),
                        existing_type=sa.Integer(), existing_nullable=False)
    guards("order_key")


def downgrade():
    # Keys are not positions: rows written with gaps would need renumbering, which the
    # guards forbid on published rows. Going back is only possible before any such write.
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("concept_revision", "order_key", type_=sa.Integer(),
                        existing_type=sa.BigInteger(), existing_nullable=False)
    op.execute("ALTER TABLE concept_revision RENAME COLUMN order_key TO position")
    guards("position")
