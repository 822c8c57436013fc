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
    mine: frozenset[str],
    others: Mapping[int, frozenset[str]],
    parent_of: ParentOf,
    children_of: ChildrenOf | None = None,
) -> list[Overlap]:
    """How the footprint `mine` meets each of `others` (proposal id -> footprint), sorted.

    Only the concepts that meet `mine` are looked at one by one: the concepts above mine,
    mine, and those in mine's subtrees are indexed first (subtrees walked down with
    `children_of` when given and small, else each concept's path walked up once, with a
    memo), and each other footprint is intersected with the index (a set operation), so
    the work grows with the concepts that meet, not with all the footprints hold."""
    above: dict[str, list[str]] = defaultdict(list)  # an ancestor -> mine under it
    for concept in mine:
        for ancestor in ancestors(concept, parent_of):
            above[ancestor].append(concept)
    distinct: set[str] = set().union(*others.values()) if others else set()
    under = _under(mine, distinct, parent_of, children_of)  # a concept -> mine above it
    meeting = (distinct & mine) | (distinct & above.keys()) | under.keys()
    result: set[Overlap] = set()
    for other, theirs in others.items():
        for concept in theirs & meeting:
            if concept in mine:
                result.add(Overlap(other, Kind.SAME, concept, concept))
            for below in above.get(concept, ()):
                result.add(Overlap(other, Kind.INSIDE, below, concept))
            for over in under.get(concept, ()):
                result.add(Overlap(other, Kind.AROUND, over, concept))
    return sorted(result)


ChildrenOf = Callable[[str], Sequence[str]]


def _under(
    mine: frozenset[str],
    candidates: set[str],
    parent_of: ParentOf,
    children_of: ChildrenOf | None,
) -> dict[str, tuple[str, ...]]:
    """Which of `candidates` lie strictly inside the subtree of concepts of `mine`, and
    under which of them."""
    found: dict[str, tuple[str, ...]] = {}
    if children_of is not None:
        budget = 4 * len(candidates) + 1_000  # beyond it, walking up is the cheaper way
        subtrees: dict[str, list[str]] = {}
        for top in mine:
            stack, inside = list(children_of(top)), []
            while stack and budget > 0:
                concept = stack.pop()
                inside.append(concept)
                stack.extend(children_of(concept))
                budget -= 1
            subtrees[top] = inside
        if budget > 0:
            for top, inside in subtrees.items():
                for concept in candidates.intersection(inside):
                    found[concept] = (*found.get(concept, ()), top)
            return found
    memo: dict[str, tuple[str, ...]] = {}  # a concept -> mine at or above it

    def mine_at_or_above(concept: str | None) -> tuple[str, ...]:
        chain: list[str] = []
        while concept is not None and concept not in memo and len(chain) < 10_000:
            chain.append(concept)
            concept = parent_of(concept)
        above = memo.get(concept, ()) if concept is not None else ()
        for node in reversed(chain):
            if node in mine:
                above = (*above, node)
            memo[node] = above
        return above

    for concept in candidates:
        over = mine_at_or_above(parent_of(concept))
        if over:
            found[concept] = over
    return found


def overlapping(found: Sequence[Overlap]) -> list[int]:
    """The other proposals, each once, in order."""
    return sorted({o.other for o in found})
