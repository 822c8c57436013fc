"""What the benchmarks share: the report line, medians, and an app on a scratch database."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa
from flask import Flask

from tests.databases import shared_extensions
from workshop import create_app


def report(name: str, value: float, unit: str = "ms") -> None:
    digits = 2 if unit == "x" else 1  # a ratio of 0.26 is not 0.3
    print(f"{name}\t{value:.{digits}f}\t{unit}", flush=True)


def median_ms(function: Callable[[], Any], repeat: int = 5) -> float:
    """The median of `repeat` runs (not the best: the hall sees the typical case)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


@contextmanager
def scratch_schema(database_url: str | None) -> Iterator[str | None]:
    """`database_url` (PostgreSQL) moved into a new schema that is dropped afterwards;
    None stays None (SQLite)."""
    if not database_url:
        yield None
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        shared_extensions(connection)
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    joiner = "&" if "?" in database_url else "?"
    try:
        yield f"{database_url}{joiner}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))


@contextmanager
def scratch_app(database_url: str | None) -> Iterator[Flask]:
    """An app in an app context on a new SQLite file, or in a new PostgreSQL schema that is
    dropped afterwards; the schema is migrated and the demo accounts are there."""
    folder = Path(tempfile.mkdtemp(prefix="workshop-bench-"))
    with scratch_schema(database_url) as url:
        app = create_app(
            {
                "DATABASE_URL": url,
                "INSTANCE_PATH": str(folder),
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            from workshop.database import upgrade_schema
            from workshop.services.demo import seed

            upgrade_schema()
            seed()
            yield app


def import_bench_taxonomy(concepts: int) -> Any:
    """The benchmarks' taxonomy "bench" (engine.rows: a realistic shape, bilingual labels)
    imported as version 1 through the service a file import uses; its Tree."""
    from engine import rows

    from workshop.services import taxonomies, uploads
    from workshop.services.permissions import SYSTEM
    from workshop.taxonomy import build, make_concept
    from workshop.taxonomy.formats import csv_format

    data = rows(concepts)
    tree = build(make_concept(i, {"ar": ar, "en": en}, None, p, n) for i, p, n, ar, en in data)
    taxonomies.create_from_file(
        SYSTEM,
        taxonomies.NewTaxonomy("bench", "تصنيف", "Bench"),
        uploads.Upload(csv_format.write(tree), "bench.csv"),
    )
    return tree
