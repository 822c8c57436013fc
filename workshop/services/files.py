"""Choosing a file format, reading uploads and writing exports (through the engine)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from ..taxonomy.formats import Imported, csv_format, json_format, skos_format, xlsx_format
from ..taxonomy.model import Tree
from .errors import ServiceError

FORMATS = ("json", "csv", "xlsx", "skos")
EXTENSIONS = {
    ".json": "json",
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".ttl": "skos",
    ".turtle": "skos",
}


@dataclass(frozen=True)
class Export:
    data: bytes
    mimetype: str
    extension: str


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
        return "json"
    if head.startswith((b"@prefix", b"@base", b"PREFIX", b"<")):
        return "skos"
    return None


def read(data: bytes, fmt: str, mapping: csv_format.ColumnMapping | None = None) -> Imported:
    """Parse with the engine; raises the engine's FormatError (findings per line/concept)."""
    if fmt == "json":
        return json_format.read(data)
    if fmt == "csv":
        return csv_format.read(data, mapping)
    if fmt == "xlsx":
        return xlsx_format.read(data, mapping)
    return skos_format.read(data)


def write(tree: Tree, fmt: str, taxonomy: dict[str, Any], version: dict[str, Any]) -> Export:
    mimetype, extension = MIMETYPES[fmt]
    if fmt == "json":
        data = json_format.dumps(json_format.export_document(tree, taxonomy, version))
    elif fmt == "csv":
        data = csv_format.write(tree)
    elif fmt == "xlsx":
        data = xlsx_format.write(tree)
    else:
        data = skos_format.write(tree, taxonomy["slug"], taxonomy.get("name"))
    return Export(data, mimetype, extension)
