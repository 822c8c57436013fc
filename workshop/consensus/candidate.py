"""What the coordinator reads of a merge: for each approved proposal, in merge order,
whether it went in whole (how many of its changes applied, how many were already there)
or was held back, each conflict in words in both languages, and, for a held-back one, the
earlier proposals that touch the same concepts (its rivals: taking its side means
skipping them). Pure; stored as JSON with the candidate."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..taxonomy import Result
from ..taxonomy.merge import MergeReport


@dataclass(frozen=True)
class ConflictNote:
    index: int  # the change's place in its proposal (0-based)
    op: str
    concept: str
    words: Mapping[str, str]  # language -> the reason

    def record(self) -> dict[str, Any]:
        return {"index": self.index, "op": self.op, "concept": self.concept, **self.words}


@dataclass(frozen=True)
class Entry:
    proposal: int
    accepted: bool
    applied: int
    already: int  # changes the consensus already had
    conflicts: tuple[ConflictNote, ...]
    rivals: tuple[int, ...]

    def record(self) -> dict[str, Any]:
        return {
            "proposal": self.proposal,
            "accepted": self.accepted,
            "applied": self.applied,
            "already": self.already,
            "conflicts": [c.record() for c in self.conflicts],
            "rivals": list(self.rivals),
        }

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Entry:
        return cls(
            proposal=int(data["proposal"]),
            accepted=bool(data["accepted"]),
            applied=int(data["applied"]),
            already=int(data["already"]),
            conflicts=tuple(
                ConflictNote(
                    int(c["index"]),
                    str(c["op"]),
                    str(c["concept"]),
                    {k: str(v) for k, v in c.items() if k in ("ar", "en")},
                )
                for c in data["conflicts"]
            ),
            rivals=tuple(int(r) for r in data["rivals"]),
        )


def summarize(report: MergeReport, footprints: Mapping[int, frozenset[str]]) -> tuple[Entry, ...]:
    """One entry per proposal of the merge (whose ids are numbers), in its order."""
    entries = []
    accepted_so_far: list[int] = []
    for proposal in report.proposals:
        applied = sum(1 for o in proposal.outcomes if o.result is Result.APPLIED)
        already = sum(1 for o in proposal.outcomes if o.result is Result.NOOP)
        notes = tuple(
            ConflictNote(
                o.index,
                o.change.op,
                o.conflict.concept,
                {"ar": o.conflict.text("ar"), "en": o.conflict.text("en")},
            )
            for o in proposal.outcomes
            if o.result is Result.CONFLICT and o.conflict is not None
        )
        proposal_id = int(str(proposal.id))
        mine = footprints.get(proposal_id, frozenset())
        rivals = (
            ()
            if proposal.accepted
            else tuple(p for p in accepted_so_far if footprints.get(p, frozenset()) & mine)
        )
        entries.append(Entry(proposal_id, proposal.accepted, applied, already, notes, rivals))
        if proposal.accepted:
            accepted_so_far.append(proposal_id)
    return tuple(entries)


def fingerprint(base_number: int, order: Sequence[int], entries: Sequence[Entry]) -> str:
    """The same base, order and outcome give the same fingerprint: a rebuild that finds
    the same is the same candidate."""
    body = json.dumps(
        [base_number, list(order), [e.record() for e in entries]],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()
