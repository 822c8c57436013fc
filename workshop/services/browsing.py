"""Reading published versions: the tree level by level, search, a concept and its history,
diffs, validation and exports."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from flask_babel import lazy_gettext as _l

from ..caching import CompressedCopies, SharedCache
from ..models import ConceptRevision, Taxonomy, Version
from ..storage import lookups
from ..storage import revisions as store
from ..storage.lookups import PathStep
from ..taxonomy import Finding, Policy, Tree, search_fold, validate
from . import formats
from .errors import NotFound, ServiceError
from .permissions import Actor, Permission, require
from .taxonomies import VersionKey, find_version, find_version_key, get_taxonomy, get_version

FRAGMENTS = 1000  # rendered pieces of published versions: a few KB each
SEARCH_LIMIT = 50
PAGE = 200  # children shown at a time: 20,000 at once made a 7.9 MB page
MAX_PAGE = 1000
CACHED_EXPORTS = 16


@dataclass(frozen=True)
class Fragment:
    """A piece of a page rendered from published versions only: the same bytes for every
    reader of that language, so it is rendered once and revalidated by its strong ETag."""

    html: str
    etag: str
    copies: CompressedCopies = field(default_factory=CompressedCopies, compare=False, repr=False)

    def encoded(self, encoding: str) -> bytes:
        return self.copies.of(self.html.encode(), encoding)


def _fragment_bytes(fragment: Fragment) -> bytes:
    return orjson.dumps({"html": fragment.html, "etag": fragment.etag})


def _fragment_of(data: bytes) -> Fragment:
    kept = orjson.loads(data)
    return Fragment(kept["html"], kept["etag"])


def _export_bytes(made: formats.Export) -> bytes:
    return f"{made.mimetype}\n{made.extension}\n".encode() + made.data


def _export_of(data: bytes) -> formats.Export:
    mimetype, extension, body = data.split(b"\n", 2)
    return formats.Export(body, mimetype.decode(), extension.decode())


# Shared by the worker processes when WORKSHOP_CACHE_URL is set (caching.SharedCache).
exports = SharedCache(CACHED_EXPORTS, "export", _export_bytes, _export_of)
fragments = SharedCache(FRAGMENTS, "fragment", _fragment_bytes, _fragment_of)


def rendered(key: tuple[object, ...], render: Callable[[], str]) -> Fragment:
    """The fragment for `key` (which must name the versions by their content_key), rendered
    by the first request that needs it while the others wait."""
    tag = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    return fragments.get_or_make(key, lambda: Fragment(render(), tag))


def content_key(at: VersionRef) -> tuple[object, ...]:
    """What identifies a published version's content and what fragments show of its
    taxonomy (database, taxonomy, number, hash, short name, names)."""
    taxonomy = at.taxonomy
    key = store.version_key(taxonomy, at.version)
    return (*key, taxonomy.slug, taxonomy.name_ar, taxonomy.name_en)


def key_of(actor: Actor | None, slug: str, ref: str | int) -> VersionKey:
    """The version `ref` of `slug` as its key, if the actor may read: the one query of a
    cached fragment's request, or of an unchanged export's (NotFound names what is
    missing, as version_ref does)."""
    require(actor, Permission.VIEW_TAXONOMY)
    found = find_version_key(slug, ref)
    if found is None:
        version_ref(actor, slug, ref)  # raises NotFound with the right words
        raise NotFound(str(_l("Taxonomy %(slug)s has no version %(ref)s.", slug=slug, ref=ref)))
    return found


def key_content(found: VersionKey) -> tuple[object, ...]:
    """content_key of the version `found` names (the same tuple, without the ORM)."""
    stored = store.content_identity(
        found.taxonomy_id, found.number, found.content_hash, found.published_at
    )
    return (*stored, found.slug, found.name_ar, found.name_en)


@dataclass(frozen=True)
class Node:
    """A concept as the tree browser shows it."""

    row: ConceptRevision
    child_count: int

    @property
    def id(self) -> str:
        return self.row.concept_id


@dataclass(frozen=True)
class VersionRef:
    """One published version of one taxonomy: what every page of the browser is about."""

    taxonomy: Taxonomy
    version: Version


def version_ref(actor: Actor | None, slug: str, ref: str | int) -> VersionRef:
    """The version `ref` (a number or "latest") of taxonomy `slug`, if the actor may read."""
    require(actor, Permission.VIEW_TAXONOMY)
    found = find_version(slug, ref)  # one query; the two below only to name what is missing
    if found is not None:
        return VersionRef(found.taxonomy, found)
    taxonomy = get_taxonomy(slug)
    return VersionRef(taxonomy, get_version(taxonomy, ref))


@dataclass(frozen=True)
class Level:
    """One page of a parent's children: a category may hold thousands of services."""

    at: VersionRef
    parent: str | None
    nodes: list[Node]
    offset: int
    total: int

    @property
    def next_offset(self) -> int | None:
        following = self.offset + len(self.nodes)
        return following if following < self.total else None


