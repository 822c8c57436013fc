"""Choosing a file format, reading uploads and writing exports (through the engine)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..caching import CompressedCopies
from ..taxonomy import Tree
from ..taxonomy import formats as engine
from ..taxonomy.formats import FORMATS, ColumnMapping, Imported, Limits
from .errors import ServiceError

__all__ = ["FORMATS", "Export", "detect", "read", "read_linked", "write"]
EXTENSIONS = {
    ".json": "json",
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".ttl": "skos",
    ".turtle": "skos",
    ".rdf": "skos",
    ".owl": "skos",
    ".xml": "skos",
    ".nt": "skos",
    ".n3": "skos",
    ".jsonld": "skos",
}


@dataclass(frozen=True)
class Export:
    data: bytes
    mimetype: str
    extension: str
    # Compressed copies, made once per encoding: an export never changes.
    copies: CompressedCopies = field(default_factory=CompressedCopies, compare=False, repr=False)

    def encoded(self, encoding: str) -> bytes:
        """The data compressed with "br" or "gzip" (kept after the first time)."""
        return self.copies.of(self.data, encoding)


MIMETYPES = {
    "json": ("application/json", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "skos": ("text/turtle; charset=utf-8", "ttl"),
}


def detect(filename: str, data: bytes, requested: str = "auto") -> str:
    """The format asked for, else from the file name, else from the first bytes."""
    if requested != "auto":
        if requested not in FORMATS:
            raise ServiceError(
                str(
                    _l(
                        "Unknown format %(format)s (use auto, json, csv, xlsx or skos).",
                        format=requested,
                    )
                ),
                field="format",
            )
        sniffed = sniff(data)
        if sniffed is not None and sniffed != requested and {sniffed, requested} != {"csv"}:
            raise ServiceError(
                str(
                    _l(
                        "The file looks like %(found)s, not %(asked)s.",
                        found=sniffed,
                        asked=requested,
                    )
                ),
                field="format",
            )
        return requested
    lowered = filename.lower()
    for extension, name in EXTENSIONS.items():
        if lowered.endswith(extension):
            return name
    sniffed = sniff(data)
    if sniffed is None:
        raise ServiceError(
            str(_l("The format of %(name)s could not be recognised; choose it.", name=filename)),
            field="format",
        )
    return sniffed


def sniff(data: bytes) -> str | None:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith((b"{", b"[")):
        return "skos" if b'"@context"' in head or b'"@id"' in head else "json"  # JSON-LD
    if head.startswith((b"@prefix", b"@base", b"PREFIX", b"BASE", b"<", b"_:")):
        return "skos"  # Turtle, N-Triples or RDF/XML
    return None


def read(
    data: bytes, fmt: str, mapping: ColumnMapping | None = None, ids: str = "auto"
) -> Imported:
    """Parse with the engine; raises the engine's FormatError (findings per line/concept)."""
    return engine.read(data, fmt, mapping, ids, import_limits())


def read_linked(
    files: list[tuple[str, bytes]], fmt: str, mapping: ColumnMapping | None = None
) -> Imported:
    """Linked tables (several CSV files, or one XLSX file with a sheet per level)."""
    return engine.read_linked(files, fmt, mapping, import_limits())


def import_limits() -> Limits:
    """The configured limits on what one import may hold (WORKSHOP_IMPORT_MAX_*)."""
    config = current_app.config
    return Limits(
        concepts=int(config["IMPORT_MAX_CONCEPTS"]),
        columns=int(config["IMPORT_MAX_COLUMNS"]),
        cell_chars=int(config["IMPORT_MAX_CELL_CHARS"]),
        cells=int(config["IMPORT_MAX_CELLS"]),
        unzipped_mb=int(config["IMPORT_MAX_UNZIPPED_MB"]),
    )


def write(tree: Tree, fmt: str, taxonomy: dict[str, Any], version: dict[str, Any]) -> Export:
    mimetype, extension = MIMETYPES[fmt]
    return Export(engine.write(tree, fmt, taxonomy, version), mimetype, extension)
