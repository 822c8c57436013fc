"""The tree browser opened at one concept: the levels from the roots down to it, so that a
shared link, a reload or Back shows the tree where the reader left it."""

from __future__ import annotations

from dataclasses import dataclass

from ..storage import revisions as store
from .browsing import PAGE, ConceptView, Level, VersionRef, concept, level_of, version_ref
from .permissions import Actor

# Deeper concepts open their page's folded path instead: 40 levels of a 5,000-deep chain
# would be 40 queries for a tree nobody reads that far down.
MAX_OPENED_LEVELS = 40


@dataclass(frozen=True)
class Opened:
    at: VersionRef
    roots: Level
    levels: dict[str, Level]  # the open branches: parent id -> its first page of children
    view: ConceptView | None  # the concept shown beside (or over, on a phone) the tree
    current: int  # the number of the latest version, to say when this one is older


def opened(
    actor: Actor | None, slug: str, ref: str | int, concept_id: str | None, offset: int = 0
) -> Opened:
    at = version_ref(actor, slug, ref)
    roots = level_of(at, None, offset)
    latest = store.latest(at.taxonomy)
    current = latest.number if latest is not None else at.version.number
    if concept_id is None:
        return Opened(at, roots, {}, None, current)
    view = concept(actor, slug, at.version.number, concept_id)
    levels: dict[str, Level] = {}
    branch = [step.concept_id for step in view.path]
    if len(branch) < MAX_OPENED_LEVELS and view.row.status == "active":
        for parent in branch:
            levels[parent] = level_of(at, parent, 0, PAGE)
        if view.children.nodes:
            levels[concept_id] = view.children
    return Opened(at, roots, levels, view, current)
