"""Bounded, thread-safe caches of what published (immutable) versions give: trees, exports,
rendered fragments. One thread computes a missing entry while the others wait for it
(single flight), so 32 first requests after a restart or a publish build it once."""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import brotli

V = TypeVar("V")
ENCODINGS = ("br", "gzip")  # in order of preference


def compressed(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return bytes(brotli.compress(data, quality=5))
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=6, mtime=0)
    raise ValueError(f"unknown encoding {encoding!r}")


class CompressedCopies:
    """Compressed copies of bytes that never change, made once per encoding."""

    def __init__(self) -> None:
        self._copies: dict[str, bytes] = {}

    def of(self, data: bytes, encoding: str) -> bytes:
        copy = self._copies.get(encoding)
        if copy is None:
            copy = self._copies[encoding] = compressed(data, encoding)
        return copy


class BoundedCache(Generic[V]):
    """Least-recently-used entries are dropped beyond `size` entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._making: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        """The entry, made by `make` if missing; concurrent callers for the same key wait
        for the one that makes it (if it fails, the next one tries)."""
        while True:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    return self._entries[key]
                done = self._making.get(key)
                if done is None:
                    done = self._making[key] = threading.Event()
                    break
            done.wait()
        try:
            value = make()
            self.put(key, value)
            return value
        finally:
            with self._lock:
                del self._making[key]
            done.set()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
