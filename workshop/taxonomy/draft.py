"""A mutable working copy of a tree, used inside apply/merge/diff and frozen at the end.

Copying a 100,000-concept tree per change would be far too slow, so a Draft copies the two
top-level maps once and each sibling list only when it first changes. A journal records the
first old value of everything a transaction touches, so a proposal can be rolled back whole.

Positions are renumbered lazily: inserting at the front of 20,000 siblings must not rewrite
20,000 concepts. A parent whose list shifted is marked stale; `get` answers a stale
concept's true position from the list, and `freeze` renumbers each stale list once.

Duplicate sibling labels are found through the tree's index per parent (built once per
tree) and what this draft changed on top of it, so a change set is checked against its
siblings without scanning them.
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import Concept, LabelKey, Tree, preorder
from .text import label_key

_ABSENT = object()


class SiblingLabels:
    """One parent's active children by label: the tree's index and the draft's changes."""

    def __init__(self, base: Mapping[LabelKey, tuple[str, ...]]) -> None:
        self.base = base
        self.added: dict[LabelKey, set[str]] = {}
        self.removed: dict[LabelKey, set[str]] = {}

    def ids(self, key: LabelKey) -> set[str]:
        found = set(self.base.get(key, ()))
        found -= self.removed.get(key, set())
        return found | self.added.get(key, set())

    def change(self, concept: Concept, add: bool) -> None:
        for language, label in concept.labels.items():
            key = (language, label_key(label))
            in_base = concept.id in self.base.get(key, ())
            if add:
                self.removed.get(key, set()).discard(concept.id)
                if not in_base:
                    self.added.setdefault(key, set()).add(concept.id)
            else:
                self.added.get(key, set()).discard(concept.id)
                if in_base:
                    self.removed.setdefault(key, set()).add(concept.id)


class Draft:
    def __init__(self, tree: Tree) -> None:
        self.tree = tree
        self.concepts: dict[str, Concept] = dict(tree.concepts)
        self._children: dict[str | None, tuple[str, ...] | list[str]] = dict(tree.children)
        self._owned: set[str | None] = set()
        self._old_concepts: dict[str, object] | None = None
        self._old_children: dict[str | None, object] | None = None
        self._stale: set[str | None] = set()
        self._labels: dict[str | None, SiblingLabels] = {}
        # Concepts put under, or taken from, each parent since the tree (a superset).
        self._put_under: dict[str | None, set[str]] = {}

    # -- reading ---------------------------------------------------------------------------
    def get(self, concept_id: str) -> Concept | None:
        """The concept with its true position (`concepts` holds the stored one)."""
        concept = self.concepts.get(concept_id)
        if concept is not None and concept.active and concept.parent in self._stale:
            index = self._index(self._children.get(concept.parent, ()), concept)
            if index != concept.position:
                return concept.placed(concept.parent, index)
        return concept

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

    def same_label(self, concept: Concept) -> list[tuple[str, str, str]]:
        """(language, label, other id) for each active sibling sharing one of the concept's
        labels, in a stable order."""
        index = self._label_index(concept.parent)
        found = []
        for language, label in sorted(concept.labels.items()):
            for other in sorted(index.ids((language, label_key(label))) - {concept.id}):
                found.append((language, label, other))
        return found

    def _label_index(self, parent: str | None) -> SiblingLabels:
        """The tree's index of the parent, with what this draft changed replayed on it."""
        index = self._labels.get(parent)
        if index is None:
            index = self._labels[parent] = SiblingLabels(self.tree.sibling_labels(parent))
            for concept_id in sorted(self._put_under.get(parent, ())):
                concept, old = self.concepts.get(concept_id), self.tree.concepts.get(concept_id)
                if concept is old or concept is None:
                    continue
                if old is not None and old.active and old.parent == parent:
                    index.change(old, add=False)
                if concept.active and concept.parent == parent:
                    index.change(concept, add=True)
        return index

    # -- writing ---------------------------------------------------------------------------
    def put(self, concept: Concept) -> None:
        if self._old_concepts is not None and concept.id not in self._old_concepts:
            self._old_concepts[concept.id] = self.concepts.get(concept.id, _ABSENT)
        old = self.concepts.get(concept.id)
        if old is not None:
            self._put_under.setdefault(old.parent, set()).add(concept.id)
        self._put_under.setdefault(concept.parent, set()).add(concept.id)
        self._reindex(old, concept)
        self.concepts[concept.id] = concept

    def _reindex(self, old: Concept | None, new: Concept | None) -> None:
        """Keep the label indexes in step (most changes touch no label, parent or status:
        those cost nothing here)."""
        if not self._labels or (
            old is not None
            and new is not None
            and old.labels is new.labels
            and old.parent == new.parent
            and old.status is new.status
        ):
            return
        if old is not None and old.active and old.parent in self._labels:
            self._labels[old.parent].change(old, add=False)
        if new is not None and new.active and new.parent in self._labels:
            self._labels[new.parent].change(new, add=True)

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
        self.put(concept.placed(parent, index))

    def detach(self, concept_id: str) -> Concept:
        """Take an active concept out of its sibling list; returns it as it was, with its
        true position. (The caller puts it back or retires it.)"""
        concept = self.concepts[concept_id]
        siblings = self._own(concept.parent)
        index = self._index(siblings, concept)
        del siblings[index]
        if index < len(siblings):
            self._stale.add(concept.parent)
        return concept if concept.position == index else concept.placed(concept.parent, index)

    # -- transactions ----------------------------------------------------------------------
    def begin(self) -> None:
        self._old_concepts = {}
        self._old_children = {}

    def rollback(self) -> None:
        assert self._old_concepts is not None and self._old_children is not None
        for concept_id, old in self._old_concepts.items():
            now = self.concepts.get(concept_id)
            if old is _ABSENT:
                self._reindex(now, None)
                del self.concepts[concept_id]
            else:
                assert isinstance(old, Concept)
                self._reindex(now, old)
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
        for parent in self._stale:
            for index, concept_id in enumerate(self._children.get(parent, ())):
                concept = self.concepts[concept_id]
                if concept.position != index:
                    self.put(concept.placed(parent, index))
        self._stale.clear()
        children = {parent: tuple(ids) for parent, ids in self._children.items() if ids}
        return Tree(concepts=dict(self.concepts), children=children)
