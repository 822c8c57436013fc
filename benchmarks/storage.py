"""Benchmark of versioned storage, the tree browser and the read API.

    python benchmarks/storage.py --concepts 100000 [--database-url URL]

Prints name<TAB>value<TAB>unit. Baselines measured in the same run: a bare Flask endpoint
(bare_flask_ms) and the raw SQL read of one version without the ORM (raw_sql_read_ms).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa
from common import median_ms, report, scratch_app
from engine import random_changes, rows

from workshop.models import db
from workshop.services import browsing, taxonomies, tokens, uploads, versions
from workshop.services.permissions import SYSTEM
from workshop.storage import revisions as store
from workshop.taxonomy import apply, build, make_concept, make_details, seen_in_order
from workshop.taxonomy.formats import csv_format, skos_format


def cold(function: Callable[[], Any]) -> Callable[[], Any]:
    """Run with the in-process caches of trees and exports emptied first."""

    def run() -> Any:
        store.trees.clear()
        browsing.exports.clear()
        return function()

    return run


def database_size(url: str) -> int:
    engine = db.engine
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar() or 0
            free = connection.exec_driver_sql("PRAGMA freelist_count").scalar() or 0
            size = connection.exec_driver_sql("PRAGMA page_size").scalar() or 0
            return int((pages - free) * size)
        return int(
            connection.execute(
                sa.text(
                    "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
                )
            ).scalar()
            or 0
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL URL (a schema is made and dropped); SQLite otherwise",
    )
    parser.add_argument("--versions", type=int, default=100)
    parser.add_argument("--skos-import", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.skos_import:
        with scratch_app(args.database_url):
            import_skos(args.skos_import, args.concepts)
        return
    with scratch_app(args.database_url) as app:
        run(app, args)
    skos_in_a_fresh_process(args)


def skos_in_a_fresh_process(args: argparse.Namespace) -> None:
    """A SKOS file of the same size (with a synonym and an IRI each) imported by a new
    process, so that its peak memory is the import's own."""
    data = rows(args.concepts)
    tree = build(
        make_concept(
            i,
            {"ar": ar, "en": en},
            None,
            p,
            n,
            details=make_details(alt_labels={"en": [f"{en} (also)"]}, iri=f"https://x.org/c/{i}"),
        )
        for i, p, n, ar, en in data
    )
    with tempfile.NamedTemporaryFile(suffix=".ttl", delete=False) as handle:
        handle.write(skos_format.write(tree, "bench"))
    del tree, data
    command = [
        sys.executable,
        __file__,
        "--skos-import",
        handle.name,
        "--concepts",
        str(args.concepts),
    ]
    if args.database_url:
        command += ["--database-url", args.database_url]
    subprocess.run(command, check=True)
    Path(handle.name).unlink()


def import_skos(path: Path, concepts: int) -> None:
    upload = uploads.Upload(path.read_bytes(), path.name)
    start = time.perf_counter()
    taxonomies.create_from_file(SYSTEM, taxonomies.NewTaxonomy("skos", "س", "S"), upload)
    size = f"{concepts // 1000}k"
    report(f"import_skos_{size}_s", time.perf_counter() - start, "s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report(f"import_skos_{size}_peak_rss_mb", peak, "MB")


def run(app: Any, args: argparse.Namespace) -> None:
    report("engine", 0 if db.engine.dialect.name == "sqlite" else 1, db.engine.dialect.name)
    data = rows(args.concepts)
    tree = build(make_concept(i, {"ar": ar, "en": en}, None, p, n) for i, p, n, ar, en in data)
    payload = csv_format.write(tree)

    start = time.perf_counter()
    taxonomies.create_from_file(
        SYSTEM,
        taxonomies.NewTaxonomy("bench", "تصنيف", "Bench"),
        uploads.Upload(payload, "bench.csv"),
    )
    report("import_s", time.perf_counter() - start, "s")
    size_v1 = database_size(str(db.engine.url))

    report("read_version_ms", median_ms(cold(lambda: browsing.tree(SYSTEM, "bench", 1)), 3))
    taxonomy = taxonomies.get_taxonomy("bench")
    raw = sa.text(
        "SELECT concept_id, parent, order_key, status, labels, notes "
        "FROM concept_revision WHERE taxonomy_id = :t AND valid_from <= 1 "
        "AND (valid_to IS NULL OR valid_to > 1)"
    )

    def raw_read() -> None:
        with db.engine.connect() as connection:
            connection.execute(raw, {"t": taxonomy.id}).fetchall()

    report("raw_sql_read_ms", median_ms(raw_read, 3))

    client = app.test_client()
    client.post("/login", data={"username": "coordinator", "password": "workshop-demo"})
    hx = {"HX-Request": "true"}
    report("bare_flask_ms", median_ms(lambda: client.get("/healthz"), 20))
    report("root_page_ms", median_ms(lambda: client.get("/taxonomies/bench/v/1/"), 10))
    parent = next(c for c in tree.walk() if tree.children_of(c.id)).id
    report(
        "expand_ms",
        median_ms(
            lambda: client.get(
                f"/taxonomies/bench/v/1/children?parent={parent}&level=2", headers=hx
            ),
            10,
        ),
    )
    report(
        "search_ms",
        median_ms(lambda: client.get("/taxonomies/bench/v/1/search?q=تراخيص 12", headers=hx), 10),
    )

    secret = tokens.create(SYSTEM, "bench").secret
    api = app.test_client()
    auth = {"Authorization": f"Bearer {secret}"}
    path = "/api/v1/taxonomies/bench/versions/1"
    report("export_json_http_ms", median_ms(cold(lambda: api.get(path, headers=auth)), 3))
    report("export_json_http_cached_ms", median_ms(lambda: api.get(path, headers=auth), 5))
    etag = api.get(path, headers=auth).headers["ETag"]
    report(
        "export_json_304_ms",
        median_ms(lambda: api.get(path, headers={**auth, "If-None-Match": etag}), 20),
    )

    rng = random.Random(5)
    latest = store.latest_tree(taxonomy)
    by_changes, by_file = [], []
    for n in range(args.versions):
        changes = random_changes(latest, 10, rng, f"v{n}")
        if n % 10 == 9:  # one version in ten arrives as a whole file instead
            after = apply(latest, changes).tree
            start = time.perf_counter()
            versions.publish_tree(SYSTEM, taxonomy, after, versions.Provenance(f"bench {n}"))
            by_file.append((time.perf_counter() - start) * 1000)
        else:
            start = time.perf_counter()
            versions.publish_changes(
                SYSTEM,
                taxonomy,
                seen_in_order(changes, latest),
                versions.Provenance(f"bench {n}"),
            )
            by_changes.append((time.perf_counter() - start) * 1000)
        latest = store.latest_tree(taxonomy)
    report("publish_10_changes_ms", statistics.median(by_changes))
    report("publish_file_with_10_changes_ms", statistics.median(by_file))
    size_after = database_size(str(db.engine.url))
    report("db_growth_100_versions_pct", 100 * (size_after - size_v1) / size_v1, "%")


if __name__ == "__main__":
    main()
