"""The real classifications in ../shared/data through import, storage and every export,
compared field by field by script, with the time and peak memory of each import.

    python benchmarks/real_files.py [--database-url URL] [--data DIR]

Each file is imported in a fresh process (so its peak RSS is its own). Prints
name<TAB>value<TAB>unit: <file>_import_ms, <file>_peak_rss_mb, <file>_concepts, and the
number of concepts that differ from the file after storing (<file>_stored_mismatches) and
after each export read back (<file>_<format>_mismatches); every mismatch is also listed
with the fields that differ. All mismatch counts are 0 when nothing is lost.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
COFOG_MAP = (
    "id=Code,label_en=Description_EN,label_fr=Description_FR,"
    "label_es=Description_ES,note_en=ExplanatoryNote"
)
FILES = ("cofog", "isic", "agift")
FIELDS = ("labels", "notes", "parent", "position", "status", "replaced_by", "details")


def source(name: str, data: Path) -> tuple[bytes, str, dict[str, object]]:
    """The file's bytes, its name, and how to read it."""
    from workshop.services import uploads

    if name == "cofog":
        mapping = uploads.column_mapping(COFOG_MAP, dotted_codes=True)
        return (data / "cofog-1999" / "cofog.csv").read_bytes(), "cofog.csv", {"mapping": mapping}
    if name == "isic":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from tests.unit.taxonomy.test_formats import isic_csv

        return isic_csv(), "isic.csv", {}
    return (data / "agift" / "agift.ttl").read_bytes(), "agift.ttl", {}


def differences(expected, actual) -> dict[str, list[str]]:
    """Concept id -> the fields that differ (a concept missing on one side: ["missing"])."""
    found: dict[str, list[str]] = {}
    for concept_id, concept in expected.concepts.items():
        other = actual.concepts.get(concept_id)
        if other is None:
            found[concept_id] = ["missing"]
        elif other != concept:
            found[concept_id] = [f for f in FIELDS if getattr(concept, f) != getattr(other, f)]
    for concept_id in actual.concepts.keys() - expected.concepts.keys():
        found[concept_id] = ["not in the file"]
    return found


def one(name: str, data: Path, database_url: str | None) -> None:
    from common import report, scratch_app

    from workshop.services import browsing, taxonomies, uploads
    from workshop.services.permissions import SYSTEM
    from workshop.taxonomy.formats import FORMATS, read

    content, filename, options = source(name, data)
    with scratch_app(database_url):
        upload = uploads.Upload(content, filename, **options)  # type: ignore[arg-type]
        from_file = uploads.parse(upload).tree
        start = time.perf_counter()
        new = taxonomies.NewTaxonomy(name, name, name)
        taxonomies.create_from_file(SYSTEM, new, upload)
        report(f"{name}_import_ms", (time.perf_counter() - start) * 1000, "ms")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report(f"{name}_peak_rss_mb", peak, "MB")
        stored = browsing.tree(SYSTEM, name, 1)[1]
        report(f"{name}_concepts", len(stored), "concepts")
        checks = {"stored": differences(from_file, stored)}
        for fmt in FORMATS:
            exported = browsing.export(SYSTEM, name, 1, fmt)[1].data
            checks[fmt] = differences(stored, read(exported, fmt).tree)
        for step, found in checks.items():
            report(f"{name}_{step}_mismatches", len(found), "concepts")
            for concept_id, fields in sorted(found.items())[:10]:
                print(f"# {name} {step}: {concept_id}: {', '.join(fields)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--one", choices=FILES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.data, args.database_url)
        return
    for name in FILES:
        command = [sys.executable, __file__, "--one", name, "--data", str(args.data)]
        if args.database_url:
            command += ["--database-url", args.database_url]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
