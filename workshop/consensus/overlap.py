"""Which live proposals touch the same concept, or a concept and its subtree (computed on
the current consensus tree). A proposal's footprint is the set of concepts it touches: the
concept of each change, the parent it places a concept under, and what a merge merges
into. Pure: the tree is given as a `parent_of` function."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..taxonomy.changes import Add, Change, Merge, Move, Reinstate


class Kind(StrEnum):
    SAME = "same"  # both touch this concept
    INSIDE = "inside"  # ours is inside the subtree of a concept theirs touches
    AROUND = "around"  # theirs is inside the subtree of a concept ours touches


@dataclass(frozen=True, order=True)
class Overlap:
    other: int  # the other proposal
    kind: Kind
    ours: str  # the concept ours touches
    theirs: str  # the concept theirs touches


def footprint(changes: Iterable[Change]) -> frozenset[str]:
    touched: set[str] = set()
    for change in changes:
        if isinstance(change, Add):
            if change.parent is not None:
                touched.add(change.parent)  # the new concept is not in the tree yet
            continue
        touched.add(change.id)
        if isinstance(change, Move | Reinstate) and change.parent is not None:
            touched.add(change.parent)
        if isinstance(change, Merge):
            touched.add(change.into)
    return frozenset(touched)


ParentOf = Callable[[str], str | None]


def ancestors(concept: str, parent_of: ParentOf, limit: int = 10_000) -> list[str]:
    """The concepts above `concept`, nearest first (a concept not in the tree has none)."""
    found: list[str] = []
    current = parent_of(concept)
    while current is not None and len(found) < limit:
        found.append(current)
        current = parent_of(current)
    return found


def overlaps(
    mine: frozenset[str], others: Mapping[int, frozenset[str]], parent_of: ParentOf
) -> list[Overlap]:
    """How the footprint `mine` meets each of `others` (proposal id -> footprint), sorted.
    Work grows with the footprints and the tree's depth, not with the number of pairs."""
    touching: dict[str, set[int]] = defaultdict(set)  # concept -> proposals touching it
    below: dict[str, set[tuple[int, str]]] = defaultdict(set)  # concept -> touches under it
    for proposal, concepts in others.items():
        for concept in concepts:
            touching[concept].add(proposal)
            for above in ancestors(concept, parent_of):
                below[above].add((proposal, concept))
    found: set[Overlap] = set()
    for concept in mine:
        found.update(Overlap(p, Kind.SAME, concept, concept) for p in touching.get(concept, ()))
        found.update(Overlap(p, Kind.AROUND, concept, c) for p, c in below.get(concept, ()))
        for above in ancestors(concept, parent_of):
            found.update(Overlap(p, Kind.INSIDE, concept, above) for p in touching.get(above, ()))
    return sorted(found)


def overlapping(found: Sequence[Overlap]) -> list[int]:
    """The other proposals, each once, in order."""
    return sorted({o.other for o in found})
