"""history guards: published versions and their revisions cannot be deleted, added to or
re-dated, on SQLite and PostgreSQL

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 17:45:00

Publishing writes a version's revisions first and its version row last, so a revision
being written always has valid_from = (the newest version's number) + 1, and the one write
allowed on a published revision is closing it with valid_to = that same number. The guards:

- taxonomy_version: no UPDATE, no DELETE; an INSERT only as the next number, and only when
  every revision closed at that number has its successor (a stray close would otherwise
  drop a concept from the new version without a word);
- concept_revision: INSERT only into the version being written; UPDATE only to close a
  current revision at that version (the rest of the row unchanged); no DELETE of a
  published revision;
- version_proposal: no UPDATE or DELETE;
- PostgreSQL: no TRUNCATE of these tables (it bypasses row triggers).

A row in history_maintenance (the operator's deliberate repair, or the tests emptying their
tables) lets deletes and corrections through while it is there.
"""
import sqlalchemy as sa
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

FIELDS = ("taxonomy_id", "concept_id", "valid_from", "parent", "order_key", "status",
          "replaced_by", "label_ar", "label_en", "search_text")
JSON_FIELDS = ("labels", "notes", "alt_labels", "related", "details")

OPEN = "NOT EXISTS (SELECT 1 FROM history_maintenance)"


def newest(taxonomy):
    return (f"COALESCE((SELECT MAX(number) FROM taxonomy_version "
            f"WHERE taxonomy_id = {taxonomy}), 0)")


def orphan_closes(alias):
    """Revisions closed at the new version's number without a successor."""
    return (
        "EXISTS (SELECT 1 FROM concept_revision c WHERE c.taxonomy_id = "
        f"{alias}.taxonomy_id AND c.valid_to = {alias}.number AND NOT EXISTS (SELECT 1 FROM "
        "concept_revision d WHERE d.taxonomy_id = c.taxonomy_id AND d.concept_id = "
        f"c.concept_id AND d.valid_from = {alias}.number))"
    )


SQLITE_TRIGGERS = {
    "taxonomy_version_immutable": (
        "BEFORE UPDATE ON taxonomy_version WHEN " + OPEN,
        "published versions are immutable",
    ),
    "taxonomy_version_kept": (
        "BEFORE DELETE ON taxonomy_version WHEN " + OPEN,
        "published versions cannot be deleted",
    ),
    "taxonomy_version_next": (
        f"BEFORE INSERT ON taxonomy_version WHEN {OPEN} AND (NEW.number != "
        f"{newest('NEW.taxonomy_id')} + 1 OR {orphan_closes('NEW')})",
        "a version is published as the next number, with a successor for every closed "
        "revision",
    ),
    "concept_revision_immutable": (
        f"BEFORE UPDATE ON concept_revision WHEN {OPEN} AND (OLD.valid_to IS NOT NULL OR "
        f"NEW.valid_to IS NULL OR NEW.valid_to != {newest('OLD.taxonomy_id')} + 1 OR "
        + " OR ".join(f"NEW.{f} IS NOT OLD.{f}" for f in FIELDS + JSON_FIELDS) + ")",
        "published concept revisions are immutable",
    ),
    "concept_revision_added": (
        f"BEFORE INSERT ON concept_revision WHEN {OPEN} AND (NEW.valid_to IS NOT NULL OR "
        f"NEW.valid_from != {newest('NEW.taxonomy_id')} + 1)",
        "revisions are only added to the version being published",
    ),
    "concept_revision_kept": (
        f"BEFORE DELETE ON concept_revision WHEN {OPEN} AND "
        f"OLD.valid_from <= {newest('OLD.taxonomy_id')}",
        "published concept revisions cannot be deleted",
    ),
    "version_proposal_immutable": (
        "BEFORE UPDATE ON version_proposal WHEN " + OPEN,
        "the proposals of a published version are immutable",
    ),
    "version_proposal_kept": (
        "BEFORE DELETE ON version_proposal WHEN " + OPEN,
        "the proposals of a published version cannot be deleted",
    ),
}

REVISION_ROW = ", ".join(
    [f"NEW.{f}" for f in FIELDS] + [f"NEW.{f}::text" for f in JSON_FIELDS]
), ", ".join([f"OLD.{f}" for f in FIELDS] + [f"OLD.{f}::text" for f in JSON_FIELDS])

