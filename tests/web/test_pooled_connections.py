"""Pooled connections (workshop/database.py): one idle for a while is tested before use and
replaced if the database dropped it; a busy one is used without a round trip."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.pool import NullPool

from workshop import database
from workshop.models import db


def drop_behind_the_pools_back(engine) -> None:
    """The pool's one connection is closed on the database's side (as a restart does)."""
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        pid = (
            connection.execute(text("SELECT pg_backend_pid()")).scalar()
            if (engine.dialect.name == "postgresql")
            else None
        )
    if pid is None:
        raw.close()  # SQLite: the file handle is gone
        return
    outside = create_engine(engine.url, poolclass=NullPool)  # not from the pool
    with outside.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    outside.dispose()


@pytest.fixture
def one_engine(make_app):
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 2, "pool_pre_ping": False})
    with app.app_context():
        yield db.engine


def test_an_idle_connection_dropped_by_the_database_is_replaced(one_engine, monkeypatch):
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 0.0)
    drop_behind_the_pools_back(one_engine)
    with one_engine.connect() as connection:
        assert connection.execute(select(1)).scalar() == 1


def test_without_the_test_the_dropped_connection_fails(one_engine, monkeypatch):
    """What the test above guards against (and what a busy connection risks for a few
    seconds after a restart)."""
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", 3600.0)
    drop_behind_the_pools_back(one_engine)
    with pytest.raises(Exception), one_engine.connect() as connection:  # noqa: B017
        connection.execute(select(1))


def test_a_busy_connection_is_used_without_a_round_trip(one_engine):
    statements: list[str] = []
    event.listen(one_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with one_engine.connect() as connection:
        connection.execute(select(1))
    with one_engine.connect() as connection:
        connection.execute(select(2))
    assert len(statements) == 2  # no "SELECT 1" in front of each
