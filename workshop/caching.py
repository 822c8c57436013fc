"""Bounded, thread-safe caches of what published (immutable) versions give: trees, exports,
rendered fragments. One thread computes a missing entry while the others wait for it
(single flight), so 32 first requests after a restart or a publish build it once. With
WORKSHOP_CACHE_URL (Redis), exports and fragments are also kept there, for every worker
process and across restarts (SharedCache)."""

from __future__ import annotations

import gzip
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

import brotli
from flask import Flask, current_app, has_app_context

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


class SharedStore:
    """Bytes by key in Redis, shared by the server's processes. A store that does not
    answer is left alone for a while: the caches then work as if it were not configured
    (each process makes what it misses), and a request never fails for it."""

    TIMEOUT_SECONDS = 0.5
    PAUSE_SECONDS = 30.0
    KEPT_SECONDS = 7 * 24 * 3600  # Redis's maxmemory policy bounds it before that

    def __init__(self, url: str) -> None:
        import redis

        self.url = url
        self.client: Any = redis.Redis.from_url(
            url,
            socket_timeout=self.TIMEOUT_SECONDS,
            socket_connect_timeout=self.TIMEOUT_SECONDS,
        )
        self._resting_until = 0.0

    def get(self, key: str) -> bytes | None:
        if time.monotonic() < self._resting_until:
            return None
        try:
            found = self.client.get(key)
        except Exception as error:  # any failure of the store: carry on without it
            self._rest(error)
            return None
        return bytes(found) if found is not None else None

    def set(self, key: str, value: bytes) -> None:
        if time.monotonic() < self._resting_until:
            return
        try:
            self.client.set(key, value, ex=self.KEPT_SECONDS)
        except Exception as error:
            self._rest(error)

    def _rest(self, error: Exception) -> None:
        self._resting_until = time.monotonic() + self.PAUSE_SECONDS
        logging.getLogger(__name__).warning(
            "shared cache %s does not answer (%s); going on without it for %d s",
            self.url,
            error,
            self.PAUSE_SECONDS,
        )


SHARED = "workshop.shared_cache"


def use_shared_store(app: Flask, url: str | None) -> None:
    """The app keeps exports and fragments in the store at `url` too (None: in each
    process only)."""
    app.extensions[SHARED] = SharedStore(url) if url else None


def shared_store() -> SharedStore | None:
    """The current app's shared store, if it has one."""
    return current_app.extensions.get(SHARED) if has_app_context() else None


class SharedCache(BoundedCache[V]):
    """A BoundedCache whose entries are also kept in the shared store, when there is one:
    what one worker process made, the others (and the next start) find there."""

    def __init__(
        self,
        size: int,
        name: str,
        encode: Callable[[V], bytes],
        decode: Callable[[bytes], V],
    ) -> None:
        super().__init__(size)
        self.name, self.encode, self.decode = name, encode, decode

    def get_or_make(self, key: Hashable, make: Callable[[], V]) -> V:
        store = shared_store()
        if store is None:
            return super().get_or_make(key, make)
        address = f"workshop:{self.name}:{hashlib.sha256(repr(key).encode()).hexdigest()}"

        def found_or_made() -> V:
            kept = store.get(address)
            if kept is not None:
                return self.decode(kept)
            value = make()
            store.set(address, self.encode(value))
            return value

        return super().get_or_make(key, found_or_made)
