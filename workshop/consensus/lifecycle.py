"""A proposal's lifecycle (DESIGN.md section 3) as data: which status may follow which,
and who may make each move. Services ask `allowed`; they hold no rules of their own.

draft -> open (discussion) -> voting -> approved | rejected -> merged, plus withdrawn
and superseded. A rejected proposal may be reopened for another round, a withdrawn one
taken up again as a draft; merged and superseded are final."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    VOTING = "voting"
    APPROVED = "approved"
    REJECTED = "rejected"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"


class Mover(StrEnum):
    """Who asks for a move."""

    AUTHOR = "author"  # a representative of the proposal's agency
    COORDINATOR = "coordinator"
    SYSTEM = "system"  # a ballot that closes, a publication that merges


AUTHOR, COORDINATOR, SYSTEM = Mover.AUTHOR, Mover.COORDINATOR, Mover.SYSTEM
S = Status

TRANSITIONS: Mapping[tuple[Status, Status], frozenset[Mover]] = {
    (S.DRAFT, S.OPEN): frozenset({AUTHOR, COORDINATOR}),  # submitted for discussion
    (S.DRAFT, S.WITHDRAWN): frozenset({AUTHOR, COORDINATOR}),
    (S.OPEN, S.WITHDRAWN): frozenset({AUTHOR, COORDINATOR}),
    (S.WITHDRAWN, S.DRAFT): frozenset({AUTHOR, COORDINATOR}),  # taken up again
    (S.OPEN, S.VOTING): frozenset({COORDINATOR, SYSTEM}),  # put to the vote
    (S.VOTING, S.OPEN): frozenset({COORDINATOR}),  # the vote is called off
    (S.VOTING, S.APPROVED): frozenset({COORDINATOR, SYSTEM}),
    (S.VOTING, S.REJECTED): frozenset({COORDINATOR, SYSTEM}),
    (S.REJECTED, S.OPEN): frozenset({COORDINATOR}),  # reopened for another round
    (S.APPROVED, S.VOTING): frozenset({COORDINATOR}),  # a vote reopened (with a reason)
    (S.REJECTED, S.VOTING): frozenset({COORDINATOR}),
    (S.APPROVED, S.MERGED): frozenset({SYSTEM}),  # only a publication merges
    (S.APPROVED, S.OPEN): frozenset({COORDINATOR}),  # held back at merge, or amended
    (S.DRAFT, S.SUPERSEDED): frozenset({COORDINATOR}),
    (S.OPEN, S.SUPERSEDED): frozenset({COORDINATOR}),
    (S.REJECTED, S.SUPERSEDED): frozenset({COORDINATOR}),
    (S.WITHDRAWN, S.SUPERSEDED): frozenset({COORDINATOR}),
}

# The author's agency changes the proposal's content only while it is being written or
# discussed; a coordinator may edit it in those statuses too.
EDITABLE = frozenset({S.DRAFT, S.OPEN})
# Nothing follows these.
FINAL = frozenset({S.MERGED, S.SUPERSEDED})
# Proposals that others should see as live work (overlaps are computed among these).
LIVE = frozenset({S.OPEN, S.VOTING, S.APPROVED})


def allowed(current: Status, target: Status, mover: Mover) -> bool:
    return mover in TRANSITIONS.get((current, target), frozenset())


def next_statuses(current: Status, mover: Mover) -> list[Status]:
    """The statuses `mover` may move a proposal in `current` to, in lifecycle order."""
    return [s for s in Status if allowed(current, s, mover)]


def editable(status: Status) -> bool:
    return status in EDITABLE