# (table, event, condition on NEW/OLD, message, value to return when allowed)
POSTGRES_GUARDS = [
    ("taxonomy_version", "UPDATE", "TRUE", "published versions are immutable", "NEW"),
    ("taxonomy_version", "DELETE", "TRUE", "published versions cannot be deleted", "OLD"),
    (
        "taxonomy_version",
        "INSERT",
        f"NEW.number != {newest('NEW.taxonomy_id')} + 1 OR {orphan_closes('NEW')}",
        "a version is published as the next number, with a successor for every closed "
        "revision",
        "NEW",
    ),
    (
        "concept_revision",
        "UPDATE",
        f"OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL OR NEW.valid_to != "
        f"{newest('OLD.taxonomy_id')} + 1 OR ROW({REVISION_ROW[0]}) IS DISTINCT FROM "
        f"ROW({REVISION_ROW[1]})",
        "published concept revisions are immutable",
        "NEW",
    ),
    (
        "concept_revision",
        "INSERT",
        f"NEW.valid_to IS NOT NULL OR NEW.valid_from != {newest('NEW.taxonomy_id')} + 1",
        "revisions are only added to the version being published",
        "NEW",
    ),
    (
        "concept_revision",
        "DELETE",
        f"OLD.valid_from <= {newest('OLD.taxonomy_id')}",
        "published concept revisions cannot be deleted",
        "OLD",
    ),
    ("version_proposal", "UPDATE", "TRUE", "the proposals of a published version are immutable",
     "NEW"),
    ("version_proposal", "DELETE", "TRUE",
     "the proposals of a published version cannot be deleted", "OLD"),
]
TRUNCATED = ("taxonomy_version", "concept_revision", "version_proposal")


def upgrade():
    op.create_table(
        "history_maintenance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_history_maintenance")),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS taxonomy_version_immutable")
        op.execute("DROP TRIGGER IF EXISTS concept_revision_immutable")
        for name, (when, message) in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, '{message}'); END")
        return
    op.execute("DROP TRIGGER IF EXISTS taxonomy_version_immutable ON taxonomy_version")
    op.execute("DROP TRIGGER IF EXISTS concept_revision_immutable ON concept_revision")
    op.execute("DROP FUNCTION IF EXISTS taxonomy_version_immutable()")
    op.execute("DROP FUNCTION IF EXISTS concept_revision_immutable()")
    for table, event, condition, message, allowed in POSTGRES_GUARDS:
        name = f"{table}_guard_{event.lower()}"
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
            f"IF {OPEN} AND ({condition}) THEN RAISE EXCEPTION '{message}'; END IF; "
            f"RETURN {allowed}; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()"
        )
    op.execute(
        "CREATE FUNCTION history_not_truncated() RETURNS trigger AS $$ BEGIN "
        f"IF {OPEN} THEN RAISE EXCEPTION 'published history cannot be truncated'; END IF; "
        "RETURN NULL; END $$ LANGUAGE plpgsql"
    )
    for table in TRUNCATED:
        op.execute(
            f"CREATE TRIGGER {table}_not_truncated BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION history_not_truncated()"
        )


def downgrade():
    """Back to the guards of 0007: updates of published rows refused, nothing more."""
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for table, event, _condition, _message, _allowed in POSTGRES_GUARDS:
            name = f"{table}_guard_{event.lower()}"
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        for table in TRUNCATED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_not_truncated ON {table}")
        op.execute("DROP FUNCTION IF EXISTS history_not_truncated()")
    op.drop_table("history_maintenance")
    if op.get_bind().dialect.name == "sqlite":
        changed = " OR ".join(f"NEW.{f} IS NOT OLD.{f}" for f in FIELDS + JSON_FIELDS)
        op.execute(
            "CREATE TRIGGER taxonomy_version_immutable BEFORE UPDATE ON taxonomy_version "
            "BEGIN SELECT RAISE(ABORT, 'published versions are immutable'); END"
        )
        op.execute(
            "CREATE TRIGGER concept_revision_immutable BEFORE UPDATE ON concept_revision "
            f"WHEN OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL OR {changed} "
            "BEGIN SELECT RAISE(ABORT, 'published concept revisions are immutable'); END"
        )
        return
    op.execute(
        "CREATE FUNCTION taxonomy_version_immutable() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'published versions are immutable'; END $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER taxonomy_version_immutable BEFORE UPDATE ON taxonomy_version "
        "FOR EACH ROW EXECUTE FUNCTION taxonomy_version_immutable()"
    )
    op.execute(
        "CREATE FUNCTION concept_revision_immutable() RETURNS trigger AS $$ BEGIN "
        "IF OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL OR "
        f"ROW({REVISION_ROW[0]}) IS DISTINCT FROM ROW({REVISION_ROW[1]}) THEN "
        "RAISE EXCEPTION 'published concept revisions are immutable'; "
        "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
    )
    op.execute(
        "CREATE TRIGGER concept_revision_immutable BEFORE UPDATE ON concept_revision "
        "FOR EACH ROW EXECUTE FUNCTION concept_revision_immutable()"
    )
