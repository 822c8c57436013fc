"""The audit log as a hash chain: each entry carries the hash of the one before it, so an
entry edited, inserted or deleted afterwards breaks the chain at that place. A published
version and the consensus document cite the chain's head at publication, which also
catches a chain rewritten from some point on.

Pure: rows come in as plain values, in the order of their sequence numbers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

GENESIS = "0" * 64  # what the first entry names as the hash before it


@dataclass(frozen=True)
class Link:
    """What an entry's hash covers, and the hashes it carries."""

    id: int
    seq: int | None
    at: datetime
    actor_id: int | None
    agency_id: int | None
    action: str
    target: str
    details: Mapping[str, Any]
    note: str
    prev_hash: str | None
    entry_hash: str | None


def moment(at: datetime) -> str:
    """A time as the hash sees it: UTC, to the microsecond (a naive time is UTC)."""
    utc = at if at.tzinfo is None else at.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="microseconds")


def digest(link: Link, seq: int, prev_hash: str) -> str:
    """The hash of an entry: its fields and the hash before it, as canonical JSON (sorted
    keys, no spaces, UTF-8)."""
    return hashlib.sha256(_canonical([seq, *_fields(link), prev_hash])).hexdigest()


def middle(link: Link) -> bytes:
    """The bytes the hash covers between the sequence number and the hash before it: the
    body is b"[" + seq + b"," + middle + b',"' + prev_hash + b'"]' (for a hexadecimal
    prev_hash), which lets the database finish the hash once it knows the chain's head."""
    return _canonical(_fields(link))[1:-1]


def _fields(link: Link) -> list[Any]:
    return [
        moment(link.at),
        link.actor_id,
        link.agency_id,
        link.action,
        link.target,
        link.details,
        link.note,
    ]


def _canonical(fields: list[Any]) -> bytes:
    try:
        return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer beyond 64 bits: the same canonical form, more slowly
        return json.dumps(
            fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold."""

    id: int  # the entry's id (for head_unknown: the version's)
    seq: int | None
    reason: str  # edited, missing_before, not_chained, out_of_sequence, head_unknown

    def words(self) -> str:
        if self.reason == "head_unknown":
            return f"the chain head that version {self.id} cites is not in the chain"
        where = f"entry {self.id}" + (f" (number {self.seq} in the chain)" if self.seq else "")
        return {
            "edited": f"{where} was changed after it was written",
            "missing_before": f"an entry before {where} was deleted or changed",
            "not_chained": f"{where} was added outside the application",
            "out_of_sequence": f"{where} does not follow the one before it",
        }[self.reason]


@dataclass(frozen=True)
class Verdict:
    entries: int
    head: str  # the hash of the last entry (GENESIS for an empty log)
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify(links: Iterable[Link], cited_heads: Iterable[tuple[int, str]] = ()) -> Verdict:
    """Walk the chain in sequence order (it starts at 1); entries never chained (no
    sequence number) are additions from outside. `cited_heads` are (version id, head)
    pairs: each must be the hash of some entry, or the chain was rewritten after that
    version was published."""
    expected, prev, seen = 1, GENESIS, 0
    hashes = set()
    for link in links:
        seen += 1
        if link.seq is None or link.entry_hash is None or link.prev_hash is None:
            return Verdict(seen, prev, Break(link.id, link.seq, "not_chained"))
        if link.seq < expected:
            return Verdict(seen, prev, Break(link.id, link.seq, "out_of_sequence"))
        if link.seq > expected or link.prev_hash != prev:
            return Verdict(seen, prev, Break(link.id, link.seq, "missing_before"))
        if digest(link, link.seq, link.prev_hash) != link.entry_hash:
            return Verdict(seen, prev, Break(link.id, link.seq, "edited"))
        prev = link.entry_hash
        hashes.add(prev)
        expected += 1
    for version_id, head in cited_heads:
        if head and head not in hashes:
            return Verdict(seen, prev, Break(version_id, None, "head_unknown"))
    return Verdict(seen, prev, None)
