"""The change operations and their JSON form (DESIGN.md section 5): the five of the design,
`annotate` (synonyms, codes, links, other notes, IRI) and `reinstate` (a retired concept
comes back), so that the difference between any two versions can be expressed.

Each change may carry `seen` (JSON `from`): what the proposer saw in the base version for the
fields the change touches. That makes it a three-way change that can be applied to a later
version: unchanged since base -> apply; already equal -> no-op; changed otherwise -> conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Protocol

from .details import FIELDS, NO_DETAILS, Details, field_record, field_value, from_record, record
from .model import Concept, Status
from .text import clean, clean_map

FrozenText = Mapping[str, str]
NO_TEXT: FrozenText = {}


def _frozen(values: Mapping[str, str | None] | None) -> FrozenText:
    return clean_map(values)


def _touched(values: Mapping[str, str | None] | None) -> Mapping[str, str | None]:
    """Keys the change sets; None (or empty) removes the text in that language."""
    result: dict[str, str | None] = {}
    for language, value in (values or {}).items():
        text = clean(value) if value else ""
        result[clean(language).lower()] = text or None
    return dict(sorted(result.items()))


class ChildPolicy(StrEnum):
    PROMOTE = "promote"  # children take the retired concept's place
    CASCADE = "cascade"  # children are retired with it


@dataclass(frozen=True, slots=True)
class Add:
    id: str
    parent: str | None
    position: int
    labels: FrozenText
    notes: FrozenText = field(default_factory=lambda: NO_TEXT)
    details: Details = NO_DETAILS
    op = "add"


@dataclass(frozen=True, slots=True)
class RelabelSeen:
    labels: Mapping[str, str | None]
    notes: Mapping[str, str | None]
    # A retired concept's labels may change only when the change knew it was retired.
    status: Status = Status.ACTIVE


@dataclass(frozen=True, slots=True)
class Relabel:
    """Set (or, with None, remove) labels and notes in the languages given."""

    id: str
    labels: Mapping[str, str | None]
    notes: Mapping[str, str | None] = field(default_factory=lambda: NO_TEXT)
    seen: RelabelSeen | None = None
    op = "relabel"


@dataclass(frozen=True, slots=True)
class AnnotateSeen:
    values: Mapping[str, Any]
    status: Status = Status.ACTIVE


@dataclass(frozen=True, slots=True)
class Annotate:
    """Set whole fields of a concept's details (`values`: field name -> canonical value,
    see details.FIELDS); each field is compared three-way on its own."""

    id: str
    values: Mapping[str, Any]
    seen: AnnotateSeen | None = None
    op = "annotate"


@dataclass(frozen=True, slots=True)
class ReinstateSeen:
    status: Status


@dataclass(frozen=True, slots=True)
class Reinstate:
    """Bring a retired concept back into the tree under `parent` at `position`."""

    id: str
    parent: str | None
    position: int
    seen: ReinstateSeen | None = None
    op = "reinstate"


@dataclass(frozen=True, slots=True)
class MoveSeen:
    parent: str | None
    position: int


@dataclass(frozen=True, slots=True)
class Move:
    id: str
    parent: str | None
    position: int
    seen: MoveSeen | None = None
    op = "move"


@dataclass(frozen=True, slots=True)
class RetireSeen:
    status: Status
    descendants: tuple[str, ...] | None = None  # recorded for a cascade
    replaced_by: str | None = None  # recorded when it was retired already


@dataclass(frozen=True, slots=True)
class Retire:
    id: str
    children: ChildPolicy = ChildPolicy.PROMOTE
    replaced_by: str | None = None
    seen: RetireSeen | None = None
    op = "retire"


@dataclass(frozen=True, slots=True)
class MergeSeen:
    status: Status


@dataclass(frozen=True, slots=True)
class Merge:
    """Move the children of `id` under `into`, then retire `id` with replaced_by = into."""

    id: str
    into: str
    seen: MergeSeen | None = None
    op = "merge"


Change = Add | Relabel | Move | Retire | Merge | Annotate | Reinstate
OPS = ("add", "relabel", "move", "retire", "merge", "annotate", "reinstate")


def add(
    id: str,
    parent: str | None,
    position: int,
    labels: Mapping[str, str | None],
    notes: Mapping[str, str | None] | None = None,
    details: Details = NO_DETAILS,
) -> Add:
    return Add(
        clean(id),
        clean(parent) if parent else None,
        position,
        _frozen(labels),
        _frozen(notes),
        details,
    )


def annotate(id: str, **values: Any) -> Annotate:
    """An annotate change from plain values (ValueError names a field it cannot take)."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise ValueError(f"unknown field(s) {', '.join(unknown)}")
    return Annotate(clean(id), {k: field_value(k, v) for k, v in sorted(values.items())})


