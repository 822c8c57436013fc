"""The proposal's mini-tree: the tree as the change set leaves it, cut down to the concepts
the changes touch and the paths above them, each touched concept marked with what happens
to it. A retired concept stays in the picture, struck through, where it was.

Pure: it reads the base tree, the resulting tree and the changes; a 100,000-concept tree
with one change gives a picture of a few lines (its size follows the changes, not the tree).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..taxonomy.changes import Change, Merge
from ..taxonomy.model import Tree


class Mark(StrEnum):
    ADDED = "added"
    RELABELLED = "relabelled"
    MOVED = "moved"
    RETIRED = "retired"
    RECEIVES = "receives"  # what another concept is merged into


MARK_OF_OP = {
    "add": Mark.ADDED,
    "reinstate": Mark.ADDED,
    "relabel": Mark.RELABELLED,
    "annotate": Mark.RELABELLED,
    "move": Mark.MOVED,
    "retire": Mark.RETIRED,
    "merge": Mark.RETIRED,
}


@dataclass(frozen=True)
class Branch:
    id: str
    labels: Mapping[str, str]
    marks: tuple[Mark, ...]
    active: bool  # False: retired (drawn where it was, struck through)
    children: tuple[Branch, ...]
    others: int  # its children in the result that are not shown


@dataclass(frozen=True)
class Preview:
    roots: tuple[Branch, ...]
    others: int  # top-level concepts not shown
    touched: int  # concepts the changes touch
    shown: int  # of them, how many are in the picture (at most the limit)

    def rows(self) -> list[tuple[int, Branch]]:
        """(depth, branch) from top to bottom: the picture as lines, for a page to draw
        without recursion."""
        found: list[tuple[int, Branch]] = []
        stack = [(0, b) for b in reversed(self.roots)]
        while stack:
            depth, branch = stack.pop()
            found.append((depth, branch))
            stack.extend((depth + 1, child) for child in reversed(branch.children))
        return found


def around(base: Tree, result: Tree, changes: Sequence[Change], limit: int = 200) -> Preview:
    """The picture of `changes` (which turned `base` into `result`): the first `limit`
    touched concepts, their ancestors in the result, and the siblings' count."""
    marks: dict[str, list[Mark]] = {}
    for change in changes:
        for concept_id, mark in _marked(change):
            if concept_id in result:
                found = marks.setdefault(concept_id, [])
                if mark not in found:
                    found.append(mark)
    touched = list(marks)
    picked = touched[:limit]
    placed: dict[str | None, list[str]] = {}  # parent -> retired concepts shown under it
    shown: set[str] = set()
    for concept_id in picked:
        concept = result[concept_id]
        if concept.active:
            shown.update(result.path(concept_id))
            continue
        parent = _active_place(base, result, concept_id)
        placed.setdefault(parent, []).append(concept_id)
        shown.add(concept_id)
        if parent is not None:
            shown.update(result.path(parent))

    # Nesting is as deep as the deepest touched concept; a chain 5,000 deep would exhaust
    # Python's stack, so the branches are built bottom-up instead of recursively.
    return Preview(
        roots=_built(result, shown, placed, marks),
        others=_others(result, None, shown),
        touched=len(touched),
        shown=len(picked),
    )


def _built(
    result: Tree,
    shown: set[str],
    placed: Mapping[str | None, list[str]],
    marks: Mapping[str, list[Mark]],
) -> tuple[Branch, ...]:
    order: list[str] = []  # parents before children
    stack: list[str | None] = [None]
    kids: dict[str | None, list[str]] = {}
    while stack:
        parent = stack.pop()
        listed = [c for c in result.children_of(parent) if c in shown]
        listed += placed.get(parent, [])
        kids[parent] = listed
        for child in listed:
            order.append(child)
            if result[child].active:
                stack.append(child)
    built: dict[str, Branch] = {}
    for concept_id in reversed(order):
        built[concept_id] = Branch(
            concept_id,
            result[concept_id].labels,
            tuple(marks.get(concept_id, ())),
            result[concept_id].active,
            tuple(built[c] for c in kids.get(concept_id, [])),
            _others(result, concept_id, shown) if result[concept_id].active else 0,
        )
    return tuple(built[c] for c in kids[None])


def _marked(change: Change) -> list[tuple[str, Mark]]:
    found = [(change.id, MARK_OF_OP[change.op])]
    if isinstance(change, Merge):
        found.append((change.into, Mark.RECEIVES))
    return found


def _active_place(base: Tree, result: Tree, concept_id: str) -> str | None:
    """Where a retired concept is drawn: under its parent in the base version, or the
    nearest ancestor of that still in the tree."""
    parent = (base.get(concept_id) or result[concept_id]).parent
    while parent is not None:
        concept = result.get(parent)
        if concept is not None and concept.active:
            return parent
        parent = (base.get(parent) or result[parent]).parent
    return None


def _others(result: Tree, parent: str | None, shown: set[str]) -> int:
    return sum(1 for c in result.children_of(parent) if c not in shown)
