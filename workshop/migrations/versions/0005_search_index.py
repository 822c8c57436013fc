"""search index: trigram indexes over the normalised labels, for as-you-type search

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 12:50:00

SQLite: an FTS5 table with the trigram tokenizer over concept_revision.search_text
(external content; triggers add each new revision and drop deleted ones). PostgreSQL: a GIN
trigram index (pg_trgm) that plain LIKE '%...%' uses. Revisions are never updated, so the
indexes are only ever added to. These objects are specific to one engine and live outside
the SQLAlchemy models (tests/web/test_migrations.py leaves them out of the comparison).
"""
import sqlalchemy as sa
from alembic import op


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE concept_search USING fts5(search_text, "
            "content='concept_revision', content_rowid='id', tokenize='trigram')"
        )
        op.execute("INSERT INTO concept_search(concept_search) VALUES ('rebuild')")
        op.execute(
            "CREATE TRIGGER concept_search_add AFTER INSERT ON concept_revision BEGIN "
            "INSERT INTO concept_search(rowid, search_text) VALUES (new.id, new.search_text); "
            "END"
        )
        op.execute(
            "CREATE TRIGGER concept_search_drop AFTER DELETE ON concept_revision BEGIN "
            "INSERT INTO concept_search(concept_search, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END"
        )
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # The operator class named by the schema the extension lives in: a database whose
    # extension sits outside this schema's search path (installed once, in public, for
    # several schemas) has it all the same.
    schema = op.get_bind().scalar(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    )
    op.execute(
        "CREATE INDEX ix_concept_revision_search_trgm ON concept_revision "
        f'USING gin (search_text "{schema}".gin_trgm_ops)'
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS concept_search_add")
        op.execute("DROP TRIGGER IF EXISTS concept_search_drop")
        op.execute("DROP TABLE IF EXISTS concept_search")
        return
    op.execute("DROP INDEX IF EXISTS ix_concept_revision_search_trgm")
