"""Applying changes to a tree: two-way, or three-way against what the proposer saw."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass

from .changes import Change, with_seen
from .draft import Draft
from .findings import Conflict, Finding, Severity
from .memory import without_gc_pauses
from .model import Tree
from .operations import Refused, Result, apply_one
from .validate import DEFAULT_POLICY, Policy, concept_findings

__all__ = ["LENIENT", "Applied", "Outcome", "Result", "apply", "apply_one", "seen_in_order"]


@dataclass(frozen=True, slots=True)
class Outcome:
    index: int
    change: Change
    result: Result
    conflict: Conflict | None = None


@dataclass(frozen=True)
class Applied:
    """The new tree and what happened to each change, in order."""

    tree: Tree
    outcomes: tuple[Outcome, ...]
    warnings: tuple[Finding, ...] = ()

    @property
    def conflicts(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.result is Result.CONFLICT]

    @property
    def ok(self) -> bool:
        return not self.conflicts


@dataclass
class Run:
    """What one pass over a change set did to a draft."""

    outcomes: list[Outcome]
    touched: dict[str, int]  # concept id -> index of the last change that placed or relabelled it

    def late_conflicts(self, draft: Draft, policy: Policy) -> dict[int, Conflict]:
        """Duplicate sibling labels the change set introduced (pre-existing ones are not)."""
        if policy.label_rules is not Severity.ERROR:
            return {}
        found: dict[int, Conflict] = {}
        for touched in sorted(self.touched):
            concept = draft.concepts[touched]
            if not concept.active:
                continue
            # Only pairs with a touched concept: a clash between untouched siblings is old.
            for language, label, other in draft.same_label(concept):
                blamed = [(self.touched[c], c) for c in (touched, other) if c in self.touched]
                index, culprit = max(blamed)  # the later change made the clash
                partner = other if culprit == touched else touched
                params = {"language": language, "label": label, "other": partner}
                found.setdefault(index, Conflict("duplicate_label", culprit, params))
        return found

    def warnings(self, draft: Draft, policy: Policy) -> list[Finding]:
        result: list[Finding] = []
        for concept_id in sorted(self.touched):
            concept = draft.concepts[concept_id]
            if concept.active:
                result.extend(
                    f for f in concept_findings(concept, policy) if f.severity is Severity.WARNING
                )
        return result


@without_gc_pauses
def apply(
    tree: Tree, changes: Sequence[Change], base: Tree | None = None, policy: Policy = DEFAULT_POLICY
) -> Applied:
    """Apply changes in order; a conflicting change is skipped whole and reported.

    With `base` (the version the changes were written against) every change is three-way:
    what it saw is compared with the current tree. Label rules are checked once the whole
    set is placed, so that two siblings may swap labels within one change set.
    """
    prepared = seen_in_order(changes, base) if base is not None else list(changes)
    excluded: dict[int, Conflict] = {}
    while True:
        draft = Draft(tree)
        run = run_changes(draft, prepared, policy, excluded)
        late = run.late_conflicts(draft, policy)
        if not late:
            return Applied(draft.freeze(), tuple(run.outcomes), tuple(run.warnings(draft, policy)))
        excluded.update(late)  # drop the culprits and try the rest again


def seen_in_order(changes: Sequence[Change], base: Tree | Draft) -> list[Change]:
    """Fill what each change saw: the base as the proposal's earlier changes left it.

    Given a Draft of the base (to share between proposals on the same base) it is left as
    it was found."""
    draft = base if isinstance(base, Draft) else Draft(base)
    draft.begin()
    result = []
    for change in changes:
        result.append(with_seen(change, draft))
        # A change that fails here conflicts when applied for real; later ones see the base.
        with suppress(Refused):
            apply_one(draft, change, LENIENT)
    draft.rollback()
    return result


LENIENT = Policy(
    required_languages=(), missing_language=Severity.WARNING, label_rules=Severity.WARNING
)


def run_changes(
    draft: Draft, changes: Sequence[Change], policy: Policy, excluded: dict[int, Conflict]
) -> Run:
    run = Run([], {})
    for index, change in enumerate(changes):
        if index in excluded:
            run.outcomes.append(Outcome(index, change, Result.CONFLICT, excluded[index]))
            continue
        try:
            result, placed = apply_one(draft, change, policy)
        except Refused as refusal:
            run.outcomes.append(Outcome(index, change, Result.CONFLICT, refusal.conflict))
            continue
        run.outcomes.append(Outcome(index, change, result))
        for concept_id in placed:
            run.touched[concept_id] = index
    return run
