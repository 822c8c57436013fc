"""Pausing the cycle collector while many concepts are made.

Making tens of thousands of small objects sets Python's cycle collector off again and again;
it then walks every live object, which is half the time of a large apply or build. Concepts
and trees hold no reference cycles, so nothing is lost by collecting once, afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def paused_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def without_gc_pauses(function: Callable[P, R]) -> Callable[P, R]:
    """Run the function with the cycle collector paused (see the module's note)."""

    @wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with paused_gc():
            return function(*args, **kwargs)

    return run
