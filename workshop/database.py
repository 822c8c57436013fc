"""Engine settings and schema set-up shared by the CLI, the demo and the tests."""

from __future__ import annotations

import os
import time
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, exc

from .models import db

# A pooled connection idle for longer than this is tested before use (the database may have
# restarted meanwhile). Testing every one, as pool_pre_ping does, was a round trip in front
# of every request: two for each poll of a hall's 160 phones, and the same for each ballot.
IDLE_PING_SECONDS = 5.0
IDLE_SINCE = "workshop.idle_since"


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        dialect = engine.dialect

        def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
            idle_since = record.info.get(IDLE_SINCE)
            if idle_since is None or time.monotonic() - idle_since < IDLE_PING_SECONDS:
                return
            try:
                dialect.do_ping(dbapi_connection)
            except Exception as error:
                # The pool drops this connection and checks out another (new if need be).
                raise exc.DisconnectionError(f"a pooled connection failed: {error}") from error

        event.listen(engine, "checkin", _note_idle)
        event.listen(engine, "checkout", ping_if_idle)


def _note_idle(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info[IDLE_SINCE] = time.monotonic()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while one writer commits; SQLite leaves foreign keys off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


# Search indexes of one engine each (migration 0005), not in the models: an FTS5 table and
# its shadow tables on SQLite, a GIN trigram index on PostgreSQL.
ENGINE_SPECIFIC = ("concept_search", "ix_concept_revision_search_trgm")


def in_models(_object: Any, name: str | None, _kind: str, _reflected: bool, _to: Any) -> bool:
    """For Alembic's comparison: leave out the engine-specific search indexes."""
    return not (name or "").startswith(ENGINE_SPECIFIC)


def upgrade_schema() -> None:
    """Bring the database to the newest migration (inside an app context). A SQLite file
    is made readable by the server's user only (its -wal and -shm files follow its mode)."""
    upgrade()
    database = db.engine.url.database
    if db.engine.dialect.name == "sqlite" and database and database != ":memory:":
        os.chmod(database, 0o600)


def schema_is_current() -> bool:
    """True when the database is at the newest migration (inside an app context)."""
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from flask import current_app

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    with db.engine.connect() as connection:
        heads = set(MigrationContext.configure(connection).get_current_heads())
    return heads == set(script.get_heads())
