"""Configuration: defaults, then instance/config.py, then WORKSHOP_* environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, ClassVar

import orjson
from flask import Flask

SECRET_KEY_FILE = "secret_key"


class Defaults:
    """Settings a fresh install runs with; every one can be overridden."""

    DATABASE_URL: str | None = None  # None: SQLite file in the instance folder
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = {
        # Connections idle for a while are tested before use instead (database.py).
        "pool_pre_ping": False,
        # Reading a version decodes four JSON columns per concept: orjson is ~5x faster.
        "json_serializer": lambda value: orjson.dumps(value).decode(),
        "json_deserializer": orjson.loads,
    }
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SECURE_COOKIES = False
    BABEL_DEFAULT_LOCALE = "ar"
    # Times are stored in UTC and shown in the hall's zone (WORKSHOP_TIMEZONE).
    TIMEZONE = "Asia/Kuwait"
    LANGUAGES = ("ar", "en")
    CLI_LOCALE = "en"  # messages of the command line, read by the people who run the server
    # Failed sign-ins per username and address, and per address alone (looser: the whole
    # hall may share one NAT address). Each account also backs off after 5 failures from
    # anywhere (services/accounts.py).
    LOGIN_RATE_LIMIT = "10 per minute"
    LOGIN_ADDRESS_RATE_LIMIT = "60 per 10 minutes"
    # Behind a reverse proxy: how many proxies in front set X-Forwarded-For/-Proto/-Host
    # (0: none; the client's address is the connection's).
    PROXY_COUNT = 0
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    MAX_UPLOAD_MB = 20
    # What one import may hold (taxonomy/formats/limits.py): far above any real
    # classification, low enough that a hostile file is refused in seconds.
    IMPORT_MAX_CONCEPTS = 300_000
    IMPORT_MAX_COLUMNS = 500
    IMPORT_MAX_CELL_CHARS = 131_072
    IMPORT_MAX_CELLS = 10_000_000
    IMPORT_MAX_UNZIPPED_MB = 300
    PUBLIC_VERSIONS = False  # True: the read API answers without a token
    # How long each process answers "unchanged" polls from the revision it last read
    # (web/live_polls.py), and gives the live part it last rendered during a burst of
    # ballots (web/live_parts.py): a change reaches the screens at most this much later.
    # 0.1 s rendered the live parts up to 80 times a second in a burst on 4 processes.
    LIVE_POLL_FRESH_SECONDS = 0.25
    # Redis (redis://host:6379/0): exports and rendered fragments kept for every worker
    # process and across restarts. None: each process keeps its own (caching.py).
    CACHE_URL: str | None = None
    WTF_CSRF_TIME_LIMIT = None  # a workshop day is long; the token lives as long as the session
    # Pages and API answers are compressed when the client accepts it (Flask-Compress);
    # exports are compressed once and kept with them (web/downloads.py).
    COMPRESS_MIMETYPES: ClassVar[list[str]] = [
        "text/html",
        "application/json",
        "text/css",
        "text/javascript",
        "application/javascript",
        "image/svg+xml",
    ]
    COMPRESS_ALGORITHM: ClassVar[list[str]] = ["br", "gzip"]
    COMPRESS_BR_LEVEL = 4
    COMPRESS_MIN_SIZE = 1024
    DEMO_HOST = "127.0.0.1"
    DEMO_PORT = 5000


def load(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill app.config in the documented order and derive the settings that depend on others."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("WORKSHOP")
    if test_config is not None:
        app.config.update(test_config)

    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(
        app.config.get("DATABASE_URL"), Path(app.instance_path)
    )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        from .sqlite_writers import QueuedWriterConnection

        options = dict(app.config["SQLALCHEMY_ENGINE_OPTIONS"])
        options["connect_args"] = {
            **options.get("connect_args", {}),
            "factory": QueuedWriterConnection,
        }
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if app.config["SECURE_COOKIES"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["MAX_CONTENT_LENGTH"] = int(float(app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = persistent_secret(Path(app.instance_path))


def database_uri(url: str | None, instance: Path) -> str:
    """Turn the configured URL into a SQLAlchemy URI; psycopg 3 is the PostgreSQL driver."""
    if not url:
        return f"sqlite:///{instance / 'workshop.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def persistent_secret(instance: Path) -> str:
    """Read the instance secret, creating it once (mode 0600) so sessions survive restarts."""
    path = instance / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # O_EXCL: two workers starting together must not both write a key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
