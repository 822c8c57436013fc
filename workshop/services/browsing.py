"""Reading published versions: the tree level by level, search, a concept and its history,
diffs, validation and exports."""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import ConceptRevision, Taxonomy, Version
from ..taxonomy.changes import Change
from ..taxonomy.diff import diff
from ..taxonomy.findings import Finding
from ..taxonomy.model import Tree
from ..taxonomy.text import label_key
from ..taxonomy.validate import Policy, validate
from . import files
from . import taxonomy_store as store
from .errors import NotFound, ServiceError
from .permissions import Actor, require
from .taxonomies import get_taxonomy, get_version

SEARCH_LIMIT = 50
_exports: OrderedDict[tuple[str, int, int, str, str], files.Export] = OrderedDict()
_exports_lock = threading.Lock()
CACHED_EXPORTS = 16


@dataclass(frozen=True)
class Node:
    """A concept as the tree browser shows it."""

    row: ConceptRevision
    children: int

    @property
    def id(self) -> str:
        return self.row.concept_id


@dataclass(frozen=True)
class Place:
    taxonomy: Taxonomy
    version: Version


def place(actor: Actor | None, slug: str, ref: str | int) -> Place:
    require(actor, "taxonomy.view")
    taxonomy = get_taxonomy(slug)
    return Place(taxonomy, get_version(taxonomy, ref))


def children(
    actor: Actor | None, slug: str, ref: str | int, parent: str | None
) -> tuple[Place, list[Node]]:
    """One level of the tree (the roots for parent None), with each node's child count."""
    where = place(actor, slug, ref)
    rows = store.children_rows(where.taxonomy, where.version.number, parent)
    counts = store.child_counts(where.taxonomy, where.version.number, [r.concept_id for r in rows])
    return where, [Node(r, counts.get(r.concept_id, 0)) for r in rows]


@dataclass(frozen=True)
class Match:
    node: ConceptRevision
    path: list[ConceptRevision]


def search(actor: Actor | None, slug: str, ref: str | int, query: str) -> tuple[Place, list[Match]]:
    """Concepts whose Arabic or English labels (or synonyms) contain the query, with paths."""
    where = place(actor, slug, ref)
    needle = label_key(query)[:200]
    if len(needle) < 2:
        return where, []
    number = where.version.number
    found = store.search_rows(where.taxonomy, number, needle, SEARCH_LIMIT)
    known = {r.concept_id: r for r in found}
    wanted = {r.parent for r in found if r.parent}
    while wanted - known.keys():  # one query per level of ancestors, not per match
        fetched = store.rows_by_id(where.taxonomy, number, wanted - known.keys())
        if not fetched:
            break
        known.update(fetched)
        wanted = {r.parent for r in fetched.values() if r.parent}
    matches = []
    for row in found:
        path, parent = [], row.parent
        while parent is not None and parent in known:
            path.append(known[parent])
            parent = known[parent].parent
        matches.append(Match(row, list(reversed(path))))
    return where, matches


@dataclass(frozen=True)
class Revision:
    row: ConceptRevision
    last_version: int | None  # None: still current


@dataclass
class ConceptView:
    place: Place
    row: ConceptRevision
    path: list[ConceptRevision]
    children: list[Node]
    replaced_by: ConceptRevision | None
    history: list[Revision] = field(default_factory=list)


def concept(actor: Actor | None, slug: str, ref: str | int, concept_id: str) -> ConceptView:
    """A concept at a version: labels, notes, path, children, replacement and history."""
    where = place(actor, slug, ref)
    number = where.version.number
    found = store.rows_by_id(where.taxonomy, number, [concept_id]).get(concept_id)
    if found is None:
        raise NotFound(
            str(
                _l(
                    "There is no concept %(id)s in version %(number)d.",
                    id=concept_id,
                    number=number,
                )
            )
        )
    path: list[ConceptRevision] = []
    parent = found.parent
    while parent is not None:
        above = store.rows_by_id(where.taxonomy, number, [parent]).get(parent)
        if above is None:
            break
        path.insert(0, above)
        parent = above.parent
    replaced = (
        store.rows_by_id(where.taxonomy, number, [found.replaced_by]).get(found.replaced_by)
        if found.replaced_by
        else None
    )
    _place, kids = children(actor, slug, number, concept_id)
    history = [
        Revision(r, r.valid_to - 1 if r.valid_to is not None else None)
        for r in store.history_rows(where.taxonomy, concept_id)
    ]
    return ConceptView(where, found, path, kids, replaced, history)


def tree(actor: Actor | None, slug: str, ref: str | int) -> tuple[Place, Tree]:
    where = place(actor, slug, ref)
    return where, store.read_tree(where.taxonomy, where.version)


@dataclass(frozen=True)
class Difference:
    taxonomy: Taxonomy
    old: Version
    new: Version
    changes: list[Change]
    before: Tree
    after: Tree

    @property
    def counts(self) -> Counter[str]:
        return Counter(c.op for c in self.changes)


def difference(actor: Actor | None, slug: str, a: str | int, b: str | int) -> Difference:
    """The changes that turn version a into version b."""
    old, before = tree(actor, slug, a)
    new, after = tree(actor, slug, b)
    return Difference(old.taxonomy, old.version, new.version, diff(before, after), before, after)


def findings(actor: Actor | None, slug: str, ref: str | int) -> tuple[Place, list[Finding]]:
    """The engine's rules on a published version (label flaws are warnings there)."""
    where, whole = tree(actor, slug, ref)
    return where, validate(whole, Policy().for_import())


def etag(version: Version, fmt: str) -> str:
    return f"{version.content_hash[:40]}.{version.number}.{fmt}"


def export(actor: Actor | None, slug: str, ref: str | int, fmt: str) -> tuple[Place, files.Export]:
    """A published version in a file format; cached, as published versions never change."""
    if fmt not in files.FORMATS:
        raise ServiceError(
            str(_l("Unknown format %(format)s (use json, csv, xlsx or skos).", format=fmt)),
            field="format",
        )
    where = place(actor, slug, ref)
    version = where.version
    key = (str(db.engine.url), where.taxonomy.id, version.number, version.content_hash, fmt)
    with _exports_lock:
        if key in _exports:
            _exports.move_to_end(key)
            return where, _exports[key]
    whole = store.read_tree(where.taxonomy, version)
    made = files.write(whole, fmt, *metadata(where))
    with _exports_lock:
        _exports[key] = made
        while len(_exports) > CACHED_EXPORTS:
            _exports.popitem(last=False)
    return where, made


def metadata(where: Place) -> tuple[dict[str, object], dict[str, object]]:
    taxonomy, version = where.taxonomy, where.version
    published = version.published_at
    return (
        {"slug": taxonomy.slug, "name": {"ar": taxonomy.name_ar, "en": taxonomy.name_en}},
        {
            "number": version.number,
            "published_at": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "based_on": version.parent_number,
            "proposals": list(version.proposals or []),
        },
    )
