"""File formats: our JSON export, flat CSV / XLSX, and SKOS (any RDF syntax). All pure."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..build import build
from ..details import record
from ..findings import Finding, Severity, TreeError
from ..model import Concept, Tree
from ..validate import DEFAULT_POLICY, Policy, blocking, validate


class FormatError(TreeError):
    """A file that cannot be imported; every problem names its line or concept."""


@dataclass(frozen=True)
class Imported:
    """A tree read from a file, with what the file said about itself and any warnings."""

    tree: Tree
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[Finding] = field(default_factory=list)


def problem(
    rule: str, concept: str | None = None, line: int | None = None, **params: object
) -> Finding:
    return Finding(rule, Severity.ERROR, concept, params, line=line)


def decode(data: bytes) -> str:
    """UTF-8 (a byte order mark is allowed) or a FormatError naming the line and byte."""
    if not data.strip():
        raise FormatError([problem("empty_file")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FormatError([problem("invalid_encoding", line=line, offset=error.start)]) from None


def finish(
    concepts: list[Concept],
    lines: dict[str, int] | None = None,
    metadata: dict[str, Any] | None = None,
    policy: Policy = DEFAULT_POLICY,
    notes: list[Finding] | None = None,
    errors: list[Finding] | None = None,
) -> Imported:
    """Build and check an imported tree: structural faults and concepts without any label
    reject the file; label flaws of a published file are kept as warnings to fix later.
    `errors` found while reading (bad values) are reported with every structural fault."""
    errors = [*(errors or []), *_storable(concepts, lines or {})]
    try:
        tree = build(concepts, lines)
    except TreeError as error:
        # A row left out for a bad value is not also reported as a missing parent.
        left_out = {e.concept for e in errors or []}
        structural = [
            f
            for f in error.findings
            if not (f.rule == "dangling_parent" and f.params.get("parent") in left_out)
        ]
        raise FormatError([*(errors or []), *structural]) from None
    if errors:
        raise FormatError([*errors, *blocking(validate(tree, policy.for_import()))])
    findings = validate(tree, policy.for_import())
    if lines:
        findings = [replace(f, line=lines.get(f.concept or "")) for f in findings]
    errors = blocking(findings)
    if errors:
        raise FormatError(errors)
    return Imported(tree, metadata or {}, [*(notes or []), *findings])


MAX_ID = 200  # the width of the id columns in the database


def _storable(concepts: list[Concept], lines: dict[str, int]) -> list[Finding]:
    """What every database must be able to store, found at preview time rather than when
    PostgreSQL refuses it at publish: ids that fit, and no NUL character in any text."""
    found = []
    for concept in concepts:
        line = lines.get(concept.id)
        if len(concept.id) > MAX_ID:
            found.append(problem("id_too_long", concept.id[:40] + "…", line, limit=MAX_ID))
        texts = [concept.id, *concept.labels.values(), *concept.notes.values()]
        texts += [str(v) for v in record(concept.details).values()]
        if any("\x00" in text for text in texts):
            found.append(problem("nul_character", concept.id.replace("\x00", "?"), line))
    return found


# The public face of the formats, for the shell: the submodules import the helpers above,
# so they are loaded once those exist.
from . import csv_format, json_format, skos_format, xlsx_format  # noqa: E402
from .csv_format import ColumnMapping  # noqa: E402
from .limits import DEFAULT_LIMITS, Limits, over_limit  # noqa: E402
from .skos_read import ID_CHOICES  # noqa: E402

FORMATS = ("json", "csv", "xlsx", "skos")


def read(
    data: bytes,
    fmt: str,
    mapping: ColumnMapping | None = None,
    ids: str = "auto",
    limits: Limits = DEFAULT_LIMITS,
) -> Imported:
    """Parse a file of a known format; raises FormatError (findings per line/concept).
    `ids` chooses how SKOS concepts get their ids (skos_read.ID_CHOICES). Tables are
    refused at the row that crosses a limit; JSON and SKOS files, whose size the upload
    limit bounds, once they are read."""
    if fmt == "csv":
        return csv_format.read(data, mapping, limits)
    if fmt == "xlsx":
        return xlsx_format.read(data, mapping, limits=limits)
    if fmt == "json":
        imported = json_format.read(data)
    elif fmt == "skos":
        imported = skos_format.read(data, ids)
    else:
        raise ValueError(f"unknown format {fmt!r}")
    if len(imported.tree) > limits.concepts:
        raise FormatError([over_limit("too_many_concepts", limits.concepts)])
    return imported


def read_linked(
    files: list[tuple[str, bytes]],
    fmt: str,
    mapping: ColumnMapping | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Imported:
    """Linked tables, the top level first: several CSV files, or one XLSX file with a sheet
    per level."""
    if fmt == "csv":
        return csv_format.read_tables(files, mapping or ColumnMapping(), limits)
    if fmt == "xlsx" and len(files) == 1:
        return xlsx_format.read(files[0][1], mapping, linked=True, limits=limits)
    raise FormatError(
        [problem("bad_file", format=fmt, reason="linked tables are CSV files or one XLSX file")]
    )


def write(tree: Tree, fmt: str, taxonomy: dict[str, Any], version: dict[str, Any]) -> bytes:
    """A tree as a file of a known format, with the taxonomy's and version's metadata."""
    if fmt == "json":
        return json_format.export_bytes(tree, taxonomy, version)
    if fmt == "csv":
        return csv_format.write(tree)
    if fmt == "xlsx":
        return xlsx_format.write(tree)
    if fmt == "skos":
        name = taxonomy.get("name")
        return skos_format.write(tree, str(taxonomy["slug"]), name if name else None)
    raise ValueError(f"unknown format {fmt!r}")


concept_record = json_format.concept_record


def export_schema() -> dict[str, Any]:
    """The JSON Schema every export of ours is valid against."""
    return json_format.schema()


__all__ = [
    "DEFAULT_LIMITS",
    "FORMATS",
    "ID_CHOICES",
    "ColumnMapping",
    "FormatError",
    "Imported",
    "Limits",
    "concept_record",
    "export_schema",
    "read",
    "read_linked",
    "write",
]
