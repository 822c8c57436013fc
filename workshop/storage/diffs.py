"""A version's diff from its parent, kept when it is published.

Publishing holds both trees in memory, so the engine's diff of the two costs little there,
while a diff page asked for later had to read both versions whole (about a second for
100,000 concepts, in each server process). The document kept holds the changes in their
JSON form and, as stored rows, the concepts the diff page and the command line show:
each changed concept as it was and as it is, the parents it left and entered, and its
replacement. The rest of the two versions is not needed to show the diff.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select

from ..models import Version, VersionDiff, db
from ..taxonomy import Change, Concept, Tree, from_json, to_json
from ..taxonomy import details as concept_details
from .revisions import concept_of

# Raise it when the engine's diff or this layout changes: documents written before are then
# not read, and their diffs computed again.
FORMAT = 1
# A diff of more changes (a whole file replacing most of a taxonomy) is not kept: its
# document would be about as large as the two versions, and as slow to read.
MOST_CHANGES = 20_000


@dataclass(frozen=True)
class Excerpt:
    """The concepts of one version that its kept diff shows, looked up as in a Tree."""

    concepts: Mapping[str, Concept]

    def get(self, concept_id: str) -> Concept | None:
        return self.concepts.get(concept_id)

    def __getitem__(self, concept_id: str) -> Concept:
        return self.concepts[concept_id]

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self.concepts


def keep(version: Version, changes: list[Change], before: Tree, after: Tree) -> None:
    """Add the diff document of `version` (flushed: it has its id; from `before`, its
    parent, to `after`) to the current unit of work, unless it has too many changes to be
    worth keeping."""
    if len(changes) > MOST_CHANGES:
        return
    touched = {c.id for c in changes}
    document = {
        "changes": [to_json(c) for c in changes],
        "before": [_row(c) for c in _shown(before, touched, replacements=False)],
        "after": [_row(c) for c in _shown(after, touched, replacements=True)],
    }
    db.session.add(
        VersionDiff(version_id=version.id, format=FORMAT, document=orjson.dumps(document).decode())
    )


def kept(version: Version) -> tuple[list[Change], Excerpt, Excerpt] | None:
    """The changes from the version's parent and the two excerpts, or None when no
    document of this FORMAT was kept."""
    document = db.session.scalar(
        select(VersionDiff.document).where(
            VersionDiff.version_id == version.id, VersionDiff.format == FORMAT
        )
    )
    if document is None:
        return None
    data = orjson.loads(document)
    return (
        [from_json(c) for c in data["changes"]],
        _excerpt(data["before"]),
        _excerpt(data["after"]),
    )


def _shown(tree: Tree, touched: set[str], replacements: bool) -> Iterable[Concept]:
    """The touched concepts the tree has, their parents, and (after) their replacements."""
    wanted: dict[str, Concept] = {}
    for concept_id in touched:
        concept = tree.get(concept_id)
        if concept is None:
            continue
        wanted[concept_id] = concept
        related = [concept.parent, concept.replaced_by if replacements else None]
        for other in related:
            if other is not None and (found := tree.get(other)) is not None:
                wanted[other] = found
    return wanted.values()


def _row(concept: Concept) -> list[Any]:
    """A concept as revisions.concept_of reads a stored row (JSON columns as text), with
    its position where the row has its order key."""
    more = concept_details.record(concept.details)
    related, alt = more.pop("related", []), more.pop("alt_labels", {})
    return [
        concept.id,
        _text(dict(concept.labels)),
        _text(dict(concept.notes)),
        concept.parent,
        concept.position,
        concept.status.value,
        concept.replaced_by,
        _text(related),
        _text(alt),
        _text(more),
    ]


def _text(value: Any) -> str:
    return orjson.dumps(value).decode()


def _excerpt(rows: list[list[Any]]) -> Excerpt:
    return Excerpt({row[0]: concept_of(row, row[4]) for row in rows})
