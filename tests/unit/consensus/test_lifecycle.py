"""The proposal lifecycle as data: every walk through it keeps its rules."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workshop.consensus import (
    EDITABLE,
    FINAL,
    TRANSITIONS,
    Mover,
    Status,
    allowed,
    next_statuses,
)

S, M = Status, Mover


def test_the_design_path_is_allowed():
    path = [S.DRAFT, S.OPEN, S.VOTING, S.APPROVED, S.MERGED]
    movers = [M.AUTHOR, M.COORDINATOR, M.SYSTEM, M.SYSTEM]
    assert all(allowed(a, b, m) for a, b, m in zip(path[:-1], path[1:], movers, strict=True))


def test_what_an_author_may_do():
    assert next_statuses(S.DRAFT, M.AUTHOR) == [S.OPEN, S.WITHDRAWN]
    assert next_statuses(S.OPEN, M.AUTHOR) == [S.WITHDRAWN]
    assert next_statuses(S.WITHDRAWN, M.AUTHOR) == [S.DRAFT]
    for status in (S.VOTING, S.APPROVED, S.REJECTED, S.MERGED, S.SUPERSEDED):
        assert next_statuses(status, M.AUTHOR) == []


def test_only_a_publication_merges_and_nothing_follows_a_final_status():
    assert [k for k, movers in TRANSITIONS.items() if k[1] is S.MERGED] == [(S.APPROVED, S.MERGED)]
    assert TRANSITIONS[(S.APPROVED, S.MERGED)] == {M.SYSTEM}
    assert not [k for k in TRANSITIONS if k[0] in FINAL]
    assert {S.DRAFT, S.OPEN} == EDITABLE


def test_every_status_can_be_reached_from_a_draft():
    reached, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        current = frontier.pop()
        for mover in Mover:
            for status in next_statuses(current, mover):
                if status not in reached:
                    reached.add(status)
                    frontier.append(status)
    assert reached == set(Status)


@given(
    st.lists(st.tuples(st.sampled_from(list(Status)), st.sampled_from(list(Mover))), max_size=40)
)
def test_any_walk_of_allowed_moves_keeps_the_rules(asks):
    """Whatever is asked, in any order: only allowed moves happen; merged comes only from
    approved, by the system; approved and rejected only from a vote; no move is a no-op."""
    status = S.DRAFT
    for target, mover in asks:
        if not allowed(status, target, mover):
            assert (status, target) not in TRANSITIONS or mover not in TRANSITIONS[(status, target)]
            continue
        assert status not in FINAL and target is not status
        if target is S.MERGED:
            assert status is S.APPROVED and mover is M.SYSTEM
        if target in (S.APPROVED, S.REJECTED):
            assert status is S.VOTING
        if mover is M.AUTHOR:
            assert status in EDITABLE or status is S.WITHDRAWN
        status = target
