"""Sparse order keys: siblings keep their keys when others are placed among them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.storage.order_keys import GAP, assign


def test_a_first_list_gets_evenly_spaced_keys():
    assert assign(["a", "b", "c"], {}) == {"a": GAP, "b": 2 * GAP, "c": 3 * GAP}


def test_an_insert_at_the_front_keeps_every_other_key():
    old = {f"s{i}": (i + 1) * GAP for i in range(1000)}
    keys = assign(["new", *old], old)
    assert {c: k for c, k in keys.items() if k != old.get(c)} == {"new": 0}


def test_one_moved_sibling_is_the_only_one_rekeyed():
    old = {c: (i + 1) * GAP for i, c in enumerate("abcdef")}
    keys = assign(list("abdecf"), old)  # c moved after e
    assert [c for c in keys if keys[c] != old[c]] == ["c"]
    assert old["e"] < keys["c"] < old["f"]


def test_a_used_up_gap_renumbers_the_whole_list():
    keys = assign(["a", "x", "y", "b"], {"a": 10, "b": 11})
    assert list(keys.values()) == [GAP, 2 * GAP, 3 * GAP, 4 * GAP]


@settings(max_examples=200, deadline=None)
@given(
    old=st.lists(st.integers(-(10**9), 10**9), unique=True, max_size=30).map(sorted),
    data=st.data(),
)
def test_keys_follow_the_new_order_and_keep_what_stays_in_order(old, data):
    ids = [f"c{n}" for n in range(len(old))]
    before = dict(zip(ids, old, strict=True))
    kept = data.draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
    new = [f"n{n}" for n in range(data.draw(st.integers(0, 5)))]
    order = data.draw(st.permutations(kept + new))
    keys = assign(order, before)
    assert set(keys) == set(order)
    assert [keys[c] for c in order] == sorted(keys[c] for c in order)
    assert len({keys[c] for c in order}) == len(order)
