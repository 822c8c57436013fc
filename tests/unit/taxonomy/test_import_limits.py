"""Hostile and accidental files are refused early, with a finding that names the limit,
and within bounded memory."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.hostile_files import dimension_bomb, million_rows_csv, nested_json, zip_bomb
from workshop.taxonomy.formats import DEFAULT_LIMITS, FormatError, Limits, read, read_linked

ROOT = Path(__file__).resolve().parents[3]


def refused(data: bytes, fmt: str, limits: Limits = DEFAULT_LIMITS) -> list[tuple]:
    with pytest.raises(FormatError) as caught:
        read(data, fmt, limits=limits)
    return [(f.rule, f.line, f.params) for f in caught.value.findings]


def csv_rows(count: int, extra: str = "") -> bytes:
    return ("id,label_ar,label_en\n" + extra).encode() + b"".join(
        f"c{i},م{i},L{i}\n".encode() for i in range(count)
    )


def xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_declared_sheet_size_is_ignored_only_the_cells_there_count():
    imported = read(dimension_bomb(), "xlsx")
    assert [(c.id, c.labels) for c in imported.tree.concepts.values()] == [
        ("a", {"ar": "أ", "en": "A"})
    ]


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_read():
    [(rule, _line, params)] = refused(zip_bomb(), "xlsx", Limits(unzipped_mb=100))
    assert rule == "too_large_unzipped" and params == {"limit": "100", "size": 248}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_rows_past_the_limit_are_refused_at_the_row_that_crosses_it(fmt):
    limits = Limits(concepts=5)
    data = (
        csv_rows(6)
        if fmt == "csv"
        else xlsx([["id", "label_en"]] + [[f"c{i}", "x"] for i in range(6)])
    )
    assert refused(data, fmt, limits) == [("too_many_rows", 7, {"limit": "5"})]
    assert len(read(csv_rows(5), "csv", limits=limits).tree) == 5  # the limit itself is fine


def test_the_row_limit_counts_every_linked_table():
    limits = Limits(concepts=3)
    top = b"id,label_en\nA,a\nB,b\n"
    below = b"id,parent,label_en\nA1,A,a1\nB1,B,b1\n"
    with pytest.raises(FormatError) as caught:
        read_linked([("top", top), ("below", below)], "csv", limits=limits)
    assert [(f.rule, f.line) for f in caught.value.findings] == [("too_many_rows", 3)]


def test_too_many_columns_are_refused_at_the_header():
    header = ",".join(["id", "label_en", *(f"x{i}" for i in range(10))])
    [(rule, line, params)] = refused(f"{header}\nc,l\n".encode(), "csv", Limits(columns=11))
    assert (rule, line, params) == ("too_many_columns", 1, {"limit": "11", "count": 12})


def test_empty_header_cells_at_the_end_of_a_sheet_are_not_columns():
    data = xlsx([["id", "label_en", None, None], ["c", "C"]])
    assert len(read(data, "xlsx", limits=Limits(columns=2)).tree) == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_cell_past_the_limit_is_named_by_its_line_and_column(fmt):
    long = "ب" * 101
    data = (
        f"id,label_ar,label_en\nok,a,b\nc,{long},L\n".encode()
        if fmt == "csv"
        else xlsx([["id", "label_ar", "label_en"], ["ok", "a", "b"], ["c", long, "L"]])
    )
    assert refused(data, fmt, Limits(cell_chars=100)) == [
        ("cell_too_long", 3, {"limit": "100", "column": "label_ar"})
    ]


def test_too_many_filled_cells_are_refused():
    assert refused(csv_rows(10), "csv", Limits(cells=20)) == [
        ("too_many_cells", 8, {"limit": "20"})
    ]


@pytest.mark.parametrize("fmt", ["json", "skos"])
def test_json_and_skos_files_over_the_concept_limit_are_refused(fmt):
    from tests.unit.taxonomy.trees import services
    from workshop.taxonomy.formats import write

    data = write(services(), fmt, {"slug": "s", "name": {"ar": "خ", "en": "S"}}, {"number": 1})
    count = len(read(data, fmt).tree)
    assert refused(data, fmt, Limits(concepts=count - 1)) == [
        ("too_many_concepts", None, {"limit": f"{count - 1:,}"})
    ]


def test_a_json_file_nested_200_levels_is_read():
    tree = read(nested_json(200), "json").tree
    assert len(tree) == 200 and tree.depth("c199") == 199


def test_a_json_file_nested_deeper_than_it_can_be_read_gets_a_finding():
    assert refused(nested_json(600), "json") == [("too_deep", 1, {})]


def test_hostile_files_are_refused_in_seconds_within_a_memory_limit(tmp_path):
    """The dimension bomb, the zip bomb and the million-row CSV, each in a process that may
    use at most 1.5 GB (once: MemoryError, 5.7 GB, 2.8 GB and 1.75 GB)."""
    files = {
        "dimension.xlsx": dimension_bomb(),
        "zip.xlsx": zip_bomb(),
        "million.csv": million_rows_csv(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    script = textwrap.dedent(
        f"""
        import json, resource, sys, time
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024**2, 1536 * 1024**2))
        from workshop.taxonomy.formats import FormatError, read
        name, fmt = sys.argv[1], sys.argv[2]
        data = open({str(tmp_path)!r} + "/" + name, "rb").read()
        started = time.perf_counter()
        try:
            outcome = ["read", len(read(data, fmt).tree)]
        except FormatError as error:
            outcome = ["refused", [f.rule for f in error.findings]]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(json.dumps([*outcome, time.perf_counter() - started, peak]))
        """
    )
    running = {  # side by side: the zip bomb alone takes about 8 s to reach the row limit
        name: subprocess.Popen(
            [sys.executable, "-c", script, name, name.rsplit(".", 1)[1]],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in files
    }
    results = {}
    for name, process in running.items():
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err[-2000:]
        results[name] = json.loads(out)
    assert results["dimension.xlsx"][:2] == ["read", 1]
    assert results["zip.xlsx"][:2] == ["refused", ["too_many_rows"]]
    assert results["million.csv"][:2] == ["refused", ["too_many_rows"]]
    for name, (_outcome, _what, seconds, peak_mb) in results.items():
        assert seconds < 30 and peak_mb < 600, (name, seconds, peak_mb)
