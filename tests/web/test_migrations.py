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


def test_two_built_candidates_of_one_taxonomy_leave_the_newest_current(tmp_path):
    """Before the unique index, two builds at once could leave two built candidates: the
    migration keeps the newest one current and marks the older replaced."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from workshop import create_app

    url = f"sqlite:///{tmp_path / 'old.db'}"
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t"})
    with app.app_context():
        upgrade(revision="0017")
        rows = [(1, "gov", "built"), (2, "gov", "built"), (3, "gov", "replaced"), (4, "x", "built")]
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO taxonomy (id, slug, name_ar, name_en, created_at) VALUES "
                    "(1, 'gov', 'حكومة', 'Government', '2026-11-30 06:00:00'), "
                    "(2, 'x', 'س', 'X', '2026-11-30 06:00:00')"
                )
            )
            for candidate_id, slug, status in rows:
                connection.execute(
                    sa.text(
                        'INSERT INTO merge_candidate (id, taxonomy_id, base_number, "order", '
                        "order_note, report, fingerprint, status, built_at) VALUES (:id, :t, 1, "
                        "'[]', '', '[]', 'f', :status, '2026-11-30 06:00:00')"
                    ),
                    {"id": candidate_id, "t": 1 if slug == "gov" else 2, "status": status},
                )
        upgrade()
        with db.engine.connect() as connection:
            found = dict(
                connection.execute(sa.text("SELECT id, status FROM merge_candidate")).all()
            )
    assert found == {1: "replaced", 2: "built", 3: "replaced", 4: "built"}
