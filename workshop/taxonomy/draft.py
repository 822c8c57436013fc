"""A mutable working copy of a tree, used inside apply/merge/diff and frozen at the end.

Copying a 100,000-concept tree per change would be far too slow, so a Draft copies the two
top-level maps once and each sibling list only when it first changes. A journal records the
first old value of everything a transaction touches, so a proposal can be rolled back whole.

Positions are renumbered lazily: inserting at the front of 20,000 siblings must not rewrite
20,000 concepts. A parent whose list shifted is marked stale; `get` answers a stale
concept's true position from the list, and `freeze` renumbers each stale list once.
Duplicate sibling labels are found through an index per parent, built on first use and kept
up to date, so a change set is checked against its siblings without scanning them.
"""

from __future__ import annotations

from dataclasses import replace

from .model import Concept, Tree, preorder
from .text import label_key

_ABSENT = object()
LabelKey = tuple[str, str]  # (language, normalised label)


class Draft:
    def __init__(self, tree: Tree) -> None:
        self.concepts: dict[str, Concept] = dict(tree.concepts)
        self._children: dict[str | None, tuple[str, ...] | list[str]] = dict(tree.children)
        self._owned: set[str | None] = set()
        self._old_concepts: dict[str, object] | None = None
        self._old_children: dict[str | None, object] | None = None
        self._stale: set[str | None] = set()
        self._labels: dict[str | None, dict[LabelKey, set[str]]] = {}

    # -- reading ---------------------------------------------------------------------------
    def get(self, concept_id: str) -> Concept | None:
        """The concept with its true position (see `concepts` for the stored one)."""
        concept = self.concepts.get(concept_id)
        if concept is not None and concept.active and concept.parent in self._stale:
            return self._placed(concept)
        return concept

    def _placed(self, concept: Concept) -> Concept:
        index = self._index(self._children.get(concept.parent, ()), concept)
        return concept if concept.position == index else replace(concept, position=index)

    @staticmethod
    def _index(siblings: tuple[str, ...] | list[str], concept: Concept) -> int:
        index = concept.position
        if index < len(siblings) and siblings[index] == concept.id:
            return index
        return siblings.index(concept.id)

    def position(self, concept_id: str) -> int:
        """The index of an active concept among its siblings."""
        concept = self.concepts[concept_id]
        return self._index(self._children.get(concept.parent, ()), concept)

    def same_label(self, concept: Concept) -> list[tuple[str, str, str]]:
        """(language, label, other id) for each active sibling sharing one of the concept's
        labels, in a stable order."""
        index = self._label_index(concept.parent)
        found = []
        for language, label in sorted(concept.labels.items()):
            for other in sorted(index.get((language, label_key(label)), set()) - {concept.id}):
                found.append((language, label, other))
        return found

    def _label_index(self, parent: str | None) -> dict[LabelKey, set[str]]:
        index = self._labels.get(parent)
        if index is None:
            index = self._labels[parent] = {}
            for concept_id in self._children.get(parent, ()):
                self._index_labels(index, self.concepts[concept_id], add=True)
        return index

    @staticmethod
    def _index_labels(index: dict[LabelKey, set[str]], concept: Concept, add: bool) -> None:
        for language, label in concept.labels.items():
            key = (language, label_key(label))
            if add:
                index.setdefault(key, set()).add(concept.id)
            elif key in index:
                index[key].discard(concept.id)

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
        old = self.concepts.get(concept.id)
        if self._labels and (
            old is None
            or old.labels is not concept.labels
            or not old.active
            or not concept.active
            or old.parent != concept.parent
        ):
            if old is not None and old.active and old.parent in self._labels:
                self._index_labels(self._labels[old.parent], old, add=False)
            if concept.active and concept.parent in self._labels:
                self._index_labels(self._labels[concept.parent], concept, add=True)
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
        if index < len(siblings) - 1:
            self._stale.add(parent)  # the later siblings shifted
        self.put(replace(concept, parent=parent, position=index))

    def detach(self, concept_id: str) -> Concept:
        """Take an active concept out of its sibling list; returns it as it was (with its
        true position)."""
        concept = self.concepts[concept_id]
        siblings = self._own(concept.parent)
        index = self._index(siblings, concept)
        del siblings[index]
        if index < len(siblings):
            self._stale.add(concept.parent)
        if concept.parent in self._labels:
            self._index_labels(self._labels[concept.parent], concept, add=False)
        return concept if concept.position == index else replace(concept, position=index)

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
        self._labels.clear()  # rebuilt on demand: cheaper than journalling the indexes
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
        for parent in self._stale:
            for index, concept_id in enumerate(self._children.get(parent, ())):
                concept = self.concepts[concept_id]
                if concept.position != index:
                    self.put(replace(concept, position=index))
        self._stale.clear()
        children = {parent: tuple(ids) for parent, ids in self._children.items() if ids}
        return Tree(concepts=dict(self.concepts), children=children)