def children(
    actor: Actor | None,
    slug: str,
    ref: str | int,
    parent: str | None,
    offset: int = 0,
    limit: int = PAGE,
) -> Level:
    """A page of one level of the tree (the roots for parent None), with each node's child
    count and the level's total."""
    return level_of(version_ref(actor, slug, ref), parent, offset, limit)


def level_of(at: VersionRef, parent: str | None, offset: int = 0, limit: int = PAGE) -> Level:
    number = at.version.number
    offset, limit = max(0, min(offset, 10**9)), max(1, min(limit, MAX_PAGE))
    rows = lookups.children_rows(at.taxonomy, number, parent, offset, limit)
    counts = lookups.child_counts(at.taxonomy, number, [r.concept_id for r in rows])
    nodes = [Node(r, counts.get(r.concept_id, 0)) for r in rows]
    if offset == 0 and len(rows) < limit:
        total = len(rows)  # the whole level fitted: no count needed
    else:
        total = lookups.child_total(at.taxonomy, number, parent)
    return Level(at, parent, nodes, offset, total)


@dataclass(frozen=True)
class Match:
    node: ConceptRevision
    path: list[PathStep]


@dataclass(frozen=True)
class Found:
    """The first matches of a search, and how many there are in all."""

    matches: list[Match]
    total: int
    too_short: bool = False  # a query of one letter is not run


def search(
    actor: Actor | None,
    slug: str,
    ref: str | int,
    query: str,
    limit: int | None = None,
    counted: bool = True,
) -> tuple[VersionRef, Found]:
    """Concepts whose labels, synonyms, codes or notes contain the query (Arabic spellings
    folded on both sides: search_fold), with their paths: the first `limit`, and how many
    there are in all (unless not `counted`: a picker needs no total)."""
    at = version_ref(actor, slug, ref)
    needle = search_key(query)
    if len(needle) < 2:
        return at, Found([], 0, too_short=bool(needle))
    number = at.version.number
    limit = limit or SEARCH_LIMIT
    found = lookups.search_rows(at.taxonomy, number, needle, limit)
    total = len(found)
    if total == limit and counted:
        total = lookups.search_count(at.taxonomy, number, needle)
    known = lookups.with_ancestors(at.taxonomy, number, [r.concept_id for r in found])
    return at, Found([Match(row, path_above(row, known)) for row in found], total)


def search_key(query: str) -> str:
    """What a query is compared as: folded as the stored texts are, so that "اسرة",
    "الاسره" and "أسرة" are one query, as are "  CLINICS " and "clinics"."""
    return search_fold(query[:200])


def path_above(row: ConceptRevision, known: dict[str, PathStep]) -> list[PathStep]:
    """The concepts from the root down to the row's parent."""
    path, parent = [], row.parent
    while parent is not None and parent in known:
        path.append(known[parent])
        parent = known[parent].parent
    return list(reversed(path))


