"""Engine settings and schema set-up shared by the CLI, the demo and the tests."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event

from .models import db


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers go on while one writer commits; SQLite leaves foreign keys off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def upgrade_schema() -> None:
    """Bring the database to the newest migration (inside an app context)."""
    upgrade()
