"""Benchmark of the pure taxonomy engine on a synthetic bilingual taxonomy.

    python benchmarks/engine.py --concepts 100000

Prints one line per figure: name<TAB>value<TAB>unit.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import orjson
from common import report

from workshop.taxonomy import (
    Proposal,
    Status,
    Tree,
    apply,
    build,
    diff,
    make_concept,
    merge,
    validate,
)
from workshop.taxonomy import changes as ch
from workshop.taxonomy.details import make_details
from workshop.taxonomy.formats import csv_format, json_format, skos_format

AR = [
    "خدمات",
    "تراخيص",
    "شهادات",
    "تسجيل",
    "دعم",
    "تصاريح",
    "رسوم",
    "طلبات",
    "مساعدات",
    "استشارات",
    "تأمين",
    "سجلات",
]
EN = [
    "Services",
    "Licences",
    "Certificates",
    "Registration",
    "Support",
    "Permits",
    "Fees",
    "Applications",
    "Benefits",
    "Advice",
    "Insurance",
    "Records",
]


def rows(size: int, seed: int = 7) -> list[tuple[str, str | None, int, str, str]]:
    """(id, parent, position, label_ar, label_en), breadth first: exactly `size` concepts
    (six levels hold about 110,000; larger sizes go deeper rather than stop short)."""
    rng = random.Random(seed)
    result: list[tuple[str, str | None, int, str, str]] = []
    level: list[str | None] = [None]
    while len(result) < size:
        following: list[str | None] = []
        for parent in level:
            count = 12 if parent is None else rng.randint(3, 9)
            for position in range(count):
                if len(result) >= size:
                    break
                n = len(result)
                word = rng.randrange(len(AR))
                result.append((f"c{n}", parent, position, f"{AR[word]} {n}", f"{EN[word]} {n}"))
                following.append(f"c{n}")
        level = following
    return result


def timed(function: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Median of `repeat` runs (not the best), in milliseconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        result = None  # let the previous result go before the next run
        gc.collect()
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def random_changes(tree: Tree, count: int, rng: random.Random, tag: str) -> list[ch.Change]:
    """A realistic mix: 40% relabels, 25% adds, 25% moves, 10% retires (promote)."""
    active = [c.id for c in tree.walk()]
    result: list[ch.Change] = []
    for n in range(count):
        roll = rng.random()
        target = rng.choice(active)
        if roll < 0.40:
            result.append(ch.relabel(target, {"en": f"Renamed {tag} {n}", "ar": f"معدل {tag} {n}"}))
        elif roll < 0.65:
            result.append(
                ch.add(
                    f"{tag}-new-{n}", target, 0, {"ar": f"جديد {tag} {n}", "en": f"New {tag} {n}"}
                )
            )
        elif roll < 0.90:
            result.append(ch.Move(target, rng.choice(active), rng.randint(0, 5)))
        else:
            result.append(ch.Retire(target, ch.ChildPolicy.PROMOTE))
    return result


def bench_build(size: int) -> Tree:
    data = rows(size)
    build_ms, tree = timed(
        lambda: build(make_concept(i, {"ar": ar, "en": en}, None, p, n) for i, p, n, ar, en in data)
    )
    report("concepts", len(tree), "count")
    report("build_ms", build_ms)
    validate_ms, findings = timed(lambda: validate(tree))
    assert not findings, findings[:3]
    report("validate_ms", validate_ms)
    return tree


def bench_apply(tree: Tree, rng: random.Random) -> None:
    changes = random_changes(tree, 1000, rng, "a")
    # The real call path of a proposal: three-way, what each change saw is filled in
    # against the base inside the timed call.
    apply_ms, applied = timed(lambda: apply(tree, changes, base=tree))
    report("apply_1000_ms", apply_ms)
    report("apply_1000_conflicts", len(applied.conflicts), "count")


def bench_merge(tree: Tree, rng: random.Random) -> None:
    proposals = []
    hot = [c.id for c in tree.walk()][:5]  # shared targets make some proposals conflict
    for p in range(500):
        batch = random_changes(tree, 3, rng, f"p{p}")
        if p % 10 == 0:  # one proposal in ten disputes a label another one changes
            batch.append(ch.relabel(rng.choice(hot), {"en": f"Disputed {p}"}))
        proposals.append(Proposal(p, batch, tree))
    merge_ms, merged = timed(lambda: merge(tree, proposals))
    report("merge_500_proposals_ms", merge_ms)
    report("merge_held_back", len(merged.held_back), "count")
    # The same number of proposals, all relabelling children of the largest sibling group.
    parent = max(tree.children, key=lambda p: len(tree.children[p]))
    crowd = tree.children[parent]
    clustered = [
        Proposal(p, [ch.relabel(rng.choice(crowd), {"en": f"Clustered {p}"})], tree)
        for p in range(500)
    ]
    clustered_ms, _ = timed(lambda: merge(tree, clustered))
    report("merge_500_clustered_ms", clustered_ms)
    report("merge_clustered_siblings", len(crowd), "count")


def reread(tree: Tree) -> Tree:
    """The same tree as if read from a file: no concept object shared with the original."""
    return build(
        replace(c, labels=dict(c.labels), notes=dict(c.notes)) for c in tree.concepts.values()
    )


def bench_diff(tree: Tree, rng: random.Random) -> None:
    made = apply(tree, random_changes(tree, len(tree) // 100, rng, "d"))
    b = made.tree
    diff_ms, difference = timed(lambda: diff(tree, b))
    report("diff_ms", diff_ms)
    report("diff_changes", len(difference), "count")
    # What a diff should find: the changes that really took effect (a diff may need a
    # relabel and a move for one change, and retires children a retire promoted).
    report("diff_changes_applied", sum(o.result.value == "applied" for o in made.outcomes), "count")
    assert apply(tree, difference).tree == b
    rebuilt = reread(b)  # as if read back from storage: no object shared with `tree`
    diff_rebuilt_ms, _ = timed(lambda: diff(tree, rebuilt))
    report("diff_rebuilt_ms", diff_rebuilt_ms)


def bench_export(tree: Tree, skos: bool) -> None:
    meta = ({"slug": "bench", "name": {"ar": "تصنيف", "en": "Bench"}}, {"number": 1})
    compare_export(tree, meta, "")
    compare_export(rich(tree), meta, "rich_")
    csv_ms, _ = timed(lambda: csv_format.write(tree))
    report("export_csv_ms", csv_ms)
    if skos:
        skos_ms, _ = timed(lambda: skos_format.write(tree, "bench"), repeat=1)
        report("export_skos_ms", skos_ms)


def compare_export(tree: Tree, meta: tuple[dict[str, Any], dict[str, Any]], name: str) -> None:
    """export_bytes against orjson.dumps of the same nested document, built beforehand."""
    export_ms, exported = timed(lambda: json_format.export_bytes(tree, *meta), repeat=5)
    nested = json_format.export_document(tree, *meta)
    baseline_ms, encoded = timed(lambda: orjson.dumps(nested), repeat=5)
    assert exported == encoded  # the same bytes, or the ratio would compare different work
    report(f"export_json_{name}ms", export_ms)
    report(f"orjson_{name}baseline_ms", baseline_ms)
    report(f"export_json_{name}vs_orjson", export_ms / baseline_ms, "x")


def rich(tree: Tree) -> Tree:
    """The tree with details on every fifth concept (codes, a synonym, an IRI) and every
    hundredth leaf retired, as a real classification has them."""
    concepts = dict(tree.concepts)
    for n, c in enumerate(tree.concepts.values()):
        if n % 5 == 0:
            concepts[c.id] = make_concept(
                c.id,
                c.labels,
                c.notes,
                c.parent,
                c.position,
                alt_labels={"ar": [f"مرادف {n}"]},
                details=make_details(notations=[f"{n:06d}"], iri=f"http://example.org/c/{n}"),
            )
    leaves = [c for c in tree.walk() if not tree.children_of(c.id)]
    retired = {c.id for c in leaves[::100]}
    for concept_id in retired:
        concepts[concept_id] = replace(
            concepts[concept_id], parent=None, position=0, status=Status.RETIRED
        )
    return build(concepts.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concepts", type=int, default=100_000)
    parser.add_argument("--skip-skos", action="store_true", help="leave out the SKOS export")
    args = parser.parse_args()
    rng = random.Random(11)
    tree = bench_build(args.concepts)
    bench_apply(tree, rng)
    bench_merge(tree, rng)
    bench_diff(tree, rng)
    bench_export(tree, not args.skip_skos)
    report("peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "MB")


if __name__ == "__main__":
    main()
