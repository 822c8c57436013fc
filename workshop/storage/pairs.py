"""The second tree of a pair of versions, made from the first and the rows that differ.

Two versions a workshop apart share nearly all their revision rows. Building the second
tree as the first was built (a concept per row, the sibling ranks, the checks of
`assemble`) cost as much again as the first; here the first tree's mappings are copied
and only the rows that differ, and the sibling groups they enter or leave, are worked
on. Positions still follow the order keys, so the result equals the tree read alone
(tests/web/test_versions.py compares them on random histories). Anything that would not
make a tree (a row's parent missing or retired, a loop, an id twice) gives None, and the
caller builds the tree whole, where `assemble` and `build` name the fault.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..taxonomy import Concept, Status, Tree

ACTIVE = Status.ACTIVE.value
# Columns of a row as read_pair reads it: ..., parent 3, order key 4, status 5, ...,
# valid_from -2, valid_to -1.
PARENT, KEY, STATUS = 3, 4, 5


def visible(row: Sequence[Any], number: int) -> bool:
    return bool(row[-2] <= number and (row[-1] is None or row[-1] > number))


def tree_beside(
    rows: Sequence[Sequence[Any]],
    first: Tree,
    first_number: int,
    number: int,
    make: Callable[[Sequence[Any]], Concept],
) -> Tree | None:
    """Version `number` as a Tree, from `first` (version `first_number`, read from the same
    `rows`) and the rows only one of the two versions has; `make` turns a row into a
    concept (at position 0). Concepts of rows both versions have at the same place are
    `first`'s objects, which the diff passes over. None when the rows make no tree."""
    concepts = dict(first.concepts)
    children = dict(first.children)
    affected: set[str | None] = set()  # parents whose children are not those of `first`
    arriving: list[Sequence[Any]] = []
    for row in rows:
        was, now = visible(row, first_number), visible(row, number)
        if was and not now:
            del concepts[row[0]]
            if row[STATUS] == ACTIVE:
                affected.add(row[PARENT])
        elif now and not was:
            arriving.append(row)
    for row in arriving:
        if row[0] in concepts:
            return None  # two rows of one id in this version
        concepts[row[0]] = make(row)
        if row[STATUS] == ACTIVE:
            affected.add(row[PARENT])
    members: dict[str | None, list[tuple[int, int, str]]] = {p: [] for p in affected}
    in_order = []
    for index, row in enumerate(rows):
        if visible(row, number):
            in_order.append(row[0])
            if row[STATUS] == ACTIVE and row[PARENT] in members:
                members[row[PARENT]].append((row[KEY], index, row[0]))
    for parent, group in members.items():
        if not _placed(parent, group, concepts, children):
            return None
    if not _still_a_tree(first, arriving, concepts, children):
        return None
    if len(in_order) != len(concepts):
        return None
    # In the order of the rows, as a tree read alone has them (exports list the retired so).
    return Tree(concepts={c: concepts[c] for c in in_order}, children=children)


def _placed(
    parent: str | None,
    group: list[tuple[int, int, str]],
    concepts: dict[str, Concept],
    children: dict[str | None, tuple[str, ...]],
) -> bool:
    """The parent's children in the order of their keys (then of their rows), each at its
    index; False if it has children but is not an active concept."""
    if not group:
        children.pop(parent, None)
        return True
    if parent is not None:
        above = concepts.get(parent)
        if above is None or above.status is not Status.ACTIVE:
            return False
    group.sort()
    ids = tuple(concept_id for _key, _index, concept_id in group)
    children[parent] = ids
    for position, concept_id in enumerate(ids):
        concept = concepts[concept_id]
        if concept.position != position:
            concepts[concept_id] = concept.placed(parent, position)
    return True


def _still_a_tree(
    first: Tree,
    arriving: list[Sequence[Any]],
    concepts: dict[str, Concept],
    children: dict[str | None, tuple[str, ...]],
) -> bool:
    """No concept that is gone or retired now keeps children, and every concept that
    arrives active reaches a root (no loop)."""
    for parent in first.children:
        if parent is None or not children.get(parent):
            continue
        concept = concepts.get(parent)
        if concept is None or concept.status is not Status.ACTIVE:
            return False
    rooted: set[str] = set()  # known to reach a root: a deep chain is walked once
    for row in arriving:
        if row[STATUS] != ACTIVE:
            continue
        seen: set[str] = set()
        current: str | None = row[0]
        while current is not None and current not in rooted:
            if current in seen or current not in concepts:
                return False
            seen.add(current)
            current = concepts[current].parent
        rooted |= seen
    return True
