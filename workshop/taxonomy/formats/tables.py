"""Spreadsheets as agencies keep them, turned into our rows (one concept a row, with id
and parent) before the usual reading: "level columns" (one column per level: Sector /
Division / Group / Service) and linked tables (ministries, departments, agencies,
services: each table with its own ids and a parent column naming a row of the table
above)."""

from __future__ import annotations

from collections.abc import Sequence

from ..findings import Finding, Severity
from ..ids import generate_id
from ..text import label_key

Row = tuple[int, dict[str, str]]  # (line in the file, cells by our column names)


def from_levels(
    rows: list[Row], levels: Sequence[str], codes: Sequence[str], language: str
) -> list[Row]:
    """One row per distinct path of level cells. A level's concept is made once, at the
    first row that names it; the other columns of a row belong to its deepest level. Ids
    are the level's code where `codes` names a code column per level, else made from the
    label (the same path always gives the same id)."""
    out: list[Row] = []
    ids_by_path: dict[tuple[str, ...], str] = {}
    taken = {row.get(c, "") for _line, row in rows for c in codes} - {""}
    level_columns = {*levels, *codes}
    for line, row in rows:
        cells = [
            (row.get(column, ""), row.get(codes[i], "") if i < len(codes) else "")
            for i, column in enumerate(levels)
        ]
        filled = [(label, code) for label, code in cells if label or code]
        path: tuple[str, ...] = ()
        parent = ""
        for depth, (label, code) in enumerate(filled):
            path = (*path, code or label_key(label))
            concept_id = ids_by_path.get(path)
            if concept_id is None:
                concept_id = code or generate_id({language: label}, taken)
                ids_by_path[path] = concept_id
                made = {"id": concept_id, "parent": parent, f"label_{language}": label}
                if depth == len(filled) - 1:
                    extra = {k: v for k, v in row.items() if k not in level_columns}
                    made = {**extra, **made}
                out.append((line, made))
            parent = concept_id
    return out


def linked(tables: Sequence[tuple[str, list[Row]]]) -> tuple[list[Row], list[Finding]]:
    """The rows of several tables, each table's parent column naming an id of the table
    before it (the first table holds the top level). Where two tables use the same id,
    the ids of every table are prefixed with its name ("services/12"), and a warning says
    so; otherwise the ids are kept as they are."""
    seen: dict[str, str] = {}
    clash = False
    for name, rows in tables:
        for _line, row in rows:
            concept_id = row.get("id", "")
            if concept_id and seen.setdefault(concept_id, name) != name:
                clash = True
    notes: list[Finding] = []
    if clash:
        notes.append(
            Finding(
                "ids_prefixed",
                Severity.WARNING,
                None,
                {"tables": ", ".join(name for name, _rows in tables)},
            )
        )
    out: list[Row] = []
    for index, (name, rows) in enumerate(tables):
        above = tables[index - 1][0] if index else None
        for line, row in rows:
            made = dict(row)
            if clash and made.get("id"):
                made["id"] = f"{name}/{made['id']}"
            parent = made.get("parent", "")
            if clash and parent:  # the first table's parents are its own rows
                made["parent"] = f"{above or name}/{parent}"
            out.append((line, made))
    return out, notes
