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

from .details import FIELDS, NO_DETAILS, Details, field_value
from .model import Concept, Status
from .text import clean, clean_map

FrozenText = Mapping[str, str]
NO_TEXT: FrozenText = {}


def _frozen(values: Mapping[str, str | None] | None) -> FrozenText:
    return clean_map(values)


def touched_texts(values: Mapping[str, str | None] | None) -> Mapping[str, str | None]:
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
    return Relabel(clean(id), touched_texts(labels), touched_texts(notes), seen)


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


# The JSON form lives in changes_json; it is part of this module's face.
from .changes_json import ChangeFormatError as ChangeFormatError  # noqa: E402
from .changes_json import from_json as from_json  # noqa: E402
from .changes_json import to_json as to_json  # noqa: E402
