"""The JSON form of the change operations (DESIGN.md section 5): what the database, the
API and exports hold. `from_json` names the field at fault in ChangeFormatError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .changes import (
    OPS,
    Add,
    Annotate,
    AnnotateSeen,
    Change,
    ChildPolicy,
    Merge,
    MergeSeen,
    Move,
    MoveSeen,
    Reinstate,
    ReinstateSeen,
    Relabel,
    RelabelSeen,
    Retire,
    RetireSeen,
    add,
    relabel,
    touched_texts,
)
from .details import FIELDS, NO_DETAILS, Details, field_record, field_value, from_record, record
from .model import Status
from .text import clean


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
                touched_texts(_texts(seen, "labels")),
                touched_texts(_texts(seen, "notes")),
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