def relabel(
    id: str,
    labels: Mapping[str, str | None] | None = None,
    notes: Mapping[str, str | None] | None = None,
    seen: RelabelSeen | None = None,
) -> Relabel:
    return Relabel(clean(id), _touched(labels), _touched(notes), seen)


class TreeView(Protocol):
    """What `with_seen` reads: a Tree, or a Draft being edited."""

    def get(self, concept_id: str) -> Concept | None: ...

    def descendants(self, concept_id: str) -> list[str]: ...


def with_seen(change: Change, base: TreeView) -> Change:
    """The change with `seen` filled from the base tree when it was not recorded."""
    from dataclasses import replace

    if isinstance(change, Add) or getattr(change, "seen", None) is not None:
        return change
    concept = base.get(change.id)
    if concept is None:
        return change
    if isinstance(change, Relabel):
        return replace(
            change,
            seen=RelabelSeen(
                MappingProxyType({k: concept.labels.get(k) for k in change.labels}),
                MappingProxyType({k: concept.notes.get(k) for k in change.notes}),
            ),
        )
    # (Editing a retired concept takes a `seen` that says so; it is never inferred here, so
    # a proposal cannot edit a concept that is retired, whatever retired it.)
    if isinstance(change, Annotate):
        values = {k: getattr(concept.details, k) for k in change.values}
        return replace(change, seen=AnnotateSeen(MappingProxyType(values)))
    if isinstance(change, Reinstate):
        return replace(change, seen=ReinstateSeen(concept.status))
    if isinstance(change, Move):
        return replace(change, seen=MoveSeen(concept.parent, concept.position))
    if isinstance(change, Retire):
        descendants = (
            tuple(sorted(base.descendants(change.id)))
            if change.children is ChildPolicy.CASCADE and concept.active
            else None
        )
        replaced_by = None if concept.active else concept.replaced_by
        return replace(change, seen=RetireSeen(concept.status, descendants, replaced_by))
    return replace(change, seen=MergeSeen(concept.status))


class ChangeFormatError(ValueError):
    """A JSON change that cannot be read; the message names the field."""


def to_json(change: Change) -> dict[str, Any]:
    """The JSON form of a change (DESIGN.md section 5)."""
    data: dict[str, Any] = {"op": change.op, "id": change.id}
    if isinstance(change, Add):
        data.update(
            parent=change.parent,
            position=change.position,
            labels=dict(change.labels),
            notes=dict(change.notes),
            **record(change.details),
        )
        return data
    if isinstance(change, Relabel):
        data.update(labels=dict(change.labels), notes=dict(change.notes))
        if change.seen:
            data["from"] = {"labels": dict(change.seen.labels), "notes": dict(change.seen.notes)}
            if change.seen.status is not Status.ACTIVE:
                data["from"]["status"] = change.seen.status.value
    elif isinstance(change, Annotate):
        data.update({k: field_record(k, v) for k, v in change.values.items()})
        if change.seen:
            data["from"] = {k: field_record(k, v) for k, v in change.seen.values.items()}
            data["from"]["status"] = change.seen.status.value
    elif isinstance(change, Reinstate):
        data.update(parent=change.parent, position=change.position)
        if change.seen:
            data["from"] = {"status": change.seen.status.value}
    elif isinstance(change, Move):
        data.update(parent=change.parent, position=change.position)
        if change.seen:
            data["from"] = {"parent": change.seen.parent, "position": change.seen.position}
    elif isinstance(change, Retire):
        data.update(children=change.children.value, replaced_by=change.replaced_by)
        if change.seen:
            seen: dict[str, Any] = {"status": change.seen.status.value}
            if change.seen.descendants is not None:
                seen["descendants"] = list(change.seen.descendants)
            if change.seen.status is Status.RETIRED:
                seen["replaced_by"] = change.seen.replaced_by
            data["from"] = seen
    else:
        data["into"] = change.into
        if change.seen:
            data["from"] = {"status": change.seen.status.value}
    return data


