"""A mutable working copy of a tree, used inside apply/merge/diff and frozen at the end.

Copying a 100,000-concept tree per change would be far too slow, so a Draft copies the two
top-level maps once and each sibling list only when it first changes. A journal records the
first old value of everything a transaction touches, so a proposal can be rolled back whole.
"""

from __future__ import annotations

from dataclasses import replace

from .model import Concept, Tree, preorder

_ABSENT = object()


class Draft:
    def __init__(self, tree: Tree) -> None:
        self.concepts: dict[str, Concept] = dict(tree.concepts)
        self._children: dict[str | None, tuple[str, ...] | list[str]] = dict(tree.children)
        self._owned: set[str | None] = set()
        self._old_concepts: dict[str, object] | None = None
        self._old_children: dict[str | None, object] | None = None

    # -- reading ---------------------------------------------------------------------------
    def get(self, concept_id: str) -> Concept | None:
        return self.concepts.get(concept_id)

    def children(self, parent: str | None) -> tuple[str, ...] | list[str]:
        return self._children.get(parent, ())

    def is_ancestor_or_self(self, candidate: str, concept_id: str | None) -> bool:
        """True when `candidate` is `concept_id` or one of its ancestors."""
        current = concept_id
        while current is not None:
            if current == candidate:
                return True
            current = self.concepts[current].parent
        return False

    def descendants(self, concept_id: str) -> list[str]:
        """Active descendants in pre-order."""
        return preorder(self.children, concept_id)

    # -- writing ---------------------------------------------------------------------------
    def put(self, concept: Concept) -> None:
        if self._old_concepts is not None and concept.id not in self._old_concepts:
            self._old_concepts[concept.id] = self.concepts.get(concept.id, _ABSENT)
        self.concepts[concept.id] = concept

    def _own(self, parent: str | None) -> list[str]:
        if self._old_children is not None and parent not in self._old_children:
            self._old_children[parent] = self._children.get(parent, _ABSENT)
            # After a rollback the restored value must not be this (mutated) list.
            self._owned.discard(parent)
        if parent not in self._owned:
            self._children[parent] = list(self._children.get(parent, ()))
            self._owned.add(parent)
        siblings = self._children[parent]
        assert isinstance(siblings, list)
        return siblings

    def insert(self, concept: Concept, parent: str | None, index: int) -> None:
        """Place an active concept among `parent`'s children at `index` (clamped)."""
        siblings = self._own(parent)
        index = max(0, min(index, len(siblings)))
        siblings.insert(index, concept.id)
        self.put(replace(concept, parent=parent, position=index))
        self._renumber(siblings, index + 1)

    def detach(self, concept_id: str) -> Concept:
        """Take an active concept out of its sibling list; returns it as it was."""
        concept = self.concepts[concept_id]
        siblings = self._own(concept.parent)
        index = concept.position
        if index >= len(siblings) or siblings[index] != concept_id:
            index = siblings.index(concept_id)
        del siblings[index]
        self._renumber(siblings, index)
        return concept

    def _renumber(self, siblings: list[str], start: int) -> None:
        for index in range(start, len(siblings)):
            concept = self.concepts[siblings[index]]
            if concept.position != index:
                self.put(replace(concept, position=index))

    # -- transactions ----------------------------------------------------------------------
    def begin(self) -> None:
        self._old_concepts = {}
        self._old_children = {}

    def rollback(self) -> None:
        assert self._old_concepts is not None and self._old_children is not None
        for concept_id, old in self._old_concepts.items():
            if old is _ABSENT:
                del self.concepts[concept_id]
            else:
                assert isinstance(old, Concept)
                self.concepts[concept_id] = old
        for parent, old_children in self._old_children.items():
            self._owned.discard(parent)
            if old_children is _ABSENT:
                self._children.pop(parent, None)
            else:
                assert isinstance(old_children, tuple | list)
                self._children[parent] = tuple(old_children)
        self._old_concepts = self._old_children = None

    def commit(self) -> None:
        self._old_concepts = self._old_children = None

    def freeze(self) -> Tree:
        children = {parent: tuple(ids) for parent, ids in self._children.items() if ids}
        return Tree(concepts=dict(self.concepts), children=children)
