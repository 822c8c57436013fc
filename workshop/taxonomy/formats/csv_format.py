"""Flat tables (CSV, and XLSX through the same rows): one row per concept.

Header: id,parent,position,label_ar,label_en,note_ar,note_en,status,replaced_by, then any
label_<lang>, note_<lang>, alt_<lang> and hidden_<lang> (synonyms joined by " | "), other
notes as definition_<lang>, example_<lang>, history_note_<lang>,
editorial_note_<lang>, change_note_<lang>, general_note_<lang>, notation (codes joined
by " | "), related (ids joined by spaces), match_exact / match_close / match_broad /
match_narrow / match_related (IRIs joined by spaces) and iri. Other files can be read
with a column mapping, and parents derived from dotted codes such as 01.1.2 -> 01.1.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from ..details import Details, make_details
from ..findings import Finding
from ..ids import generate_id
from ..model import Concept, Status, Tree, make_concept
from ..text import LANGUAGE_TAG, label_key
from . import FormatError, Imported, decode, finish, problem, tables
from .limits import DEFAULT_LIMITS, Limits, over_limit

BASE_COLUMNS = (
    "id",
    "parent",
    "position",
    "label_ar",
    "label_en",
    "note_ar",
    "note_en",
    "status",
    "replaced_by",
)
ALT_SEPARATOR = " | "


def join_values(values: Iterable[str]) -> str:
    """Several values in one cell, joined by " | "; a "|" or "\\" inside a value is written
    with a backslash before it, so that every value reads back as it was."""
    return ALT_SEPARATOR.join(v.replace("\\", "\\\\").replace("|", "\\|") for v in values)


def split_values(cell: str) -> list[str]:
    """The values of a cell: split at each "|" without a backslash before it. A backslash
    before anything but "|" or "\\" is kept (C:\\files in a hand-written note stays)."""
    values: list[str] = []
    current: list[str] = []
    escaped = False
    for char in cell:
        if escaped:
            current.append(char if char in "|\\" else "\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "|":
            values.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    values.append("".join(current).strip())
    return [v for v in values if v]


@dataclass(frozen=True)
class ColumnMapping:
    """Which header of the file holds each of our columns (ours -> theirs), and whether the
    parent comes from a dotted code in the id column."""

    columns: Mapping[str, str] = field(default_factory=dict)
    dotted_codes: bool = False
    # "Level columns": their names from the top level down, the labels' language, and
    # optionally a code column per level (the codes become the ids).
    levels: tuple[str, ...] = ()
    level_codes: tuple[str, ...] = ()
    level_language: str = "ar"


NOTE_COLUMNS = {  # SKOS note kind -> the CSV column prefix (note_ is the scope note)
    "definition": "definition",
    "example": "example",
    "historyNote": "history_note",
    "editorialNote": "editorial_note",
    "changeNote": "change_note",
    "note": "general_note",
}
KIND_OF_COLUMN = {column: kind for kind, column in NOTE_COLUMNS.items()}


def table(tree: Tree) -> tuple[list[str], list[list[str]]]:
    """Header and rows: active concepts in tree order, then retired ones. Columns for
    synonyms, codes, links and other notes appear when some concept has them."""
    concepts = tree.concepts.values()
    languages = sorted(
        {lang for c in concepts for lang in (*c.labels, *c.notes, *c.alt_labels)} - {"ar", "en"}
    )
    alt_languages = sorted({lang for c in concepts for lang in c.alt_labels})
    hidden_languages = sorted({lang for c in concepts for lang in c.details.hidden_labels})
    kinds = sorted({kind for c in concepts for kind in c.details.mappings})
    notes = sorted(
        {
            (k, lang)
            for c in concepts
            for k, texts in c.details.other_notes.items()
            for lang in texts
        }
    )
    has_notation = any(c.details.notations for c in concepts)
    has_iri = any(c.details.iri for c in concepts)
    header = [
        *BASE_COLUMNS,
        *(f"label_{lang}" for lang in languages),
        *(f"note_{lang}" for lang in languages),
        *(f"alt_{lang}" for lang in alt_languages),
        *(f"hidden_{lang}" for lang in hidden_languages),
        *(f"{NOTE_COLUMNS[kind]}_{lang}" for kind, lang in notes),
        *(["notation"] if has_notation else []),
        "related",
        *(f"match_{kind}" for kind in kinds),
        *(["iri"] if has_iri else []),
    ]
    rows = []
    ordered = [*tree.walk(), *tree.retired()]
    for concept in ordered:
        details = concept.details
        row = [
            concept.id,
            concept.parent or "",
            str(concept.position),
            concept.labels.get("ar", ""),
            concept.labels.get("en", ""),
            concept.notes.get("ar", ""),
            concept.notes.get("en", ""),
            concept.status.value,
            concept.replaced_by or "",
        ]
        row.extend(concept.labels.get(lang, "") for lang in languages)
        row.extend(concept.notes.get(lang, "") for lang in languages)
        row.extend(join_values(details.alt_labels.get(lang, ())) for lang in alt_languages)
        row.extend(join_values(details.hidden_labels.get(lang, ())) for lang in hidden_languages)
        row.extend(
            join_values(details.other_notes.get(kind, {}).get(lang, ())) for kind, lang in notes
        )
        if has_notation:
            row.append(join_values(details.notations))
        row.append(" ".join(details.related))
        row.extend(" ".join(details.mappings.get(kind, ())) for kind in kinds)
        if has_iri:
            row.append(details.iri or "")
        rows.append(row)
    return header, rows


# Cells a spreadsheet program would run as a formula (OWASP "CSV injection"): written with
# a leading apostrophe, which this reader takes off again, so the value round-trips.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def restored(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def write(tree: Tree) -> bytes:
    """UTF-8 CSV with a byte order mark, so that spreadsheet programs read Arabic right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header, rows = table(tree)
    writer.writerow(header)
    writer.writerows([neutralised(v) for v in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def read(
    data: bytes, mapping: ColumnMapping | None = None, limits: Limits = DEFAULT_LIMITS
) -> Imported:
    """A tree from CSV bytes, or FormatError naming each line at fault."""
    return read_rows(_csv_rows(data, limits), mapping or ColumnMapping(), limits)


def read_tables(
    tables: Sequence[tuple[str, bytes]], mapping: ColumnMapping, limits: Limits = DEFAULT_LIMITS
) -> Imported:
    """Linked tables, the top level first: (name, CSV bytes) pairs (tables.linked)."""
    return read_linked([(name, _csv_rows(data, limits)) for name, data in tables], mapping, limits)


def _csv_rows(data: bytes, limits: Limits) -> Iterator[tuple[int, Sequence[str]]]:
    """(line, cells) pairs. A quote left open would swallow the rest of the file into one
    cell: it is refused, naming the line where the row began."""
    text = decode(data)
    # The csv module's own limit is global to the process: it is only ever raised, to the
    # configured one, which _named_rows checks for every format.
    if csv.field_size_limit() < limits.cell_chars:
        csv.field_size_limit(limits.cell_chars)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    began = 1
    try:
        for row in reader:
            yield began, row
            began = reader.line_num + 1
    except csv.Error as error:
        reason = str(error)
        if "end of data" in reason:
            reason += " (a quote left open?)"
        raise FormatError([problem("bad_file", line=began, format="CSV", reason=reason)]) from None


def read_rows(
    rows: Iterable[tuple[int, Sequence[str]]],
    mapping: ColumnMapping,
    limits: Limits = DEFAULT_LIMITS,
) -> Imported:
    """Shared by CSV and XLSX: (line number, cells) pairs, the first being the header."""
    parsed = _named_rows(rows, mapping, _Tally(limits))
    ids_given = bool(mapping.level_codes) or any(row.get("id") for _line, row in parsed)
    if mapping.levels:
        parsed = tables.from_levels(
            parsed, mapping.levels, mapping.level_codes, mapping.level_language
        )
    return _imported(parsed, mapping, ids_given)


def read_linked(
    named: Sequence[tuple[str, Iterable[tuple[int, Sequence[str]]]]],
    mapping: ColumnMapping,
    limits: Limits = DEFAULT_LIMITS,
) -> Imported:
    """Several tables, each read like one file, linked by their parent columns."""
    tally = _Tally(limits)
    parsed = [(name, _named_rows(rows, mapping, tally)) for name, rows in named]
    ids_given = all(any(row.get("id") for _line, row in rows) for _name, rows in parsed)
    rows, notes = tables.linked(parsed)
    return _imported(rows, mapping, ids_given, notes)


def _imported(
    parsed: list[tables.Row],
    mapping: ColumnMapping,
    ids_given: bool,
    notes: list[Finding] | None = None,
) -> Imported:
    concepts, lines, problems = _concepts(parsed, mapping)
    return finish(
        concepts, lines, metadata={"ids_generated": not ids_given}, errors=problems, notes=notes
    )


class _Tally:
    """Rows and cells read so far, in every table of an import: a file over a limit is
    refused at the row that crosses it, before the rest is read."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.rows = 0
        self.cells = 0

    def header(self, names: Sequence[str]) -> None:
        if len(names) > self.limits.columns:
            raise FormatError(
                [over_limit("too_many_columns", self.limits.columns, line=1, count=len(names))]
            )

    def row(self, line: int, names: Sequence[str], cells: Sequence[object]) -> None:
        limits = self.limits
        self.rows += 1
        if self.rows > limits.concepts:
            raise FormatError([over_limit("too_many_rows", limits.concepts, line=line)])
        for number, cell in enumerate(cells):
            if cell is None or cell == "":
                continue
            self.cells += 1
            if isinstance(cell, str) and len(cell) > limits.cell_chars:
                column = names[number] if number < len(names) else str(number + 1)
                raise FormatError(
                    [over_limit("cell_too_long", limits.cell_chars, line=line, column=column)]
                )
        if self.cells > limits.cells:
            raise FormatError([over_limit("too_many_cells", limits.cells, line=line)])


def _named_rows(
    rows: Iterable[tuple[int, Sequence[str]]], mapping: ColumnMapping, tally: _Tally
) -> list[tables.Row]:
    """The rows after the header, cells by our column names (the mapping's, or the file's
    own)."""
    iterator: Iterator[tuple[int, Sequence[str]]] = iter(rows)
    try:
        _line, header = next(iterator)
    except StopIteration:
        raise FormatError([problem("empty_file")]) from None
    names = [str(h).strip() for h in header]
    while names and not names[-1]:
        names.pop()  # a spreadsheet's header may end in empty cells
    tally.header(names)
    if mapping.levels:
        missing = [c for c in (*mapping.levels, *mapping.level_codes) if c not in names]
        if missing:
            raise FormatError([problem("wrong_header", line=1, columns=", ".join(missing))])
    else:
        labelled = {k for k, v in mapping.columns.items() if k.startswith("label_") and v in names}
        if not labelled and not any(n.startswith("label_") for n in names):
            raise FormatError([problem("wrong_header", line=1, columns="label_ar / label_en")])
    index = {name: i for i, name in enumerate(names)}
    ours_by_theirs = {v: k for k, v in mapping.columns.items()}
    bad = [
        name
        for name in names
        if (tag := _language_of(ours_by_theirs.get(name, name))) is not None
        and not LANGUAGE_TAG.match(tag)
    ]
    if bad:
        raise FormatError([problem("bad_language", line=1, column=c) for c in bad])
    parsed: list[tables.Row] = []
    for line, cells in iterator:
        if not any(str(c).strip() for c in cells):
            continue
        tally.row(line, names, cells)
        row = {
            ours_by_theirs.get(name, name): (
                restored(str(cells[i])).strip() if i < len(cells) else ""
            )
            for name, i in index.items()
        }
        parsed.append((line, row))
    return parsed


LANGUAGE_PREFIXES = (
    "label_",
    "note_",
    "alt_",
    "hidden_",
    *(f"{c}_" for c in NOTE_COLUMNS.values()),
)


def _language_of(column: str) -> str | None:
    """The language a column holds text in (label_ar -> ar), None for other columns."""
    for prefix in LANGUAGE_PREFIXES:
        if column.startswith(prefix):
            return column[len(prefix) :]
    return None


def _concepts(
    parsed: list[tuple[int, dict[str, str]]], mapping: ColumnMapping
) -> tuple[list[Concept], dict[str, int], list[Finding]]:
    """Rows to concepts: ids generated where the file has none, and a parent given by its
    label (in any language) where the file names parents that way. Rows with bad values
    are left out and reported, so that the rest can be checked too."""
    problems: list[Finding] = []
    given = {row["id"] for _line, row in parsed if row.get("id")}
    taken = set(given)
    ids = [row.get("id") or generate_id(_labels(row), taken) for _line, row in parsed]
    by_label: dict[str, list[str]] = {}
    for concept_id, (_line, row) in zip(ids, parsed, strict=True):
        for label in _labels(row).values():
            by_label.setdefault(label_key(label), []).append(concept_id)

    concepts: list[Concept] = []
    lines: dict[str, int] = {}
    counters: dict[str, int] = {}
    for concept_id, (line, row) in zip(ids, parsed, strict=True):
        if concept_id in lines:
            problems.append(problem("duplicate_id", concept_id, line=line))
            continue
        parent = row.get("parent") or None
        if parent is not None and parent not in given:
            named = by_label.get(label_key(parent), [])
            if len(named) == 1:
                parent = named[0]
        try:
            concepts.append(_concept(row, concept_id, parent, mapping, counters))
        except ValueError as error:
            problems.append(problem("bad_value", concept_id, line=line, **error.args[0]))
            continue
        lines[concept_id] = line
    return concepts, lines, problems


def _labels(row: Mapping[str, str]) -> dict[str, str]:
    return {k[6:]: v for k, v in row.items() if k.startswith("label_") and v}


def _concept(
    row: Mapping[str, str],
    concept_id: str,
    parent: str | None,
    mapping: ColumnMapping,
    counters: dict[str, int],
) -> Concept:
    labels = _labels(row)
    notes = {k[5:]: v for k, v in row.items() if k.startswith("note_")}
    if mapping.dotted_codes and "." in concept_id:
        parent = concept_id.rsplit(".", 1)[0]
    status_text = (row.get("status") or "active").strip().lower()
    if status_text not in ("active", "retired"):
        raise ValueError({"field": "status", "value": status_text, "expected": "active or retired"})
    position_text = (row.get("position") or "").strip()
    if position_text:
        if not position_text.isdigit():
            raise ValueError(
                {"field": "position", "value": position_text, "expected": "a whole number from 0"}
            )
        position = int(position_text)
    else:  # no position column: the file's order
        position = counters.get(parent or "", 0)
        counters[parent or ""] = position + 1
    return make_concept(
        concept_id,
        labels,
        notes,
        parent,
        position,
        Status(status_text),
        row.get("replaced_by", "").strip() or None,
        details=_details(row),
    )


def _details(row: Mapping[str, str]) -> Details:
    """Synonyms, hidden labels, other notes and codes are split at "|" (split_values),
    links at spaces (IRIs and ids have none)."""
    other: dict[str, dict[str, list[str]]] = {}
    for column, value in row.items():
        prefix, _sep, language = column.rpartition("_")
        kind = KIND_OF_COLUMN.get(prefix)
        if kind is not None and value:
            other.setdefault(kind, {})[language] = split_values(value)
    return make_details(
        alt_labels=_split_by_language(row, "alt_"),
        hidden_labels=_split_by_language(row, "hidden_"),
        notations=split_values(row.get("notation", "")),
        related=row.get("related", "").split(),
        mappings={k[6:]: v.split() for k, v in row.items() if k.startswith("match_") and v.strip()},
        other_notes=other,
        iri=row.get("iri") or None,
    )


def _split_by_language(row: Mapping[str, str], prefix: str) -> dict[str, list[str]]:
    return {k[len(prefix) :]: split_values(v) for k, v in row.items() if k.startswith(prefix) and v}
