"""Benchmark of the tree shapes real classifications have: one parent with 20,000 children
(a category of thousands of services), 20,000 roots and a chain 5,000 deep.

    python benchmarks/shapes.py [--children 20000] [--depth 5000] [--database-url URL]

Prints name<TAB>value<TAB>unit; times are medians of --repeat runs through the real call
path (engine functions, services, the Flask test client). Baseline in the same run: a bare
Flask endpoint (bare_flask_ms).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_ms, report, scratch_app
from flask import Flask
from sqlalchemy import event, func, select

from workshop.models import ConceptRevision, User, Version, db
from workshop.services import taxonomies, uploads, versions
from workshop.services.permissions import SYSTEM
from workshop.storage import revisions as store
from workshop.taxonomy import Move, Proposal, Tree, apply, build, diff, make_concept, merge
from workshop.taxonomy import changes as ch
from workshop.taxonomy.formats import csv_format, json_format


def flat(children: int) -> Tree:
    return build(
        [
            make_concept("all", {"ar": "كل الخدمات", "en": "All services"}),
            *(
                make_concept(f"s{i}", {"ar": f"خدمة {i}", "en": f"Service {i}"}, None, "all", i)
                for i in range(children)
            ),
        ]
    )


def roots(count: int) -> Tree:
    return build(
        make_concept(f"r{i}", {"ar": f"باب {i}", "en": f"Chapter {i}"}, None, None, i)
        for i in range(count)
    )


def chain(depth: int) -> Tree:
    return build(
        make_concept(
            f"c{i}", {"ar": f"مستوى {i}", "en": f"Level {i}"}, None, f"c{i - 1}" if i else None
        )
        for i in range(depth)
    )


def engine_shapes(args: argparse.Namespace) -> None:
    rng = random.Random(7)
    n = args.children
    adds = [ch.add(f"new{i}", "all", 0, {"ar": f"جديد {i}", "en": f"New {i}"}) for i in range(100)]
    fresh = [flat(n) for _ in range(args.repeat)]  # a tree not yet used: nothing cached
    report("flat_100_adds_pos0_ms", median_ms(lambda: apply(fresh.pop(), adds), args.repeat))
    tree = flat(n)
    apply(tree, adds)  # the tree's sibling-label index is now built, as in a running server
    report("flat_100_adds_pos0_warm_ms", median_ms(lambda: apply(tree, adds), args.repeat))
    moved = apply(tree, [Move(f"s{n // 2}", None, 0)]).tree
    report("flat_diff_one_move_ms", median_ms(lambda: diff(tree, moved), args.repeat))
    report("flat_diff_one_move_changes", len(diff(tree, moved)), "count")
    clustered = [
        Proposal(i, [ch.relabel(f"s{rng.randrange(n)}", {"en": f"Renamed {i}"})], tree)
        for i in range(500)
    ]
    report("flat_merge_500_clustered_ms", median_ms(lambda: merge(tree, clustered), args.repeat))
    deep = chain(args.depth)
    try:
        data = json_format.export_bytes(deep, {"slug": "deep"}, {"number": 1})
        ok = data.count(b'"children":[') == args.depth
    except Exception:  # the point is to report a failure as 0, whatever it is
        ok = False
    report("deep_export_json_ok", 1 if ok else 0, "bool")


def publish_file(slug: str, tree: Tree, note: str) -> Version:
    upload = uploads.Upload(csv_format.write(tree), f"{slug}.csv")
    if taxonomies.find_taxonomy(slug) is None:
        new = taxonomies.NewTaxonomy(slug, "أشكال", "Shapes")
        return taxonomies.create_from_file(SYSTEM, new, upload, note).version
    return taxonomies.publish_file(SYSTEM, slug, upload, note).version


def storage_shapes(app: Flask, args: argparse.Namespace) -> None:
    tree = flat(args.children)
    publish_file("flat", tree, "v1")
    taxonomy = taxonomies.get_taxonomy("flat")
    added = ch.add("front", "all", 0, {"ar": "في المقدمة", "en": "At the front"})
    version = versions.publish_changes(SYSTEM, taxonomy, [added], versions.Provenance("front"))
    report("flat_add_pos0_rows", version.rows_written, "rows")

    client = app.test_client()
    reader = db.session.scalar(select(User).order_by(User.id).limit(1))
    assert reader is not None
    with client.session_transaction() as session:
        session["_user_id"] = reader.get_id()  # "id:epoch", as a sign-in leaves it
        session["_fresh"] = True
    expand = "/taxonomies/flat/v/latest/children?parent=all&level=2"
    expanded = client.get(expand)
    assert expanded.status_code == 200, expanded.status_code  # not a sign-in redirect
    report("flat_expand_bytes", len(expanded.data), "bytes")
    report("flat_expand_ms", median_ms(lambda: client.get(expand), args.repeat))

    publish_file("roots", roots(args.children), "v1")
    root_page = "/taxonomies/roots/v/latest/children?level=1"
    began = time.perf_counter()
    first = client.get(root_page)
    report("roots_page_first_ms", (time.perf_counter() - began) * 1000)
    assert first.status_code == 200, first.status_code
    report("roots_page_bytes", len(first.data), "bytes")
    report("roots_page_ms", median_ms(lambda: client.get(root_page), args.repeat))

    publish_file("deep", chain(args.depth), "v1")
    page = f"/taxonomies/deep/v/1/concepts/c{args.depth - 1}"
    store.trees.clear()
    statements: list[str] = []
    listener = lambda *a: statements.append(a[2])  # noqa: E731 - the event's argument list
    event.listen(db.engine, "before_cursor_execute", listener)
    response = client.get(page)
    event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 200, response.status_code
    report("deep_concept_page_queries", len(statements), "count")
    report("deep_concept_page_ms", median_ms(lambda: client.get(page), args.repeat))
    search = "/taxonomies/deep/v/1/search?q=Level+4999"
    report("deep_search_ms", median_ms(lambda: client.get(search), args.repeat))

    bare = Flask("bare")
    bare.add_url_rule("/", "hello", lambda: "hello")
    bare_client = bare.test_client()
    report("bare_flask_ms", median_ms(lambda: bare_client.get("/"), args.repeat * 20))
    revisions = db.session.scalar(select(func.count()).select_from(ConceptRevision))
    report("revision_rows_total", revisions or 0, "rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--depth", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None, help="PostgreSQL; SQLite otherwise")
    args = parser.parse_args()
    engine_shapes(args)
    with scratch_app(args.database_url) as app:
        storage_shapes(app, args)


if __name__ == "__main__":
    main()
