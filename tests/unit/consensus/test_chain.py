"""The audit chain: a chain built entry by entry verifies; any edit, deletion or insertion
is found, at the first entry it breaks."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from workshop.consensus.chain import GENESIS, Link, digest, middle, verify

START = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
details = st.dictionaries(
    st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=8)), max_size=3
)
entries = st.lists(
    st.tuples(st.sampled_from(["ballot.cast", "round.closed", "تعديل"]), st.text(), details),
    min_size=1,
    max_size=30,
)


def chained(raw) -> list[Link]:
    links, prev = [], GENESIS
    for n, (action, target, data) in enumerate(raw, start=1):
        link = Link(
            n, n, START + timedelta(microseconds=n), None, 3, action, target, data, "", prev, None
        )
        prev = digest(link, n, prev)
        links.append(replace(link, entry_hash=prev))
    return links


@given(entries)
def test_a_chain_as_written_holds(raw):
    links = chained(raw)
    verdict = verify(links, [(1, links[-1].entry_hash)])
    assert verdict.ok and verdict.entries == len(links) and verdict.head == links[-1].entry_hash


@given(entries, st.data())
def test_an_edited_entry_is_named(raw, data):
    links = chained(raw)
    at = data.draw(st.integers(0, len(links) - 1))
    links[at] = replace(links[at], target=links[at].target + "x")
    broken = verify(links).broken
    assert broken is not None and broken.id == links[at].id and broken.reason == "edited"


@given(entries, st.data())
def test_a_deleted_entry_is_found_at_the_next(raw, data):
    links = chained(raw)
    if len(links) < 2:
        return
    at = data.draw(st.integers(0, len(links) - 2))
    after = links[at + 1]
    del links[at]
    broken = verify(links).broken
    assert broken is not None and broken.id == after.id and broken.reason == "missing_before"


@given(entries)
def test_a_deleted_last_entry_is_found_by_the_head_a_version_cites(raw):
    links = chained(raw)
    cited = links[-1].entry_hash
    broken = verify(links[:-1], [(7, cited)]).broken
    assert broken is not None and broken.id == 7 and broken.reason == "head_unknown"


@given(entries, st.data())
def test_an_inserted_entry_is_found(raw, data):
    links = chained(raw)
    at = data.draw(st.integers(0, len(links)))
    stranger = Link(999, None, START, None, None, "forged", "", {}, "", None, None)
    links.insert(at, stranger)
    broken = verify(links).broken
    assert broken is not None and broken.id == 999 and broken.reason == "not_chained"


@given(entries, st.data())
def test_a_rewritten_tail_is_found_by_the_cited_head(raw, data):
    """Whoever edits an entry and recomputes every hash after it still cannot match the
    head a published version cites."""
    links = chained(raw)
    cited = links[-1].entry_hash
    at = data.draw(st.integers(0, len(links) - 1))
    forged = [(a, t + ("x" if i == at else ""), d) for i, (a, t, d) in enumerate(raw)]
    rewritten = chained(forged)
    assert verify(rewritten).ok
    assert not verify(rewritten, [(1, cited)]).ok


@given(
    entries,
    st.integers(1, 2**40),
    st.binary(min_size=32, max_size=32).map(bytes.hex),
    st.integers(-(2**70), 2**70),
)
def test_the_hash_finished_from_the_middle_is_the_digest(raw, seq, prev, big):
    """What the database finishes on PostgreSQL (services.audit.commit_chained): the
    sequence number and the hash before it around the middle bytes, hashed again."""
    action, target, data = raw[0]
    for details_ in (data, {**data, "n": big}):  # (beyond 64 bits: the slower canonical form)
        link = Link(1, None, START, 7, None, action, target, details_, "ملاحظة", None, None)
        body = b"[%d," % seq + middle(link) + b',"' + prev.encode() + b'"]'
        assert hashlib.sha256(body).hexdigest() == digest(link, seq, prev)
