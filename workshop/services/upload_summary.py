"""What the page before publishing shows of an upload, kept as JSON beside it: the upload
is checked in the background (import_jobs), and any server process can show the result."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from ..taxonomy import Change, Finding, Tree
from . import findings_report, versions
from .differences import kind_of
from .uploads import Pair

SHOWN_CHANGES = 200


@dataclass(frozen=True)
class ShownChange:
    id: str
    kind: str
    labels: dict[str, str]


@dataclass
class Summary:
    token: str
    filename: str
    fmt: str
    slug: str
    new: bool  # a new taxonomy (else a new version of an existing one)
    names: dict[str, str]  # the taxonomy's name by language
    concepts: int  # active concepts of the file
    counts: Counter[str]  # changes by operation
    change_count: int
    changes: list[ShownChange]  # the first SHOWN_CHANGES
    pairs: list[Pair]
    active_before: int  # concepts of the latest version
    retiring: int  # of those, how many publishing retires
    warnings: list[Finding] = field(default_factory=list)

    @property
    def mass_retire(self) -> bool:
        """Publishing retires so much that it must be confirmed (versions.mass_retire)."""
        return versions.mass_retire(self.active_before, self.retiring)

    @classmethod
    def of(
        cls,
        head: dict[str, Any],
        tree: Tree,
        changes: list[Change],
        pairs: list[Pair],
        before: Tree,
        warnings: list[Finding],
    ) -> Summary:
        """`head`: token, filename, fmt, slug, new and names."""
        shown = []
        for change in changes[:SHOWN_CHANGES]:
            concept = tree.get(change.id)
            labels = dict(concept.labels) if concept is not None else {}
            shown.append(ShownChange(change.id, kind_of(change), labels))
        return cls(
            **head,
            concepts=tree.active_count(),
            counts=Counter(c.op for c in changes),
            change_count=len(changes),
            changes=shown,
            pairs=pairs,
            active_before=before.active_count(),
            retiring=versions.retirements(before, changes),
            warnings=warnings,
        )

    def to_data(self) -> dict[str, Any]:
        data = asdict(self)
        data["counts"] = dict(self.counts)
        data["pairs"] = [
            {**asdict(p), "old_labels": dict(p.old_labels), "new_labels": dict(p.new_labels)}
            for p in self.pairs
        ]
        data["warnings"] = findings_report.to_data(self.warnings)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Summary:
        return cls(
            **{
                **data,
                "counts": Counter(data["counts"]),
                "changes": [ShownChange(**c) for c in data["changes"]],
                "pairs": [Pair(**p) for p in data["pairs"]],
                "warnings": findings_report.from_data(data["warnings"]),
            }
        )
