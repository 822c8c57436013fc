"""Reading an uploaded classification file: format, column mapping, and the ids it keeps."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..taxonomy import Finding, Matching, Tree, adopt_ids, match
from ..taxonomy.formats import ColumnMapping, FormatError
from . import formats
from .errors import InvalidFile, ServiceError


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its bytes, its name, the format asked for, and how its columns
    map to ours (CSV and XLSX)."""

    data: bytes
    filename: str
    fmt: str = "auto"
    mapping: ColumnMapping | None = None


@dataclass(frozen=True)
class Parsed:
    tree: Tree
    fmt: str
    warnings: list[Finding] = field(default_factory=list)

    def source(self, filename: str) -> str:
        return f"{self.fmt}: {filename}"


def parse(upload: Upload) -> Parsed:
    """Read an uploaded file with the engine; InvalidFile lists every problem."""
    chosen = formats.detect(upload.filename, upload.data, upload.fmt)
    try:
        imported = formats.read(upload.data, chosen, upload.mapping)
    except FormatError as error:
        raise InvalidFile(
            str(_l("The file was not imported: %(count)d problem(s).", count=len(error.findings))),
            error.findings,
        ) from None
    return Parsed(imported.tree, chosen, list(imported.warnings))


def column_mapping(text: str, dotted_codes: bool = False) -> ColumnMapping | None:
    """ "id=Code, label_en=Description_EN" -> a ColumnMapping (None when empty)."""
    pairs = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        ours, sep, theirs = item.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise ServiceError(
                str(
                    _l(
                        "Write the column mapping as our column = the column in the file, "
                        "separated by commas."
                    )
                ),
                field="mapping",
            )
        pairs[ours.strip()] = theirs.strip()
    if not pairs and not dotted_codes:
        return None
    return ColumnMapping(pairs, dotted_codes)


def with_known_ids(before: Tree, uploaded: Tree) -> Tree:
    """The uploaded tree with the latest version's ids for concepts it brings under other
    ids (or without any): those are paired by label and path with the concepts it lacks."""
    old, new = before.concepts, uploaded.concepts
    gone = {c for c in old.keys() - new.keys() if old[c].active}
    arrived = {c for c in new.keys() - old.keys() if new[c].active}
    if not gone or not arrived:
        return uploaded
    found = match(before, uploaded)
    pairs = {new: old for new, old in found.pairs.items() if new in arrived and old in gone}
    if not pairs:
        return uploaded
    return adopt_ids(before, uploaded, Matching(pairs, [], []))
