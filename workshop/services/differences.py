"""What changed between two published versions, as the diff page, the API, the command line
and a version's record show it: the kept diff of a version and its parent
(storage/diffs.py), else the engine's diff of the two versions read together."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..caching import BoundedCache
from ..models import Taxonomy, Version
from ..storage import diffs
from ..storage import revisions as store
from ..taxonomy import Change, Move, Tree, diff
from .browsing import content_key, version_ref
from .permissions import Actor

differences: BoundedCache[Difference] = BoundedCache(8)


@dataclass(frozen=True)
class Difference:
    taxonomy: Taxonomy
    old: Version
    new: Version
    changes: list[Change]
    # Whole versions, or the concepts the changes show when the diff was kept (diffs.py).
    before: Tree | diffs.Excerpt
    after: Tree | diffs.Excerpt

    @property
    def counts(self) -> Counter[str]:
        return Counter(kind_of(c) for c in self.changes)

    def of_kind(self, kind: str) -> list[Change]:
        """The changes of one kind; for "" all but the reorders, which are listed apart
        (a new place among the same siblings matters less than the rest)."""
        if not kind:
            return [c for c in self.changes if kind_of(c) != "reorder"]
        return [c for c in self.changes if kind_of(c) == kind]


def kind_of(change: Change) -> str:
    """How a change is shown: its op, except that a move within the same parent (a new
    place among its siblings) is a "reorder", apart from the moves to another parent."""
    if isinstance(change, Move) and change.seen is not None and change.seen.parent == change.parent:
        return "reorder"
    return change.op


def difference(actor: Actor | None, slug: str, a: str | int, b: str | int) -> Difference:
    """The changes that turn version a into version b (computed once per pair: both are
    immutable)."""
    old, new = version_ref(actor, slug, a), version_ref(actor, slug, b)

    def compute() -> Difference:
        if new.version.parent_number == old.version.number:
            found = diffs.kept(new.version)  # kept when b was published
            if found is not None:
                return Difference(old.taxonomy, old.version, new.version, *found)
        before, after = store.read_pair(old.taxonomy, old.version, new.version)
        return Difference(
            old.taxonomy, old.version, new.version, diff(before, after), before, after
        )

    return differences.get_or_make((content_key(old), content_key(new)), compute)
