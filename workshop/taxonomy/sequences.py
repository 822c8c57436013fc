"""Which members of a sequence are already in order (for diffs and for order keys)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def longest_increasing(pairs: Sequence[tuple[int, T]]) -> set[T]:
    """The items of a longest run whose numbers strictly increase, in the given order
    (O(n log n)): the members that can stay where they are while the others move."""
    tails: list[int] = []  # tails[k]: the smallest last number of an increasing run of k+1
    tail_at: list[int] = []  # the index in `pairs` that ends that run
    before: list[int] = [-1] * len(pairs)
    for n, (number, _item) in enumerate(pairs):
        k = bisect_left(tails, number)
        if k == len(tails):
            tails.append(number)
            tail_at.append(n)
        else:
            tails[k], tail_at[k] = number, n
        before[n] = tail_at[k - 1] if k else -1
    kept: set[T] = set()
    n = tail_at[-1] if tail_at else -1
    while n >= 0:
        kept.add(pairs[n][1])
        n = before[n]
    return kept
