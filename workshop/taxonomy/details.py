"""What a concept carries besides its place, labels and scope note: synonyms, hidden
labels, codes, related and mapping links, other notes and its IRI (the SKOS fields).

They travel together: a concept without any shares one empty `Details`, and one change
operation (`annotate`) sets any of them. Every field has one canonical form (sorted
tuples, languages and kinds in order), so two Details are equal exactly when a file would
write the same data, and the JSON form (`record` / `from_record`) round-trips.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from .text import clean

Multi = Mapping[str, tuple[str, ...]]  # language (or kind) -> values
NO_MULTI: Multi = MappingProxyType({})
NO_NOTES: Mapping[str, Multi] = MappingProxyType({})

# SKOS mapping properties, by the name we keep them under (exactMatch -> "exact").
MATCH_KINDS = ("exact", "close", "broad", "narrow", "related")
# SKOS notes besides scopeNote (which is the concept's `notes`).
NOTE_KINDS = ("definition", "example", "historyNote", "editorialNote", "changeNote", "note")


@dataclass(frozen=True, slots=True)
class Details:
    alt_labels: Multi = field(
        default_factory=lambda: NO_MULTI
    )  # synonyms per language (skos:altLabel)
    hidden_labels: Multi = field(
        default_factory=lambda: NO_MULTI
    )  # search-only variants, e.g. misspellings (hiddenLabel)
    notations: tuple[str, ...] = ()  # codes (skos:notation)
    related: tuple[str, ...] = ()  # ids of related concepts in the same taxonomy
    mappings: Multi = field(default_factory=lambda: NO_MULTI)  # match kind -> IRIs in other schemes
    other_notes: Mapping[str, Multi] = field(
        default_factory=lambda: NO_NOTES
    )  # note kind -> language -> texts
    iri: str | None = None  # the concept's IRI in the file it came from

    def __bool__(self) -> bool:
        return self != NO_DETAILS

    def search_texts(self) -> Iterable[str]:
        """Synonyms, hidden labels and codes: what search should find besides labels."""
        for values in (*self.alt_labels.values(), *self.hidden_labels.values()):
            yield from values
        yield from self.notations


NO_DETAILS = Details()
FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Details))


def clean_multi(values: Mapping[str, Iterable[str]] | None, lower_keys: bool = True) -> Multi:
    """Values per key cleaned, without empties or repeats, sorted for a stable order."""
    result = {}
    for key, texts in (values or {}).items():
        if isinstance(texts, str):
            texts = [texts]
        cleaned = tuple(sorted({clean(str(text)) for text in texts} - {""}))
        if cleaned:
            name = clean(key)
            result[name.lower() if lower_keys else name] = cleaned
    return MappingProxyType(dict(sorted(result.items()))) if result else NO_MULTI


def clean_list(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(sorted({clean(str(v)) for v in values or ()} - {""}))


def clean_notes(values: Mapping[str, Mapping[str, Iterable[str]]] | None) -> Mapping[str, Multi]:
    result = {}
    for kind, texts in (values or {}).items():
        cleaned = clean_multi(texts)
        if cleaned:
            result[clean(kind)] = cleaned
    return MappingProxyType(dict(sorted(result.items()))) if result else NO_NOTES


def make_details(
    alt_labels: Mapping[str, Iterable[str]] | None = None,
    hidden_labels: Mapping[str, Iterable[str]] | None = None,
    notations: Iterable[str] | None = None,
    related: Iterable[str] | None = None,
    mappings: Mapping[str, Iterable[str]] | None = None,
    other_notes: Mapping[str, Mapping[str, Iterable[str]]] | None = None,
    iri: str | None = None,
) -> Details:
    """Details in canonical form; the shared empty one when there is nothing."""
    made = Details(
        clean_multi(alt_labels),
        clean_multi(hidden_labels),
        clean_list(notations),
        clean_list(related),
        clean_multi(mappings, lower_keys=False),
        clean_notes(other_notes),
        clean(iri) or None if iri else None,
    )
    return made if made else NO_DETAILS


def field_record(name: str, value: Any) -> Any:
    """One field as plain JSON data."""
    if name in ("notations", "related"):
        return list(value)
    if name == "other_notes":
        return {kind: {k: list(v) for k, v in texts.items()} for kind, texts in value.items()}
    if name == "iri":
        return value
    return {k: list(v) for k, v in value.items()}


def field_value(name: str, data: Any) -> Any:
    """One field from plain JSON data, in canonical form (ValueError names the problem)."""
    if name == "iri":
        if data is not None and not isinstance(data, str):
            raise ValueError("'iri' must be a string or null")
        return clean(data) or None if data else None
    if name in ("notations", "related"):
        if not isinstance(data, list | tuple) or not all(isinstance(v, str) for v in data):
            raise ValueError(f"'{name}' must be a list of strings")
        return clean_list(data)
    if not isinstance(data, Mapping):
        raise ValueError(f"'{name}' must be an object")
    if name == "other_notes":
        _check_kinds(data, NOTE_KINDS, name)
        for kind, texts in data.items():
            _check_multi(texts, f"other_notes.{kind}")
        return clean_notes(data)
    if name == "mappings":
        _check_kinds(data, MATCH_KINDS, name)
    _check_multi(data, name)
    return clean_multi(data, lower_keys=name != "mappings")


def _check_kinds(data: Mapping[str, Any], kinds: tuple[str, ...], name: str) -> None:
    unknown = sorted(set(data) - set(kinds))
    if unknown:
        raise ValueError(
            f"'{name}' has unknown kinds {', '.join(unknown)} (known: {', '.join(kinds)})"
        )


def _check_multi(data: Any, name: str) -> None:
    if not isinstance(data, Mapping) or not all(
        isinstance(v, list | tuple) and all(isinstance(t, str) for t in v) for v in data.values()
    ):
        raise ValueError(f"'{name}' must map names to lists of strings")


def record(details: Details) -> dict[str, Any]:
    """The non-empty fields as plain JSON data (an empty Details gives {})."""
    if details is NO_DETAILS:
        return {}
    return {
        name: field_record(name, value)
        for name in FIELDS
        if (value := getattr(details, name)) not in (None, (), NO_MULTI, NO_NOTES) and value
    }


def from_record(data: Mapping[str, Any]) -> Details:
    """Details from a record (unknown keys are ignored: the caller checks its own)."""
    present = {name: field_value(name, data[name]) for name in FIELDS if data.get(name)}
    if not present:
        return NO_DETAILS
    made = Details(**present)
    return made if made else NO_DETAILS


def detail_text(value: object) -> str:
    """A detail field's value on one line, for messages and pages ("-" when empty)."""
    if not value:
        return "-"
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {detail_text(inner)}" for key, inner in value.items())
    return str(value)
