"""Versions in the database: concept revisions as intervals, read back as engine trees.

Only the storage package knows the table layout (writing.py writes a version, lookups.py
answers the pages' questions about parts of one); the services above it speak in engine
Trees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    Text,
    and_,
    or_,
    select,
    type_coerce,
)

from ..caching import BoundedCache
from ..models import ConceptRevision, Taxonomy, Version, db, utc_iso
from ..taxonomy import (
    NO_DETAILS,
    NO_TEXT,
    Concept,
    Status,
    Tree,
    assemble,
    empty_tree,
    paused_gc,
)
from ..taxonomy import details as concept_details
from . import pairs

Progress = Callable[[int], None]
CHUNK = 2000
CACHED_TREES = 6
trees: BoundedCache[Tree] = BoundedCache(CACHED_TREES)


def visible_at(number: int) -> Any:
    """Rows of the revisions that make up version `number`."""
    return and_(
        ConceptRevision.valid_from <= number,
        or_(ConceptRevision.valid_to.is_(None), ConceptRevision.valid_to > number),
    )


# JSON columns come back as text and are decoded with orjson here: SQLAlchemy's own JSON
# result processing costs more than the decoding itself on 400,000 values.
COLUMNS = (
    ConceptRevision.concept_id,
    type_coerce(ConceptRevision.labels, Text),
    type_coerce(ConceptRevision.notes, Text),
    ConceptRevision.parent,
    ConceptRevision.order_key,
    ConceptRevision.status,
    ConceptRevision.replaced_by,
    type_coerce(ConceptRevision.related, Text),
    type_coerce(ConceptRevision.alt_labels, Text),
    type_coerce(ConceptRevision.details, Text),
)
VALIDITY = (ConceptRevision.valid_from, ConceptRevision.valid_to)  # the versions a row is in
# The details fields that have columns of their own.
OWN_COLUMNS = ("alt_labels", "related")
_EMPTY_JSON = ("{}", "[]", None)


STATUSES = {status.value: status for status in Status}
ACTIVE = Status.ACTIVE.value


def concept_of(row: Sequence[Any], position: int) -> Concept:
    """A stored row as an engine Concept at `position` among its siblings (the text was
    cleaned before it was stored)."""
    concept_id, labels, notes, parent, _key, status, replaced_by, related, alt, more = row
    details = NO_DETAILS
    if related not in _EMPTY_JSON or alt not in _EMPTY_JSON or more not in _EMPTY_JSON:
        stored = json_value(more) if more not in _EMPTY_JSON else {}
        stored["related"] = json_value(related) if related not in _EMPTY_JSON else []
        stored["alt_labels"] = json_value(alt) if alt not in _EMPTY_JSON else {}
        details = concept_details.from_record(stored)
    return Concept(
        concept_id,
        json_value(labels),
        json_value(notes) if notes not in _EMPTY_JSON else NO_TEXT,
        parent,
        position,
        STATUSES[status],
        replaced_by,
        details,
    )


def json_value(value: Any) -> Any:
    """PostgreSQL's driver hands JSON over decoded; SQLite's as text."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def read_tree(taxonomy: Taxonomy, version: Version) -> Tree:
    """Version `number` as a Tree: one indexed query; kept in a small cache, as published
    versions never change. Threads that ask for the same missing tree wait for the one
    that reads it."""

    def read() -> Tree:
        result = db.session.connection().execute(  # Core rows: no ORM bookkeeping per row
            select(*COLUMNS).where(
                ConceptRevision.taxonomy_id == taxonomy.id, visible_at(version.number)
            )
        )
        with paused_gc():  # (the rows are gone before it resumes: see _pair)
            tree = _tree(result.fetchall())  # one call into the driver, not one per row
        return tree

    return trees.get_or_make(version_key(taxonomy, version), read)


def _tree(rows: Sequence[Any]) -> Tree:
    placed = zip(rows, ranks(rows), strict=True)
    return assemble([concept_of(row, position) for row, position in placed])


