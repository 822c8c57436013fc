"""What the pages ask of one version without reading it whole: a page of a parent's
children, counts, concepts by id with their ancestors, a sibling's rank, search, a
concept's history. Each is one query (or one per chunk of ids)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Text, and_, func, or_, select, text, type_coerce
from sqlalchemy.orm import aliased

from ..models import ConceptRevision, Taxonomy, db
from ..taxonomy import Status
from .revisions import CHUNK, json_value, visible_at


def _children_of(taxonomy: Taxonomy, number: int, parent: str | None) -> Any:
    same_parent = (
        ConceptRevision.parent.is_(None) if parent is None else ConceptRevision.parent == parent
    )
    return and_(
        ConceptRevision.taxonomy_id == taxonomy.id,
        same_parent,
        ConceptRevision.status == Status.ACTIVE.value,
        visible_at(number),
    )


def children_rows(
    taxonomy: Taxonomy, number: int, parent: str | None, offset: int = 0, limit: int | None = None
) -> list[ConceptRevision]:
    """One page of a parent's active children (the roots for None), in order."""
    return list(
        db.session.scalars(
            select(ConceptRevision)
            .where(_children_of(taxonomy, number, parent))
            .order_by(ConceptRevision.order_key)
            .offset(offset)
            .limit(limit)
        )
    )


def child_total(taxonomy: Taxonomy, number: int, parent: str | None) -> int:
    return (
        db.session.scalar(select(func.count()).where(_children_of(taxonomy, number, parent))) or 0
    )


def child_counts(taxonomy: Taxonomy, number: int, parents: Iterable[str]) -> dict[str, int]:
    ids = list(parents)
    if not ids:
        return {}
    rows = db.session.execute(
        select(ConceptRevision.parent, func.count())
        .where(
            ConceptRevision.taxonomy_id == taxonomy.id,
            ConceptRevision.parent.in_(ids),
            ConceptRevision.status == Status.ACTIVE.value,
            visible_at(number),
        )
        .group_by(ConceptRevision.parent)
    )
    return {parent: count for parent, count in rows if parent is not None}


def rows_by_id(taxonomy: Taxonomy, number: int, ids: Iterable[str]) -> dict[str, ConceptRevision]:
    wanted = list(set(ids))
    found: dict[str, ConceptRevision] = {}
    for start in range(0, len(wanted), CHUNK):
        for row in db.session.scalars(
            select(ConceptRevision).where(
                ConceptRevision.taxonomy_id == taxonomy.id,
                ConceptRevision.concept_id.in_(wanted[start : start + CHUNK]),
                visible_at(number),
            )
        ):
            found[row.concept_id] = row
    return found


@dataclass(frozen=True, slots=True)
class PathStep:
    """What a path shows of a concept: its id, its parent and its labels."""

    concept_id: str
    parent: str | None
    labels: dict[str, str]


def with_ancestors(taxonomy: Taxonomy, number: int, ids: Iterable[str]) -> dict[str, PathStep]:
    """`ids` and all their ancestors at version `number`: one recursive query, however
    deep the tree (a chain 5,000 deep is one round trip, not 5,000), and only the columns
    a path shows (5,000 full rows cost 10x more to load)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    above = aliased(ConceptRevision)
    start = (
        select(ConceptRevision.concept_id, ConceptRevision.parent)
        .where(
            ConceptRevision.taxonomy_id == taxonomy.id,
            ConceptRevision.concept_id.in_(wanted),
            visible_at(number),
        )
        .cte("lineage", recursive=True)
    )
    step = (
        select(above.concept_id, above.parent)
        .join(start, above.concept_id == start.c.parent)
        .where(
            above.taxonomy_id == taxonomy.id,
            above.valid_from <= number,
            or_(above.valid_to.is_(None), above.valid_to > number),
        )
    )
    lineage = start.union(step)  # UNION, not UNION ALL: a repeated row ends the walk
    rows = db.session.connection().execute(
        select(
            ConceptRevision.concept_id,
            ConceptRevision.parent,
            type_coerce(ConceptRevision.labels, Text),
        ).where(
            ConceptRevision.taxonomy_id == taxonomy.id,
            visible_at(number),
            ConceptRevision.concept_id.in_(select(lineage.c.concept_id)),
        )
    )
    return {
        concept_id: PathStep(concept_id, parent, json_value(labels))
        for concept_id, parent, labels in rows
    }


def sibling_rank(taxonomy: Taxonomy, number: int, row: ConceptRevision) -> int:
    """The row's index among its active siblings at version `number` (one counting query)."""
    same_parent = (
        ConceptRevision.parent.is_(None)
        if row.parent is None
        else ConceptRevision.parent == row.parent
    )
    return (
        db.session.scalar(
            select(func.count()).where(
                ConceptRevision.taxonomy_id == taxonomy.id,
                same_parent,
                ConceptRevision.status == Status.ACTIVE.value,
                ConceptRevision.order_key < row.order_key,
                visible_at(number),
            )
        )
        or 0
    )


# The SQLite trigram index (migration 0005) answers LIKE itself for 3 characters or more.
SQLITE_SEARCH = text("SELECT rowid FROM concept_search WHERE search_text LIKE :pattern")


def _search_conditions(taxonomy: Taxonomy, number: int, needle: str) -> list[Any]:
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    contains = ConceptRevision.search_text.like(f"%{escaped}%", escape="\\")
    indexed = db.engine.dialect.name == "sqlite" and len(needle) >= 3 and escaped == needle
    if indexed:  # FTS5 optimises LIKE only without an ESCAPE clause
        found = SQLITE_SEARCH.bindparams(pattern=f"%{needle}%").columns(rowid=Integer)
        contains = ConceptRevision.id.in_(found.subquery().select())
    return [
        ConceptRevision.taxonomy_id == taxonomy.id,
        ConceptRevision.status == Status.ACTIVE.value,
        visible_at(number),
        contains,
    ]


def search_rows(taxonomy: Taxonomy, number: int, needle: str, limit: int) -> list[ConceptRevision]:
    """Active concepts whose normalised labels or synonyms contain `needle`, through the
    trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL) where it applies."""
    return list(
        db.session.scalars(
            select(ConceptRevision)
            .where(*_search_conditions(taxonomy, number, needle))
            # In the order they were written, not sorted: a short, common query matches
            # thousands, and the first `limit` found must end the search.
            .order_by(ConceptRevision.id)
            .limit(limit)
        )
    )


def search_count(taxonomy: Taxonomy, number: int, needle: str) -> int:
    """How many concepts search_rows would find without its limit."""
    return (
        db.session.scalar(select(func.count()).where(*_search_conditions(taxonomy, number, needle)))
        or 0
    )


def history_rows(taxonomy: Taxonomy, concept_id: str) -> list[ConceptRevision]:
    return list(
        db.session.scalars(
            select(ConceptRevision)
            .where(
                ConceptRevision.taxonomy_id == taxonomy.id,
                ConceptRevision.concept_id == concept_id,
            )
            .order_by(ConceptRevision.valid_from)
        )
    )
