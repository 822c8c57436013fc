"""Versions in the database: concept revisions as intervals, read back as engine trees.

Only this module knows the table layout; the services above it speak in engine Trees.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    Integer,
    Text,
    and_,
    func,
    insert,
    or_,
    select,
    text,
    type_coerce,
    update,
)
from sqlalchemy.orm import aliased

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
    search_fold,
)
from ..taxonomy import details as concept_details
from ..taxonomy.formats import concept_record
from . import order_keys, pairs

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
        stored = _json(more) if more not in _EMPTY_JSON else {}
        stored["related"] = _json(related) if related not in _EMPTY_JSON else []
        stored["alt_labels"] = _json(alt) if alt not in _EMPTY_JSON else {}
        details = concept_details.from_record(stored)
    return Concept(
        concept_id,
        _json(labels),
        _json(notes) if notes not in _EMPTY_JSON else NO_TEXT,
        parent,
        position,
        STATUSES[status],
        replaced_by,
        details,
    )


def _json(value: Any) -> Any:
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


def row_of(taxonomy_id: int, number: int, concept: Concept, order_key: int) -> dict[str, Any]:
    search = search_text(concept)
    details = concept_details.record(concept.details)
    return {
        "taxonomy_id": taxonomy_id,
        "concept_id": concept.id,
        "valid_from": number,
        "valid_to": None,
        "parent": concept.parent,
        "order_key": order_key,
        "status": concept.status.value,
        "replaced_by": concept.replaced_by,
        "label_ar": concept.labels.get("ar"),
        "label_en": concept.labels.get("en"),
        "labels": dict(concept.labels),
        "notes": dict(concept.notes),
        "alt_labels": details.pop("alt_labels", {}),
        "related": details.pop("related", []),
        "details": details,
        "search_text": search,
    }


def search_text(concept: Concept) -> str:
    """What search looks in, folded as queries are (labels, synonyms, hidden labels, codes
    and notes), one line each."""
    details = concept.details
    texts = [*concept.labels.values(), *details.search_texts(), *concept.notes.values()]
    texts += [
        t for by_language in details.other_notes.values() for v in by_language.values() for t in v
    ]
    return " \n ".join(search_fold(text) for text in texts)


def changed_concepts(before: Tree, after: Tree) -> tuple[set[str], set[str | None]]:
    """The ids whose content (anything but their position) changed or that are new, and
    the parents whose list of children changed. (Trees made by apply() share unchanged
    concept objects: `is` settles most of them.)"""
    old_concepts = before.concepts
    changed: set[str] = set()
    parents: set[str | None] = set()
    for concept_id, new in after.concepts.items():
        old = old_concepts.get(concept_id)
        if old is new or old == new:
            continue
        if old is not None:
            parents.add(old.parent)
            if old.placed(old.parent, new.position) == new:
                continue  # only its position moved: its parent's order says the rest
        changed.add(concept_id)
        parents.add(new.parent)
    return changed, {p for p in parents if before.children_of(p) != after.children_of(p)}


def current_keys(
    taxonomy: Taxonomy, parents: set[str | None], ids: Iterable[str]
) -> dict[str, int]:
    """The order keys in the latest version of the children of `parents` and of `ids`."""
    named = sorted(p for p in parents if p is not None)
    conditions = [
        ConceptRevision.parent.in_(named[i : i + CHUNK]) for i in range(0, len(named), CHUNK)
    ]
    if None in parents:
        conditions.append(ConceptRevision.parent.is_(None))
    wanted = sorted(ids)
    conditions += [
        ConceptRevision.concept_id.in_(wanted[i : i + CHUNK]) for i in range(0, len(wanted), CHUNK)
    ]
    keys: dict[str, int] = {}
    for condition in conditions:
        rows = db.session.execute(
            select(ConceptRevision.concept_id, ConceptRevision.order_key).where(
                ConceptRevision.taxonomy_id == taxonomy.id,
                ConceptRevision.valid_to.is_(None),
                condition,
            )
        )
        keys.update({concept_id: key for concept_id, key in rows})
    return keys


def content_hash(
    previous: str, closed: Sequence[str], written: Sequence[tuple[Concept, int]]
) -> str:
    """SHA-256 chained over the versions: the previous version's hash and exactly what this
    version changed (each written concept with its order key). It depends on nothing else,
    so it identifies the content; it costs what the change costs, not the whole tree."""
    change = {
        "closed": sorted(closed),
        "written": sorted(
            ({**concept_record(c), "order_key": key} for c, key in written),
            key=lambda r: str(r["id"]),
        ),
    }
    digest = hashlib.sha256(previous.encode())
    digest.update(orjson.dumps(change, option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()


def write_version(
    taxonomy: Taxonomy,
    number: int,
    before: Tree,
    after: Tree,
    previous_hash: str = "",
    progress: Progress | None = None,
) -> tuple[int, str]:
    """Close the rows of changed concepts and add their new rows; returns the rows written
    and the content hash. A concept gets a row when its content changed or when its order
    key had to change; siblings that merely shifted keep their rows. The caller owns the
    transaction."""
    changed, parents = changed_concepts(before, after)
    old_keys = current_keys(taxonomy, parents, changed)
    keys: dict[str, int] = {}
    for parent in parents:
        was_here = {c: old_keys[c] for c in before.children_of(parent) if c in old_keys}
        keys.update(order_keys.assign(after.children_of(parent), was_here))
    rekeyed = {c for c, key in keys.items() if old_keys.get(c) != key}
    written = [
        (after.concepts[c], keys.get(c, old_keys.get(c, 0)) if after.concepts[c].active else 0)
        for c in sorted(changed | rekeyed)
    ]
    to_close = [concept.id for concept, _key in written if concept.id in before.concepts]
    for start in range(0, len(to_close), CHUNK):
        db.session.execute(
            update(ConceptRevision)
            .where(
                ConceptRevision.taxonomy_id == taxonomy.id,
                ConceptRevision.valid_to.is_(None),
                ConceptRevision.concept_id.in_(to_close[start : start + CHUNK]),
            )
            .values(valid_to=number)
        )
    for start in range(0, len(written), CHUNK):
        chunk = written[start : start + CHUNK]
        db.session.execute(
            insert(ConceptRevision), [row_of(taxonomy.id, number, c, key) for c, key in chunk]
        )
        if progress is not None:
            progress(len(chunk))
    return len(written), content_hash(previous_hash, to_close, written)


def refresh_statistics() -> None:
    """After a large import: PostgreSQL's planner chose scans without fresh statistics (the
    root page took 6x longer than on SQLite). SQLite needs nothing here."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE concept_revision"))


def latest(taxonomy: Taxonomy) -> Version | None:
    return db.session.scalar(
        select(Version).where(Version.taxonomy_id == taxonomy.id).order_by(Version.number.desc())
    )


def latest_tree(taxonomy: Taxonomy) -> Tree:
    version = latest(taxonomy)
    return read_tree(taxonomy, version) if version is not None else empty_tree()


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
        concept_id: PathStep(concept_id, parent, _json(labels))
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


# What the guards of published history (migration 0010) say when a publication that lost a
# race writes against a version someone else has just published.
LOST_RACE = (
    "published concept revisions are immutable",
    "revisions are only added to the version being published",
    "a version is published as the next number",
)


def refused_by_guard(error: Exception) -> bool:
    return any(marker in str(error) for marker in LOST_RACE)
