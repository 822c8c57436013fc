"""version diff guards: a kept diff is written with its version and never changed or
deleted afterwards, on SQLite and PostgreSQL

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 14:15:00

A kept diff is shown as the diff of a published version without being checked against
the versions, so it is guarded like them (0010_history_guards):

- INSERT only for the newest version of its taxonomy (the one being published; the
  version row is written first);
- no UPDATE, no DELETE (it goes with its version when an operator deletes history under
  maintenance: ON DELETE CASCADE passes the same guard);
- PostgreSQL: no TRUNCATE (it bypasses row triggers).

A row in history_maintenance lets deletes and corrections through while it is there.
"""
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

OPEN = "NOT EXISTS (SELECT 1 FROM history_maintenance)"


def not_newest(version_id):
    """The version is not the newest of its taxonomy."""
    return (
        f"{version_id} != (SELECT n.id FROM taxonomy_version n WHERE n.taxonomy_id = "
        f"(SELECT v.taxonomy_id FROM taxonomy_version v WHERE v.id = {version_id}) "
        "ORDER BY n.number DESC LIMIT 1)"
    )


ADDED = "a diff is kept only for the version being published"
IMMUTABLE = "the kept diff of a published version is immutable"
KEPT = "the kept diff of a published version cannot be deleted"

SQLITE_TRIGGERS = {
    "version_diff_added": (f"BEFORE INSERT ON version_diff WHEN {OPEN} AND "
                           f"{not_newest('NEW.version_id')}", ADDED),
    "version_diff_immutable": (f"BEFORE UPDATE ON version_diff WHEN {OPEN}", IMMUTABLE),
    "version_diff_kept": (f"BEFORE DELETE ON version_diff WHEN {OPEN}", KEPT),
}

# (event, condition on NEW/OLD, message, value to return when allowed)
POSTGRES_GUARDS = [
    ("INSERT", not_newest("NEW.version_id"), ADDED, "NEW"),
    ("UPDATE", "TRUE", IMMUTABLE, "NEW"),
    ("DELETE", "TRUE", KEPT, "OLD"),
]


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name, (when, message) in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, '{message}'); END")
        return
    for event, condition, message, allowed in POSTGRES_GUARDS:
        name = f"version_diff_guard_{event.lower()}"
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
            f"IF {OPEN} AND ({condition}) THEN RAISE EXCEPTION '{message}'; END IF; "
            f"RETURN {allowed}; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {name} BEFORE {event} ON version_diff "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()"
        )
    # history_not_truncated() comes from 0010.
    op.execute(
        "CREATE TRIGGER version_diff_not_truncated BEFORE TRUNCATE ON version_diff "
        "FOR EACH STATEMENT EXECUTE FUNCTION history_not_truncated()"
    )


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    for event, _condition, _message, _allowed in POSTGRES_GUARDS:
        name = f"version_diff_guard_{event.lower()}"
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON version_diff")
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.execute("DROP TRIGGER IF EXISTS version_diff_not_truncated ON version_diff")
