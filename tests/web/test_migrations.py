"""The Alembic migrations and the models describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from workshop.models import db


def test_the_migrated_database_matches_the_models(app):
    from workshop.database import in_models

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": in_models})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_the_migrations_have_one_head(app):
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1
