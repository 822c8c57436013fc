"""Reading an uploaded classification file: format, column mapping, and the ids it keeps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from ..taxonomy import (
    Finding,
    Matching,
    Tree,
    adopt_ids,
    match,
    read_crosswalk,
    with_crosswalk,
)
from ..taxonomy.formats import ID_CHOICES, ColumnMapping, FormatError
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
    # Pair the file's concepts with the latest version's by label, and take the old ids
    # for the pairs (otherwise the file's ids are authoritative).
    match_labels: bool = False
    ids: str = "auto"  # how SKOS concepts get ids: auto, notation, suffix or iri
    # Linked tables: the other CSV files (name, bytes), levels below this file's; or, for
    # one XLSX file, `linked` reads every sheet as a level.
    more: tuple[tuple[str, bytes], ...] = ()
    linked: bool = False
    # A correspondence table (old code -> new code) from the latest version to this file.
    crosswalk: bytes | None = None

    @property
    def tables(self) -> list[tuple[str, bytes]]:
        return [(table_name(self.filename), self.data), *self.more]


def table_name(filename: str) -> str:
    """A linked table's name (ids are prefixed with it when tables share ids)."""
    return filename.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "table"


@dataclass(frozen=True)
class Parsed:
    tree: Tree
    fmt: str
    warnings: list[Finding] = field(default_factory=list)
    ids_given: bool = True  # False when every id was made up from the labels
    crosswalk: list[tuple[str, str]] | None = None

    def source(self, filename: str) -> str:
        return f"{self.fmt}: {filename}"


def parse(upload: Upload) -> Parsed:
    """Read an uploaded file with the engine; InvalidFile lists every problem."""
    chosen = formats.detect(upload.filename, upload.data, upload.fmt)
    if upload.ids not in ID_CHOICES:
        raise ServiceError(
            str(_l("Choose how ids are made: %(choices)s.", choices=", ".join(ID_CHOICES))),
            field="ids",
        )
    try:
        if upload.more or upload.linked:
            imported = formats.read_linked(upload.tables, chosen, upload.mapping)
        else:
            imported = formats.read(upload.data, chosen, upload.mapping, upload.ids)
    except FormatError as error:
        raise InvalidFile(
            str(
                lazy_ngettext(
                    "The file was not imported: %(num)d problem.",
                    "The file was not imported: %(num)d problems.",
                    len(error.findings),
                )
            ),
            error.findings,
        ) from None
    links = None
    if upload.crosswalk is not None:
        try:
            links = read_crosswalk(upload.crosswalk)
        except FormatError as error:
            raise InvalidFile(
                str(
                    lazy_ngettext(
                        "The correspondence table was not read: %(num)d problem.",
                        "The correspondence table was not read: %(num)d problems.",
                        len(error.findings),
                    )
                ),
                error.findings,
            ) from None
    ids_given = not imported.metadata.get("ids_generated", False)
    return Parsed(imported.tree, chosen, list(imported.warnings), ids_given, links)


def column_mapping(
    text: str,
    dotted_codes: bool = False,
    levels: str = "",
    level_codes: str = "",
    level_language: str = "ar",
) -> ColumnMapping | None:
    """ "id=Code, label_en=Description_EN" -> a ColumnMapping (None when empty). `levels`
    names the level columns from the top ("Sector, Division, Service"), `level_codes` a
    code column per level."""
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
    names = tuple(n.strip() for n in levels.split(",") if n.strip())
    codes = tuple(n.strip() for n in level_codes.split(",") if n.strip())
    if codes and len(codes) != len(names):
        raise ServiceError(
            str(_l("Give one code column for each level column, or none.")), field="levels"
        )
    if not pairs and not dotted_codes and not names:
        return None
    language = level_language.strip().lower() or "ar"
    return ColumnMapping(pairs, dotted_codes, names, codes, language)


@dataclass(frozen=True)
class Pair:
    """A concept of the file paired by label with one of the latest version: the file's
    concept is published under the old id."""

    old_id: str
    new_id: str
    reason: str  # "path", or the language of the label that paired them
    old_labels: Mapping[str, str]
    new_labels: Mapping[str, str]


def with_ids(before: Tree, parsed: Parsed, upload: Upload) -> tuple[Tree, list[Pair]]:
    """The file's tree as it will be published, and the pairs made by label.

    A file's ids are authoritative: a new id is an add, an id that disappeared is a retire
    (pointed at its new code when a correspondence table came with the file). Only for a
    file without ids, or when the user asks for it, are concepts paired by label with the
    concepts of the latest version that the file lacks, and given their ids; the pairs
    are returned for the user to see before anything is published."""
    tree, pairs = _paired(before, parsed, upload)
    if parsed.crosswalk:
        tree, notes = with_crosswalk(before, tree, parsed.crosswalk)
        parsed.warnings.extend(notes)
    return tree, pairs


def _paired(before: Tree, parsed: Parsed, upload: Upload) -> tuple[Tree, list[Pair]]:
    uploaded = parsed.tree
    if parsed.ids_given and not upload.match_labels:
        return uploaded, []
    old, new = before.concepts, uploaded.concepts
    gone = {c for c in old.keys() - new.keys() if old[c].active}
    arrived = {c for c in new.keys() - old.keys() if new[c].active}
    if not gone or not arrived:
        return uploaded, []
    found = match(before, uploaded)
    pairs = {new: old for new, old in found.pairs.items() if new in arrived and old in gone}
    if not pairs:
        return uploaded, []
    shown = [
        Pair(old_id, new_id, found.reasons[new_id], old[old_id].labels, new[new_id].labels)
        for new_id, old_id in sorted(pairs.items(), key=lambda p: p[1])
    ]
    return adopt_ids(before, uploaded, Matching(pairs, [], [])), shown
