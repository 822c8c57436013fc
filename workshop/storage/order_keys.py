"""Sparse order keys for siblings: placing one concept writes a row for that concept only.

Siblings sort by a 64-bit key. New keys leave gaps of GAP, so a concept inserted between two
siblings takes a key between theirs and no sibling is renumbered. Only when a gap is used up
is the whole sibling list given fresh keys (rows for all of them, once, rarely).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..taxonomy import longest_increasing

GAP = 1 << 20
SMALLEST, LARGEST = -(1 << 62), 1 << 62  # well inside the signed 64-bit column


class NoRoom(Exception):
    """The gap between two kept keys is too small for the concepts placed in it."""


def assign(children: Sequence[str], old: Mapping[str, int]) -> dict[str, int]:
    """A key for every child, in order: the old keys of the largest set of children that
    are still in order, and new keys between them for the rest."""
    try:
        return _keep_what_is_in_order(children, old)
    except NoRoom:
        return {concept_id: (n + 1) * GAP for n, concept_id in enumerate(children)}


def _keep_what_is_in_order(children: Sequence[str], old: Mapping[str, int]) -> dict[str, int]:
    kept = longest_increasing([(old[c], c) for c in children if c in old])
    keys: dict[str, int] = {}
    run: list[str] = []
    lower: int | None = None
    for concept_id in children:
        if concept_id in kept:
            keys.update(_between(run, lower, old[concept_id]))
            keys[concept_id] = lower = old[concept_id]
            run = []
        else:
            run.append(concept_id)
    keys.update(_between(run, lower, None))
    return keys


def _between(run: list[str], lower: int | None, upper: int | None) -> dict[str, int]:
    count = len(run)
    if not count:
        return {}
    if lower is None and upper is None:
        keys = [(n + 1) * GAP for n in range(count)]
    elif lower is None:
        assert upper is not None
        keys = [upper - (count - n) * GAP for n in range(count)]
    elif upper is None:
        keys = [lower + (n + 1) * GAP for n in range(count)]
    else:
        step = (upper - lower) // (count + 1)
        if step < 1:
            raise NoRoom
        keys = [lower + (n + 1) * step for n in range(count)]
    if keys[0] < SMALLEST or keys[-1] > LARGEST:
        raise NoRoom
    return dict(zip(run, keys, strict=True))
