"""The change operations on a draft, one function each: checks, three-way comparison
with what the change saw, and the edit. `apply` and `merge` run them over change sets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from enum import StrEnum
from types import MappingProxyType

from .build import retired_concept
from .changes import (
    Add,
    Annotate,
    Change,
    ChildPolicy,
    Merge,
    Move,
    Reinstate,
    Relabel,
    Retire,
)
from .details import detail_text
from .draft import Draft
from .findings import Conflict, Severity
from .model import Concept, Status
from .validate import Policy, concept_findings


class Result(StrEnum):
    APPLIED = "applied"
    NOOP = "noop"
    CONFLICT = "conflict"


class Refused(Exception):
    """Raised inside the engine when a change conflicts; never escapes apply()."""

    def __init__(self, kind: str, concept: str, **params: object) -> None:
        super().__init__(kind)
        self.conflict = Conflict(kind, concept, MappingProxyType(params))


def apply_one(draft: Draft, change: Change, policy: Policy) -> tuple[Result, Iterable[str]]:
    """Apply one change to the draft or raise Refused; returns the ids it placed/relabelled."""
    if isinstance(change, Add):
        return _add(draft, change, policy)
    if isinstance(change, Relabel):
        return _relabel(draft, change, policy)
    if isinstance(change, Move):
        return _move(draft, change)
    if isinstance(change, Retire):
        return _retire(draft, change)
    if isinstance(change, Annotate):
        return _annotate(draft, change)
    if isinstance(change, Reinstate):
        return _reinstate(draft, change)
    return _merge(draft, change)


def _editable(draft: Draft, concept_id: str, seen_status: Status | None) -> Concept:
    """The concept a relabel or annotate edits: an active one, or a retired one when the
    change knew it was retired (a diff between versions edits retired concepts too)."""
    concept = draft.get(concept_id)
    if concept is None:
        raise Refused("unknown_concept", concept_id)
    if not concept.active and seen_status is not Status.RETIRED:
        raise Refused("concept_retired", concept_id)
    return concept


def _active(draft: Draft, concept_id: str) -> Concept:
    concept = draft.get(concept_id)
    if concept is None:
        raise Refused("unknown_concept", concept_id)
    if not concept.active:
        raise Refused("concept_retired", concept_id)
    return concept


def _check_parent(draft: Draft, parent: str | None, concept_id: str) -> None:
    if parent is None:
        return
    found = draft.get(parent)
    if found is None:
        raise Refused("dangling_parent", concept_id, parent=parent)
    if not found.active:
        raise Refused("parent_retired", concept_id, parent=parent)


def _check_labels(concept: Concept, policy: Policy) -> None:
    for finding in concept_findings(concept, policy):
        if finding.severity is Severity.ERROR:
            raise Refused(finding.rule, concept.id, **finding.params)


def _add(draft: Draft, change: Add, policy: Policy) -> tuple[Result, Iterable[str]]:
    existing = draft.get(change.id)
    if existing is not None:
        if (
            existing.active
            and existing.parent == change.parent
            and existing.labels == change.labels
            and existing.notes == change.notes
            and existing.details == change.details
        ):
            return Result.NOOP, ()
        raise Refused("id_taken", change.id)
    _check_parent(draft, change.parent, change.id)
    concept = Concept(change.id, change.labels, change.notes, details=change.details)
    _check_labels(concept, policy)
    draft.insert(concept, change.parent, change.position)
    return Result.APPLIED, (change.id,)


def _relabel(draft: Draft, change: Relabel, policy: Policy) -> tuple[Result, Iterable[str]]:
    seen = change.seen
    current = _editable(draft, change.id, seen.status if seen else None)
    updated = {"label": dict(current.labels), "note": dict(current.notes)}
    changed = False
    for field, touched, now_map, seen_map in (
        ("label", change.labels, current.labels, seen.labels if seen else None),
        ("note", change.notes, current.notes, seen.notes if seen else None),
    ):
        for language, value in touched.items():
            now = now_map.get(language)
            if now == value:
                continue
            if seen_map is not None and language in seen_map and seen_map[language] != now:
                raise Refused(
                    "changed_since_base",
                    change.id,
                    field=f"{field} ({language})",
                    current=now or "-",
                    seen=seen_map[language] or "-",
                )
            changed = True
            if value is None:
                updated[field].pop(language, None)
            else:
                updated[field][language] = value
    if not changed:
        return Result.NOOP, ()
    concept = replace(
        current,
        labels=dict(sorted(updated["label"].items())),
        notes=dict(sorted(updated["note"].items())),
    )
    _check_labels(concept, policy)
    draft.put(concept)
    return Result.APPLIED, (change.id,) if concept.active else ()


def _annotate(draft: Draft, change: Annotate) -> tuple[Result, Iterable[str]]:
    seen = change.seen
    current = _editable(draft, change.id, seen.status if seen else None)
    updated = {}
    for name, value in change.values.items():
        now = getattr(current.details, name)
        if now == value:
            continue
        if seen is not None and name in seen.values and seen.values[name] != now:
            raise Refused(
                "changed_since_base",
                change.id,
                field=name,
                current=detail_text(now),
                seen=detail_text(seen.values[name]),
            )
        updated[name] = value
    if not updated:
        return Result.NOOP, ()
    draft.put(replace(current, details=replace(current.details, **updated)))
    return Result.APPLIED, ()


def _reinstate(draft: Draft, change: Reinstate) -> tuple[Result, Iterable[str]]:
    current = draft.get(change.id)
    if current is None:
        raise Refused("unknown_concept", change.id)
    if current.active:
        if current.parent == change.parent:
            return Result.NOOP, ()  # someone else already brought it back here
        raise Refused(
            "changed_since_base", change.id, field="status", current="active", seen="retired"
        )
    _check_parent(draft, change.parent, change.id)
    back = replace(current, status=Status.ACTIVE, replaced_by=None)
    draft.insert(back, change.parent, change.position)
    return Result.APPLIED, (change.id,)


def _move(draft: Draft, change: Move) -> tuple[Result, Iterable[str]]:
    current = _active(draft, change.id)
    _check_parent(draft, change.parent, change.id)
    if change.parent is not None and draft.is_ancestor_or_self(change.id, change.parent):
        raise Refused("cycle", change.id, parent=change.parent)
    seen = change.seen
    if current.parent == change.parent:
        if seen is not None and seen.parent != change.parent:
            return Result.NOOP, ()  # someone else already moved it here
        last = len(draft.children(change.parent)) - 1
        if current.position == min(change.position, last):
            return Result.NOOP, ()
    elif seen is not None and seen.parent != current.parent:
        raise Refused(
            "changed_since_base",
            change.id,
            field="parent",
            current=current.parent or "-",
            seen=seen.parent or "-",
        )
    draft.insert(draft.detach(change.id), change.parent, change.position)
    return Result.APPLIED, (change.id,)


def _retire(draft: Draft, change: Retire) -> tuple[Result, Iterable[str]]:
    current = draft.get(change.id)
    if current is None:
        raise Refused("unknown_concept", change.id)
    if not current.active:
        if current.replaced_by == change.replaced_by:
            return Result.NOOP, ()
        seen = change.seen
        if seen is None:
            return _replace_retired(draft, current, change.replaced_by)
        if seen.status is Status.ACTIVE:
            raise Refused(
                "changed_since_base", change.id, field="status", current="retired", seen="active"
            )
        if seen.replaced_by != current.replaced_by:
            raise Refused(
                "changed_since_base",
                change.id,
                field="replaced_by",
                current=current.replaced_by or "-",
                seen=seen.replaced_by or "-",
            )
        return _replace_retired(draft, current, change.replaced_by)
    descendants = draft.descendants(change.id)
    cascade = change.children is ChildPolicy.CASCADE
    if change.replaced_by is not None:
        target = draft.get(change.replaced_by)
        if (
            target is None
            or not target.active
            or change.replaced_by == change.id
            or (cascade and change.replaced_by in set(descendants))
        ):
            raise Refused("invalid_replacement", change.id, target=change.replaced_by)
    seen = change.seen
    if (
        cascade
        and seen is not None
        and seen.descendants is not None
        and set(seen.descendants) != set(descendants)
    ):
        raise Refused("children_changed", change.id)
    if cascade:
        for concept_id in reversed(descendants):  # deepest first
            draft.put(retired_concept(draft.detach(concept_id), change.replaced_by))
        draft.put(retired_concept(draft.detach(change.id), change.replaced_by))
        return Result.APPLIED, ()
    children = list(draft.children(change.id))
    retired = draft.detach(change.id)
    for offset, child in enumerate(children):
        draft.insert(draft.detach(child), retired.parent, retired.position + offset)
    draft.put(retired_concept(retired, change.replaced_by))
    return Result.APPLIED, children


def _replace_retired(
    draft: Draft, current: Concept, replaced_by: str | None
) -> tuple[Result, Iterable[str]]:
    """A retired concept points at another replacement (or none)."""
    if replaced_by is not None and (replaced_by == current.id or draft.get(replaced_by) is None):
        raise Refused("invalid_replacement", current.id, target=replaced_by)
    draft.put(replace(current, replaced_by=replaced_by))
    return Result.APPLIED, ()


def _merge(draft: Draft, change: Merge) -> tuple[Result, Iterable[str]]:
    current = draft.get(change.id)
    if current is None:
        raise Refused("unknown_concept", change.id)
    if change.into == change.id:
        raise Refused("invalid_replacement", change.id, target=change.into)
    if not current.active:
        if current.replaced_by == change.into:
            return Result.NOOP, ()
        raise Refused(
            "changed_since_base", change.id, field="status", current="retired", seen="active"
        )
    _active(draft, change.into)
    if draft.is_ancestor_or_self(change.id, change.into):
        raise Refused("cycle", change.into, parent=change.id)
    children = list(draft.children(change.id))
    for child in children:
        draft.insert(draft.detach(child), change.into, len(draft.children(change.into)))
    draft.put(retired_concept(draft.detach(change.id), change.into))
    return Result.APPLIED, children