@dataclass(frozen=True)
class Revision:
    row: ConceptRevision
    last_version: int | None  # None: still current


@dataclass
class ConceptView:
    at: VersionRef
    row: ConceptRevision
    path: list[PathStep]
    children: Level
    replaced_by: ConceptRevision | None
    history: list[Revision] = field(default_factory=list)
    # The labels (at this version) of the parents the history names.
    parent_labels: dict[str, dict[str, str]] = field(default_factory=dict)


def concept(
    actor: Actor | None,
    slug: str,
    ref: str | int,
    concept_id: str,
    offset: int = 0,
    limit: int = PAGE,
) -> ConceptView:
    """A concept at a version: labels, notes, path, a page of its children, replacement
    and history."""
    at = version_ref(actor, slug, ref)
    number = at.version.number
    found = lookups.rows_by_id(at.taxonomy, number, [concept_id]).get(concept_id)
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
    path = path_above(found, lookups.with_ancestors(at.taxonomy, number, [concept_id]))
    replaced = (
        lookups.rows_by_id(at.taxonomy, number, [found.replaced_by]).get(found.replaced_by)
        if found.replaced_by
        else None
    )
    kids = level_of(at, concept_id, offset, limit)
    history = [
        Revision(r, r.valid_to - 1 if r.valid_to is not None else None)
        for r in lookups.history_rows(at.taxonomy, concept_id)
    ]
    parents = {r.row.parent for r in history if r.row.parent}
    known = {step.concept_id: step.labels for step in path}
    missing = parents - known.keys()
    if missing:
        known.update(
            {k: r.labels for k, r in lookups.rows_by_id(at.taxonomy, number, missing).items()}
        )
    labels = {p: dict(known[p]) for p in parents if p in known}
    return ConceptView(at, found, path, kids, replaced, history, labels)


def position(view: ConceptView) -> int | None:
    """The concept's index among its siblings (None when retired)."""
    if view.row.status != "active":
        return None
    return lookups.sibling_rank(view.at.taxonomy, view.at.version.number, view.row)


def tree(actor: Actor | None, slug: str, ref: str | int) -> tuple[VersionRef, Tree]:
    at = version_ref(actor, slug, ref)
    return at, store.read_tree(at.taxonomy, at.version)


def findings(actor: Actor | None, slug: str, ref: str | int) -> tuple[VersionRef, list[Finding]]:
    """The engine's rules on a published version (label flaws are warnings there)."""
    at, whole = tree(actor, slug, ref)
    return at, validate(whole, Policy().for_import())


def etag(version: Version | VersionKey, fmt: str) -> str:
    return f"{version.content_hash[:40]}.{version.number}.{fmt}"


def export(
    actor: Actor | None, slug: str, ref: str | int, fmt: str
) -> tuple[VersionRef, formats.Export]:
    """A published version in a file format; cached, as published versions never change."""
    if fmt not in formats.FORMATS:
        raise ServiceError(
            str(_l("Unknown format %(format)s (use json, csv, xlsx or skos).", format=fmt)),
            field="format",
        )
    at = version_ref(actor, slug, ref)
    version = at.version
    key = (*store.version_key(at.taxonomy, version), fmt)

    def make() -> formats.Export:
        return formats.write(store.read_tree(at.taxonomy, version), fmt, *metadata(at))

    return at, exports.get_or_make(key, make)


def metadata(at: VersionRef) -> tuple[dict[str, object], dict[str, object]]:
    taxonomy, version = at.taxonomy, at.version
    return (
        {"slug": taxonomy.slug, "name": {"ar": taxonomy.name_ar, "en": taxonomy.name_en}},
        {
            "number": version.number,
            "published_at": version.published_at_iso,
            "based_on": version.parent_number,
            "proposals": version.proposal_ids,
        },
    )
