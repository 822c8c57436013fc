"""Merging approved proposals, in order, onto the consensus: all of a proposal or none."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace

from .apply import Outcome, Result, run_changes, seen_in_order
from .changes import Change
from .draft import Draft
from .memory import without_gc_pauses
from .model import Tree
from .validate import DEFAULT_POLICY, Policy


@dataclass(frozen=True)
class Proposal:
    """What the merge needs of a proposal: its id, changes and the version it was written on."""

    id: Hashable
    changes: Sequence[Change]
    base: Tree | None = None


@dataclass(frozen=True)
class ProposalReport:
    id: Hashable
    outcomes: tuple[Outcome, ...]

    @property
    def accepted(self) -> bool:
        """False when any change conflicted: then none of the proposal was merged."""
        return all(o.result is not Result.CONFLICT for o in self.outcomes)


@dataclass(frozen=True)
class MergeReport:
    tree: Tree
    proposals: tuple[ProposalReport, ...]

    @property
    def accepted(self) -> list[Hashable]:
        return [p.id for p in self.proposals if p.accepted]

    @property
    def held_back(self) -> list[Hashable]:
        return [p.id for p in self.proposals if not p.accepted]


@without_gc_pauses
def merge(
    consensus: Tree, proposals: Sequence[Proposal], policy: Policy = DEFAULT_POLICY
) -> MergeReport:
    """Apply each proposal three-way in the given order; one with a conflict is held back
    whole and the later ones are still tried. The same inputs always give the same output."""
    draft = Draft(consensus)
    bases: dict[int, Draft] = {}  # proposals usually share a few base versions
    reports = []
    for proposal in proposals:
        changes = list(proposal.changes)
        if proposal.base is not None:
            base = bases.get(id(proposal.base))
            if base is None:
                base = bases[id(proposal.base)] = Draft(proposal.base)
            changes = seen_in_order(changes, base)
        draft.begin()
        run = run_changes(draft, changes, policy, {})
        outcomes = run.outcomes
        late = run.late_conflicts(draft, policy)
        if late:
            outcomes = [
                replace(o, result=Result.CONFLICT, conflict=late[o.index]) if o.index in late else o
                for o in outcomes
            ]
        report = ProposalReport(proposal.id, tuple(outcomes))
        if report.accepted:
            draft.commit()
        else:
            draft.rollback()
        reports.append(report)
    return MergeReport(draft.freeze(), tuple(reports))
