"""SQLite writers of one process queue on a lock that hands over at commit, rollback or
close; readers never wait for it."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from workshop import sqlite_writers
from workshop.sqlite_writers import QueuedWriterConnection


def connect(path: Path) -> QueuedWriterConnection:
    connection = sqlite3.connect(path, factory=QueuedWriterConnection, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout=10000")
    assert isinstance(connection, QueuedWriterConnection)
    return connection


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "writers.db"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE ballot (agency INTEGER PRIMARY KEY)")
    return path


def test_a_second_writer_waits_for_the_first_to_commit(database: Path) -> None:
    first, second = connect(database), connect(database)
    first.execute("INSERT INTO ballot VALUES (1)")
    assert first.writing and first.writer_lock.locked()
    done = threading.Event()

    def write() -> None:
        second.execute("INSERT INTO ballot VALUES (2)")
        second.commit()
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    assert not done.wait(0.2)  # queued behind the first, not failing
    first.commit()
    assert done.wait(5)
    writer.join()
    assert not first.writer_lock.locked()
    assert sorted(r[0] for r in first.execute("SELECT agency FROM ballot")) == [1, 2]
    first.close()
    second.close()


def test_reads_do_not_queue(database: Path) -> None:
    writer, reader = connect(database), connect(database)
    writer.execute("INSERT INTO ballot VALUES (1)")
    assert reader.execute("SELECT count(*) FROM ballot").fetchone() == (0,)  # WAL snapshot
    assert not reader.writing
    writer.rollback()
    assert not writer.writer_lock.locked()
    writer.close()
    reader.close()


def test_rollback_and_close_give_the_lock_back(database: Path) -> None:
    connection = connect(database)
    connection.execute("INSERT INTO ballot VALUES (1)")
    connection.rollback()
    assert not connection.writer_lock.locked()
    connection.execute("UPDATE ballot SET agency = 3")
    connection.close()
    other = connect(database)
    other.execute("INSERT INTO ballot VALUES (4)")  # would wait 10 s if the lock were kept
    other.commit()
    other.close()


def test_a_writer_that_waits_too_long_is_told_the_database_is_locked(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_writers, "WAIT_SECONDS", 0.1)
    first, second = connect(database), connect(database)
    first.execute("INSERT INTO ballot VALUES (1)")
    began = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        second.execute("INSERT INTO ballot VALUES (2)")
    assert time.monotonic() - began < 2
    assert not second.writing
    first.rollback()
    first.close()
    second.close()


def test_the_app_s_sqlite_connections_queue_their_writers(tmp_path: Path) -> None:
    from workshop import create_app
    from workshop.models import db

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "test"})
    with app.app_context():
        raw = db.session.connection().connection.dbapi_connection
        assert isinstance(raw, QueuedWriterConnection)
        db.session.remove()
        db.engine.dispose()
