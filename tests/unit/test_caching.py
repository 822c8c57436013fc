"""The bounded caches: least recently used entries go; one thread makes a missing entry."""

from __future__ import annotations

import threading
import time

import pytest

from workshop.caching import BoundedCache


def test_the_least_recently_used_entry_goes_first():
    cache: BoundedCache[int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now the most recent
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_concurrent_callers_wait_for_one_maker():
    cache: BoundedCache[str] = BoundedCache(4)
    made = []

    def make() -> str:
        made.append(threading.get_ident())
        time.sleep(0.2)
        return "tree"

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_make("v1", make)))
        for _ in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["tree"] * 16 and len(made) == 1


def test_a_failed_maker_lets_the_next_caller_try():
    cache: BoundedCache[str] = BoundedCache(4)

    def broken() -> str:
        raise RuntimeError("disk")

    with pytest.raises(RuntimeError):
        cache.get_or_make("k", broken)
    assert cache.get_or_make("k", lambda: "ok") == "ok"