def read_pair(taxonomy: Taxonomy, old: Version, new: Version) -> tuple[Tree, Tree]:
    """Versions `old` and `new` as Trees, from one query when neither is kept yet: the rows
    they share (nearly all, between versions a workshop apart) are read and made into
    concepts once, and the two trees share those concepts, which the diff then passes over
    as unchanged without comparing them."""
    old_key, new_key = version_key(taxonomy, old), version_key(taxonomy, new)
    kept_old, kept_new = trees.get(old_key), trees.get(new_key)
    if kept_old is not None and kept_new is not None:
        return kept_old, kept_new
    if kept_old is not None:
        return kept_old, _read_beside(taxonomy, new, kept_old, old.number)
    if kept_new is not None:
        return _read_beside(taxonomy, old, kept_new, new.number), kept_new
    result = db.session.connection().execute(
        select(*COLUMNS, *VALIDITY).where(
            ConceptRevision.taxonomy_id == taxonomy.id,
            or_(visible_at(old.number), visible_at(new.number)),
        )
    )
    with paused_gc():
        pair = _pair(list(result.fetchall()), old.number, new.number)
    trees.put(old_key, pair[0])
    trees.put(new_key, pair[1])
    return pair


def _read_beside(taxonomy: Taxonomy, version: Version, kept: Tree, kept_number: int) -> Tree:
    """Version `version` as read_tree reads it, its concepts shared with the tree `kept`
    (of version `kept_number`) where they are the same revision at the same place: the
    diff then passes over them as it does over a pair read together."""

    def read() -> Tree:
        result = db.session.connection().execute(
            select(*COLUMNS, *VALIDITY).where(
                ConceptRevision.taxonomy_id == taxonomy.id, visible_at(version.number)
            )
        )
        with paused_gc():
            tree = _tree_beside(result.fetchall(), kept, kept_number)
        return tree

    return trees.get_or_make(version_key(taxonomy, version), read)


def _tree_beside(rows: Sequence[Any], kept: Tree, kept_number: int) -> Tree:
    concepts = []
    for row, position in zip(rows, ranks(rows), strict=True):
        shared = None
        if row[-2] <= kept_number and (row[-1] is None or row[-1] > kept_number):
            shared = kept.concepts.get(row[0])  # the same revision row: the same content
        if shared is None or shared.position != position:
            shared = concept_of(row[:-2], position)
        concepts.append(shared)
    return assemble(concepts)


def _pair(rows: list[Any], old: int, new: int) -> tuple[Tree, Tree]:
    """The two trees of read_pair: `old` from its rows, `new` from `old` and the rows only
    one of them has (storage/pairs.py), or whole if those make no tree. Its temporaries
    (the rows, the keys) are freed when it returns, while the cycle collector is still
    paused: the collection that follows then looks at the trees' objects only."""
    before = _tree_of(rows, old)
    after = pairs.tree_beside(rows, before, old, new, lambda row: concept_of(row[:-2], 0))
    return before, after if after is not None else _tree_of(rows, new)


def _tree_of(rows: list[Any], number: int) -> Tree:
    """Version `number` from rows with their validity (the last two columns)."""
    seen = [row for row in rows if pairs.visible(row, number)]
    placed = zip(seen, ranks(seen), strict=True)
    return assemble([concept_of(row[:-2], position) for row, position in placed])


def ranks(rows: Sequence[Sequence[Any]]) -> list[int]:
    """Each active row's index among its active siblings, from the order keys (column 4;
    parent is 3, status 5); 0 for a retired row."""
    siblings: dict[str | None, list[tuple[int, int]]] = {}
    for n, row in enumerate(rows):
        if row[5] == ACTIVE:
            siblings.setdefault(row[3], []).append((row[4], n))
    result = [0] * len(rows)
    for members in siblings.values():
        members.sort()
        for rank, (_key, n) in enumerate(members):
            result[n] = rank
    return result


def version_key(taxonomy: Taxonomy, version: Version) -> tuple[str, int, int, str, str]:
    """What identifies a published version's content across databases and processes. The
    time it was published is part of it: exports carry it, and a database made again under
    the same address may hold the same content published at another time."""
    return content_identity(taxonomy.id, version.number, version.content_hash, version.published_at)


def content_identity(
    taxonomy_id: int, number: int, content_hash: str, published_at: datetime
) -> tuple[str, int, int, str, str]:
    """version_key from the version's columns."""
    return (str(db.engine.url), taxonomy_id, number, content_hash, utc_iso(published_at))


def remember(taxonomy: Taxonomy, version: Version, tree: Tree) -> None:
    """Keep a version's tree (after reading it, or right after publishing it)."""
    trees.put(version_key(taxonomy, version), tree)


def latest(taxonomy: Taxonomy) -> Version | None:
    return db.session.scalar(
        select(Version).where(Version.taxonomy_id == taxonomy.id).order_by(Version.number.desc())
    )


def latest_tree(taxonomy: Taxonomy) -> Tree:
    version = latest(taxonomy)
    return read_tree(taxonomy, version) if version is not None else empty_tree()