def from_json(data: Mapping[str, Any]) -> Change:
    """Read one change; raises ChangeFormatError naming what is wrong."""
    if not isinstance(data, Mapping):
        raise ChangeFormatError("a change must be a JSON object")
    op = data.get("op")
    concept = _text(data, "id")
    seen = data.get("from")
    if seen is not None and not isinstance(seen, Mapping):
        raise ChangeFormatError(f"{op} {concept}: 'from' must be an object")
    if op == "add":
        return add(
            concept,
            _optional_text(data, "parent"),
            _position(data),
            _texts(data, "labels"),
            _texts(data, "notes"),
            _details(data, concept),
        )
    if op == "annotate":
        values = _field_values(data, concept)
        if not values:
            raise ChangeFormatError(f"annotate {concept}: give one of {', '.join(FIELDS)}")
        annotate_seen = None
        if seen is not None:
            annotate_seen = AnnotateSeen(
                _field_values(seen, concept, values), _status(seen, concept)
            )
        return Annotate(concept, values, annotate_seen)
    if op == "reinstate":
        reinstate_seen = ReinstateSeen(_status(seen, concept)) if seen is not None else None
        return Reinstate(concept, _optional_text(data, "parent"), _position(data), reinstate_seen)
    if op == "relabel":
        labels, notes = _texts(data, "labels"), _texts(data, "notes")
        if not labels and not notes:
            raise ChangeFormatError(f"relabel {concept}: give 'labels' or 'notes'")
        relabel_seen = None
        if seen is not None:
            relabel_seen = RelabelSeen(
                _touched(_texts(seen, "labels")),
                _touched(_texts(seen, "notes")),
                _status(seen, concept),
            )
        return relabel(concept, labels, notes, relabel_seen)
    if op == "move":
        move_seen = None
        if seen is not None:
            move_seen = MoveSeen(_optional_text(seen, "parent"), _position(seen))
        return Move(concept, _optional_text(data, "parent"), _position(data), move_seen)
    if op == "retire":
        try:
            policy = ChildPolicy(data.get("children", "promote"))
        except ValueError:
            raise ChangeFormatError(
                f"retire {concept}: 'children' must be 'promote' or 'cascade'"
            ) from None
        retire_seen = None
        if seen is not None:
            descendants = seen.get("descendants")
            retire_seen = RetireSeen(
                _status(seen, concept),
                tuple(sorted(clean(str(d)) for d in descendants))
                if descendants is not None
                else None,
                _optional_text(seen, "replaced_by"),
            )
        return Retire(concept, policy, _optional_text(data, "replaced_by"), retire_seen)
    if op == "merge":
        merge_seen = MergeSeen(_status(seen, concept)) if seen is not None else None
        return Merge(concept, _text(data, "into"), merge_seen)
    raise ChangeFormatError(f"unknown op {op!r} (expected one of {', '.join(OPS)})")


def _details(data: Mapping[str, Any], concept: str) -> Details:
    try:
        return from_record(data)
    except ValueError as error:
        raise ChangeFormatError(f"{concept}: {error}") from None


def _field_values(
    data: Mapping[str, Any], concept: str, only: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The detail fields present in `data` (for `from`: those the change sets, empty when
    absent), in canonical form."""
    names = sorted(only) if only is not None else [f for f in FIELDS if f in data]
    try:
        return {name: field_value(name, data.get(name, _EMPTY_FIELD[name])) for name in names}
    except ValueError as error:
        raise ChangeFormatError(f"annotate {concept}: {error}") from None


_EMPTY_FIELD: dict[str, Any] = {
    name: field_record(name, getattr(NO_DETAILS, name)) for name in FIELDS
}


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not clean(value):
        raise ChangeFormatError(f"'{key}' must be a non-empty string")
    return clean(value)


def _optional_text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ChangeFormatError(f"'{key}' must be a string or null")
    return clean(value) or None


def _position(data: Mapping[str, Any]) -> int:
    value = data.get("position", 0)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ChangeFormatError("'position' must be a whole number from 0")
    return value


def _texts(data: Mapping[str, Any], key: str) -> dict[str, str | None]:
    value = data.get(key) or {}
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in value.items()
    ):
        raise ChangeFormatError(f"'{key}' must map language codes to text")
    return dict(value)


def _status(seen: Mapping[str, Any], concept: str) -> Status:
    try:
        return Status(seen.get("status", "active"))
    except ValueError:
        raise ChangeFormatError(f"{concept}: 'from.status' must be active or retired") from None
