"""Fixtures shared by all tests: an app on each database engine, clients, users."""

from __future__ import annotations

import contextvars
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from werkzeug.routing.rules import Rule
from werkzeug.security import generate_password_hash

from tests.databases import (
    empty_tables,
    postgres_database,
    postgres_unavailable_reason,
    sqlite_database,
)
from workshop import create_app
from workshop.models import Agency, Role, User, db

PASSWORD = "correct-horse-42"
ENGINES = ["sqlite", "postgresql"]


def _share_compiled_url_builders() -> None:
    """Each test builds an app, and most of create_app's 70 ms went to werkzeug compiling a
    URL builder for each of the ~90 routes from Python source, the same for every app. A
    builder depends only on the rule's parsed parts and defaults (it reads the converters
    through its `self` argument when called), so the compiled function is shared between
    apps; each rule still binds it to itself. Tests only: a server builds one app."""
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:
        return  # another werkzeug: every app compiles its own, as before (slower, not wrong)
    compiled: dict[Any, Any] = {}

    def shared(self: Rule, append_unknown: bool = True) -> Any:
        key = (
            self.rule,
            tuple(self._trace),
            tuple(sorted((k, repr(v)) for k, v in (self.defaults or {}).items())),
            tuple((k, type(c), c.regex) for k, c in sorted(self._converters.items())),
            append_unknown,
        )
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = shared  # type: ignore[method-assign]


_share_compiled_url_builders()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked engine_independent (pages, translations, forms, the browser) run on
    SQLite only: running them on PostgreSQL too would test nothing more."""
    chosen, dropped = [], []
    for item in items:
        on_postgres = "[postgresql" in item.nodeid or "-postgresql" in item.nodeid
        if on_postgres and item.get_closest_marker("engine_independent"):
            dropped.append(item)
        else:
            chosen.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = chosen


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI the PostgreSQL runs are part of the job: a missing server fails the run instead
    of turning half the database tests into skips (a developer machine only skips them)."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        reason = postgres_unavailable_reason()
        if reason:
            pytest.exit(f"CI needs PostgreSQL for the database tests. {reason}", returncode=1)


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One real (werkzeug default) hash, computed once: hashing is deliberately slow."""
    return generate_password_hash(PASSWORD)


@pytest.fixture(scope="session", params=ENGINES)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database per engine for the whole run."""
    if request.param == "postgresql":
        reason = postgres_unavailable_reason()
        if reason:
            pytest.skip(reason)
        context = postgres_database()
    else:
        context = sqlite_database(tmp_path_factory.mktemp("sqlite"))
    with context as url:
        app = create_app(app_config(url, tmp_path_factory.mktemp("instance")))
        with app.app_context():
            from workshop.database import upgrade_schema

            upgrade_schema()
            db.engine.dispose()
        yield url


def app_config(url: str, instance: Path, **overrides: Any) -> dict[str, Any]:
    config = {
        "TESTING": True,
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        # A poll sees a change at once (tests/web/test_live_polls.py covers the default).
        "LIVE_POLL_FRESH_SECONDS": 0,
    }
    config.update(overrides)
    return config


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The tests hold an app context to use the database; without this, requests would share it
    and its cached state (the signed-in user, the chosen locale) from one request to the next.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.rollback()  # end the test's snapshot so it sees what the request wrote
        return response


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app on the run's database with config overrides; the tables start empty."""
    apps: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        forget_live_parts()
        app = create_app(app_config(database_url, tmp_path / "instance", **overrides))
        app.test_client_class = IsolatedClient
        apps.append(app)
        return app

    yield build
    from workshop.services import import_jobs

    import_jobs.wait_until_idle()  # a background import must not outlive its test's tables
    for app in apps:
        with app.app_context():
            db.session.remove()
            empty_tables(db.engine, db.metadata)
            db.engine.dispose()


def forget_live_parts() -> None:
    """A test's app starts as a new server process does: without the live parts another
    test's workshop left in this process. They are kept by workshop id for a moment even
    when its revision moved (web/live_parts.py), and emptied tables give the next test's
    workshop the same id."""
    from workshop.web import live_parts

    live_parts.SHARED.clear()
    live_parts.ITEMS.clear()
    live_parts.MINE.clear()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    application = make_app()
    with application.app_context():
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Factory:
    """Builds agencies and users the way the tests describe them."""

    def __init__(self, password_hash: str) -> None:
        self.password_hash = password_hash

    def agency(
        self,
        code: str = "MOH",
        name_ar: str = "وزارة الصحة",
        name_en: str = "Ministry of Health",
        active: bool = True,
    ) -> Agency:
        agency = Agency(code=code, name_ar=name_ar, name_en=name_en, active=active)
        db.session.add(agency)
        db.session.commit()
        return agency

    def user(
        self,
        username: str,
        role: Role = Role.REPRESENTATIVE,
        agency: Agency | None = None,
        active: bool = True,
        display_name: str | None = None,
    ) -> User:
        if role is Role.REPRESENTATIVE and agency is None:
            agency = db.session.query(Agency).filter_by(code="MOH").one_or_none() or self.agency()
        user = User(
            username=username,
            display_name=display_name or f"اسم {username}",
            role=role,
            agency=agency,
            active=active,
            password_hash=self.password_hash,
        )
        db.session.add(user)
        db.session.commit()
        return user


@pytest.fixture
def factory(app: Flask, password_hash: str) -> Factory:
    return Factory(password_hash)


@pytest.fixture
def people(factory: Factory) -> dict[str, User]:
    """One user of each role (plus a representative of a second agency)."""
    return create_people(factory)


def create_people(factory: Factory) -> dict[str, User]:
    moh = factory.agency()
    moe = factory.agency("MOE", "وزارة التربية", "Ministry of Education")
    return {
        "coordinator": factory.user("coord", Role.COORDINATOR),
        "observer": factory.user("watcher", Role.OBSERVER),
        "representative": factory.user("rep-moh", Role.REPRESENTATIVE, moh),
        "other_representative": factory.user("rep-moe", Role.REPRESENTATIVE, moe),
    }


@pytest.fixture
def sign_in(client: FlaskClient, people: dict[str, User]) -> Callable[[str | None], None]:
    """Put a user of the given role in the session (None: signed out), without a form post."""

    def as_role(role: str | None) -> None:
        with client.session_transaction() as session:
            session.clear()
            if role is not None:
                session["_user_id"] = people[role].get_id()
                session["_fresh"] = True

    return as_role


@pytest.fixture
def published(app: Flask) -> str:
    """A taxonomy "gov" with two published versions (tests/web/taxonomy_files.py)."""
    return publish_gov()


def publish_gov() -> str:
    from tests.web.taxonomy_files import VERSION_2, create_taxonomy, csv_bytes, publish_version
    from workshop.services.permissions import SYSTEM

    create_taxonomy(SYSTEM, "gov", "الخدمات الحكومية", "Government services", csv_bytes(), "v1.csv")
    publish_version(SYSTEM, "gov", csv_bytes(VERSION_2), "v2.csv", note="ورشة 1")
    return "gov"
