"""search folding: stored search texts fold Arabic spellings and hold codes and notes;
the guard that keeps published revisions unchanged covers the details column

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 15:10:00

Every revision's search_text is written again with `storage.writing.search_text` (the
code of this release: a later change of the folding comes with its own migration). That
is an update of published rows, so the guard is dropped for it and made again, now with
the details column of 0006 among the columns it protects.
"""
import orjson
import sqlalchemy as sa
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

FIELDS = ("taxonomy_id", "concept_id", "valid_from", "parent", "order_key", "status",
          "replaced_by", "label_ar", "label_en", "search_text")
JSON_FIELDS = ("labels", "notes", "alt_labels", "related", "details")
BATCH = 2000


def guards(json_fields):
    if op.get_bind().dialect.name == "sqlite":
        changed = " OR ".join(f"NEW.{f} IS NOT OLD.{f}" for f in FIELDS + json_fields)
        op.execute("DROP TRIGGER IF EXISTS concept_revision_immutable")
        op.execute(
            "CREATE TRIGGER concept_revision_immutable BEFORE UPDATE ON concept_revision "
            f"WHEN OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL OR {changed} "
            "BEGIN SELECT RAISE(ABORT, 'published concept revisions are immutable'); END"
        )
        return
    new = ", ".join([f"NEW.{f}" for f in FIELDS] + [f"NEW.{f}::text" for f in json_fields])
    old = ", ".join([f"OLD.{f}" for f in FIELDS] + [f"OLD.{f}::text" for f in json_fields])
    op.execute(
        "CREATE OR REPLACE FUNCTION concept_revision_immutable() RETURNS trigger AS $$ BEGIN "
        f"IF OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL OR ROW({new}) IS DISTINCT FROM "
        f"ROW({old}) THEN RAISE EXCEPTION 'published concept revisions are immutable'; "
        "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
    )


def _unguarded():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS concept_revision_immutable")
    else:
        op.execute(
            "CREATE OR REPLACE FUNCTION concept_revision_immutable() RETURNS trigger AS $$ "
            "BEGIN RETURN NEW; END $$ LANGUAGE plpgsql"
        )


def _json(value):
    return orjson.loads(value) if isinstance(value, (str, bytes)) else (value or {})


def rewrite_search_texts():
    from workshop.storage.writing import search_text
    from workshop.taxonomy import details as concept_details
    from workshop.taxonomy import make_concept

    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT id, concept_id, labels, notes, alt_labels, related, details "
                "FROM concept_revision WHERE id > :last ORDER BY id LIMIT :n"
            ),
            {"last": last, "n": BATCH},
        ).fetchall()
        if not rows:
            break
        updates = []
        for row_id, concept_id, labels, notes, alt, related, more in rows:
            record = {**_json(more), "alt_labels": _json(alt), "related": _json(related) or []}
            concept = make_concept(
                concept_id, _json(labels), _json(notes),
                details=concept_details.from_record(record),
            )
            updates.append({"id": row_id, "text": search_text(concept)})
        bind.execute(
            sa.text("UPDATE concept_revision SET search_text = :text WHERE id = :id"), updates
        )
        last = rows[-1][0]
    if bind.dialect.name == "sqlite":
        op.execute("INSERT INTO concept_search(concept_search) VALUES ('rebuild')")


def upgrade():
    _unguarded()
    rewrite_search_texts()
    guards(JSON_FIELDS)


def downgrade():
    # The folded texts stay (they are a superset of what 0006 searched); the guard goes
    # back to the columns 0006 knew.
    guards(JSON_FIELDS[:-1])
