"""Writing a version: close the rows of the concepts that changed, add their new rows (order
keys for those that moved only), and the content hash that identifies the result."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import insert, select, text, update

from ..models import ConceptRevision, Taxonomy, db
from ..taxonomy import Concept, Tree, search_fold
from ..taxonomy import details as concept_details
from ..taxonomy.formats import concept_record
from . import order_keys
from .revisions import CHUNK, Progress


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


# What the guards of published history (migration 0010) say when a publication that lost a
# race writes against a version someone else has just published.
LOST_RACE = (
    "published concept revisions are immutable",
    "revisions are only added to the version being published",
    "a version is published as the next number",
)


def refused_by_guard(error: Exception) -> bool:
    return any(marker in str(error) for marker in LOST_RACE)
