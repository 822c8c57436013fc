"""Correspondence tables between editions (old code -> new code), as statistical offices
publish them: a concept the new edition no longer has is retired with `replaced_by` the
code it went to, so that merges and splits are recorded instead of guessed."""

from __future__ import annotations

import csv
import io

from .build import build, retired_concept
from .findings import Finding, Severity
from .formats import FormatError, decode, problem
from .model import Tree

Links = list[tuple[str, str]]  # (old id, new id), in the order of the table


def read_crosswalk(data: bytes) -> Links:
    """The pairs of a CSV table: columns `old` and `new` when the header names them, else
    the first two columns."""
    rows = list(csv.reader(io.StringIO(decode(data), newline="")))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if "old" in header and "new" in header:
        old_at, new_at, body = header.index("old"), header.index("new"), rows[1:]
    else:
        old_at, new_at, body = 0, 1, rows[1:]
    links, problems = [], []
    for line, row in enumerate(body, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(old_at, new_at) or not row[old_at].strip() or not row[new_at].strip():
            problems.append(
                problem(
                    "bad_value",
                    None,
                    line,
                    field="crosswalk",
                    value=",".join(row),
                    expected="an old code and a new code",
                )
            )
            continue
        links.append((row[old_at].strip(), row[new_at].strip()))
    if problems:
        raise FormatError(problems)
    return links


def with_crosswalk(before: Tree, uploaded: Tree, links: Links) -> tuple[Tree, list[Finding]]:
    """`uploaded` with each concept of `before` that it lacks retired and pointed at the
    first code the table maps it to; every split (one old code, several new ones) and
    every link to a code that neither edition has is reported."""
    targets: dict[str, list[str]] = {}
    for old, new in links:
        targets.setdefault(old, []).append(new)
    notes: list[Finding] = []
    retired = []
    for old, news in targets.items():
        concept = before.get(old)
        unknown = [n for n in news if n not in uploaded.concepts]
        if concept is None or unknown:
            notes.append(
                Finding("crosswalk_unknown", Severity.WARNING, old, {"codes": ", ".join(unknown)})
            )
        present = [n for n in news if n in uploaded.concepts and uploaded[n].active]
        if concept is None or old in uploaded.concepts or not present:
            continue  # still there (part of it went elsewhere), or nowhere to point
        retired.append(retired_concept(concept, present[0]))
        if len(present) > 1:
            notes.append(
                Finding("crosswalk_split", Severity.WARNING, old, {"codes": ", ".join(present)})
            )
    if not retired:
        return uploaded, notes
    return build([*uploaded.concepts.values(), *retired]), notes
