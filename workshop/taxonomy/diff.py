"""Differences between two trees as changes: apply(a, diff(a, b)) == b."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import is_

from .apply import LENIENT, Result, apply_one
from .changes import (
    Add,
    Annotate,
    AnnotateSeen,
    Change,
    ChildPolicy,
    Move,
    MoveSeen,
    Reinstate,
    ReinstateSeen,
    Relabel,
    RelabelSeen,
    Retire,
    RetireSeen,
)
from .details import FIELDS
from .draft import Draft
from .memory import without_gc_pauses
from .model import Concept, Status, Tree
from .sequences import longest_increasing


class DiffError(ValueError):
    """b cannot be reached from a with the change operations."""


@without_gc_pauses
def diff(a: Tree, b: Tree) -> list[Change]:
    """The changes that turn `a` into `b`, each recording what it saw in `a`.

    Relabels and moves are recognised as such. A move is a real change of parent, or of
    order among siblings that kept their parent: the siblings that stay in order (the longest
    increasing run of their old positions) are never reported, however far they shifted, so
    moving one concept out of 20,000 siblings is one move. The cost is linear in the size of
    the trees plus, per move, a scan of one sibling list.

    Concepts of `a` that `b` lacks or has retired are retired (with b's replaced_by); a
    concept retired in `a` and active in `b` is reinstated; a concept retired in both gets
    b's labels, details and replacement. Concepts `b` does not have at all stay as they are
    in `a` (ids are never deleted), so apply(a, diff(a, b)) has every concept of b as b has
    it, and the rest retired.
    """
    draft = Draft(a)
    changes: list[Change] = []

    def emit(change: Change) -> None:
        result, _placed = apply_one(draft, change, LENIENT)  # labels are b's business
        assert result is Result.APPLIED, change
        changes.append(change)

    current_of, target_of = draft.concepts.get, b.concepts.__getitem__
    for parent in (None, *b.descendants(None)):  # parents before their children
        targets = b.children_of(parent)
        if not targets:
            continue
        present = draft.children(parent)
        if tuple(present) == targets and _same_objects(targets, current_of, target_of):
            continue  # the same concepts (objects) in the same order: nothing to say
        staying = _in_order(targets, present)
        previous: str | None = None
        for concept_id in targets:
            target = b.concepts[concept_id]
            current = draft.concepts.get(concept_id)
            after, previous = previous, concept_id
            if current is None or concept_id not in staying:
                # Right after the sibling placed before it: positions in between belong
                # to concepts that leave this parent later.
                position = 0 if after is None else draft.position(after) + 1
            if current is None:
                emit(Add(concept_id, parent, position, target.labels, target.notes, target.details))
                continue
            if current is not target:  # the same object: its content is unchanged
                if not current.active:
                    emit(Reinstate(concept_id, parent, position, ReinstateSeen(current.status)))
                    for edit in _edits(draft.concepts[concept_id], target):
                        emit(edit)
                    continue
                for edit in _edits(current, target):
                    emit(edit)
            # (Its order may still have changed: a sibling may have moved around it.)
            if concept_id not in staying:
                now = draft.position(concept_id)
                if current.parent == parent and now < position:
                    position -= 1  # a move's position counts the siblings without itself
                emit(Move(concept_id, parent, position, MoveSeen(current.parent, now)))

    # Concepts that leave the tree; retired one by one with "promote", so their order does
    # not matter for the result: sorted by id for a stable output.
    in_b = b.concepts.get
    leaving = sorted(
        c
        for c, concept in a.concepts.items()
        if concept.active
        and (found := in_b(c)) is not concept  # (the same object: active in b too)
        and (found is None or not found.active)
    )
    still_retired: list[str] = []
    for gone in b.retired():
        before = a.concepts.get(gone.id)
        if before is None:  # born and retired between a and b
            emit(
                Add(gone.id, None, len(draft.children(None)), gone.labels, gone.notes, gone.details)
            )
            leaving.append(gone.id)
        elif not before.active and before is not gone:
            still_retired.append(gone.id)
    for concept_id in _replaced_first(leaving, b):
        concept = b.get(concept_id)
        replaced_by = concept.replaced_by if concept is not None else None
        replacement = draft.get(replaced_by) if replaced_by is not None else None
        if replaced_by is not None and (replacement is None or not replacement.active):
            raise DiffError(
                f"{concept_id} is replaced by {replaced_by}, which is not an "
                "active concept when it is retired"
            )
        if concept is not None:  # relabelled, then retired
            for edit in _edits(draft.concepts[concept_id], concept):
                emit(edit)
        # Promote: the children still here are retired too, later; none of them is in b.
        emit(Retire(concept_id, ChildPolicy.PROMOTE, replaced_by, RetireSeen(Status.ACTIVE)))
    for concept_id in sorted(still_retired):  # retired on both sides, changed in between
        current, target = draft.concepts[concept_id], b.concepts[concept_id]
        for edit in _edits(current, target):
            emit(edit)
        if current.replaced_by != target.replaced_by:
            seen = RetireSeen(Status.RETIRED, None, current.replaced_by)
            emit(Retire(concept_id, ChildPolicy.PROMOTE, target.replaced_by, seen))
    return changes


def _edits(current: Concept, target: Concept) -> list[Change]:
    """The relabel and annotate that give `current` the labels, notes and details of
    `target` (none when they already match)."""
    edits: list[Change] = []
    relabelled = _relabel(current, target)
    if relabelled is not None:
        edits.append(relabelled)
    if current.details != target.details:
        names = [f for f in FIELDS if getattr(current.details, f) != getattr(target.details, f)]
        edits.append(
            Annotate(
                current.id,
                {f: getattr(target.details, f) for f in names},
                AnnotateSeen({f: getattr(current.details, f) for f in names}, current.status),
            )
        )
    return edits


def _same_objects(
    ids: Sequence[str],
    current_of: Callable[[str], Concept | None],
    target_of: Callable[[str], Concept],
) -> bool:
    return all(map(is_, map(current_of, ids), map(target_of, ids)))


def _in_order(targets: tuple[str, ...], current: Sequence[str]) -> set[str]:
    """The largest set of `targets` already among `current` in the same relative order."""
    where = {concept_id: index for index, concept_id in enumerate(current)}
    return longest_increasing([(where[c], c) for c in targets if c in where])


def _replaced_first(leaving: list[str], b: Tree) -> list[str]:
    """Retire a concept before the one that replaces it (that one must still be active)."""
    leaving_set = set(leaving)

    def chain_length(concept_id: str) -> int:
        length, seen = 0, {concept_id}
        concept = b.get(concept_id)
        target = concept.replaced_by if concept is not None else None
        while target in leaving_set and target not in seen:
            length, seen = length + 1, seen | {target}
            concept = b.get(target)
            target = concept.replaced_by if concept is not None else None
        return length

    return sorted(leaving, key=lambda c: -chain_length(c))  # stable: ties keep tree order


def _relabel(current: Concept, target: Concept) -> Relabel | None:
    if current.labels == target.labels and current.notes == target.notes:
        return None

    def touched(now: Mapping[str, str], then: Mapping[str, str]) -> dict[str, str | None]:
        return {
            k: then.get(k) for k in sorted(now.keys() | then.keys()) if now.get(k) != then.get(k)
        }

    labels = touched(current.labels, target.labels)
    notes = touched(current.notes, target.notes)
    return Relabel(
        current.id,
        labels,
        notes,
        RelabelSeen(
            {k: current.labels.get(k) for k in labels},
            {k: current.notes.get(k) for k in notes},
            current.status,
        ),
    )
