"""Test databases: SQLite always, PostgreSQL when one answers (in a fresh schema per run)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

POSTGRES_URL = os.environ.get(
    "WORKSHOP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def postgres_unavailable_reason() -> str | None:
    """None when PostgreSQL answers, else why not (shown as the skip reason)."""
    try:
        engine = sa.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as error:  # any failure to connect means: skip those runs
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {first_line}"
    return None


@contextmanager
def sqlite_database(folder: Path) -> Iterator[str]:
    yield f"sqlite:///{folder / 'test.db'}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A schema of its own for this test run, dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        shared_extensions(connection)
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def shared_extensions(connection: sa.Connection) -> None:
    """pg_trgm in public, once for every run: created by a run's migration it would live in
    that run's schema, and go (with the search indexes of every other run) when the schema
    is dropped; a run stopped before dropping it left every later run without it."""
    connection.execute(sa.text("SELECT pg_advisory_xact_lock(7352)"))  # runs side by side
    connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    found = connection.scalar(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'pg_trgm'"
        )
    )
    if found != "public":
        connection.execute(sa.text("ALTER EXTENSION pg_trgm SET SCHEMA public"))


def empty_tables(engine: sa.Engine, metadata: sa.MetaData) -> None:
    """Delete every row, children first, keeping the schema (and the migration stamp).
    Published history is deleted the way an operator would: under a maintenance row."""
    maintenance = metadata.tables["history_maintenance"]
    with engine.begin() as connection:
        connection.execute(maintenance.insert().values(reason="tests empty their tables"))
        for table in reversed(metadata.sorted_tables):
            if table is not maintenance:
                connection.execute(table.delete())
        connection.execute(maintenance.delete())
