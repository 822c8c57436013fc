"""Taxonomies and their versions: import a file as version 1, publish the next version."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Taxonomy, Version
from ..taxonomy.apply import LENIENT, Result, apply
from ..taxonomy.changes import Change
from ..taxonomy.diff import DiffError, diff
from ..taxonomy.findings import Finding
from ..taxonomy.formats import FormatError
from ..taxonomy.formats.csv_format import ColumnMapping
from ..taxonomy.match import Matching, adopt_ids, match
from ..taxonomy.model import Tree
from . import audit, files
from . import taxonomy_store as store
from .errors import InvalidFile, NotFound, ServiceError
from .permissions import Actor, require

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
RESERVED_SLUGS = {"import"}  # a path of the web interface


@dataclass(frozen=True)
class Published:
    version: Version
    warnings: list[Finding] = field(default_factory=list)


def get_taxonomy(slug: str) -> Taxonomy:
    taxonomy = db.session.scalar(select(Taxonomy).where(Taxonomy.slug == slug))
    if taxonomy is None:
        raise NotFound(str(_l("There is no taxonomy %(slug)s.", slug=slug)))
    return taxonomy


def get_version(taxonomy: Taxonomy, ref: str | int) -> Version:
    """A version by number, or "latest"."""
    if ref == "latest":
        version = store.latest(taxonomy)
    else:
        try:
            number = int(ref)
        except ValueError:
            number = -1
        version = db.session.scalar(
            select(Version).where(Version.taxonomy_id == taxonomy.id, Version.number == number)
        )
    if version is None:
        raise NotFound(
            str(_l("Taxonomy %(slug)s has no version %(ref)s.", slug=taxonomy.slug, ref=ref))
        )
    return version


def parse(
    data: bytes, filename: str, fmt: str = "auto", mapping: ColumnMapping | None = None
) -> tuple[Tree, list[Finding], str]:
    """Read an uploaded file with the engine; InvalidFile lists every problem."""
    chosen = files.detect(filename, data, fmt)
    try:
        imported = files.read(data, chosen, mapping)
    except FormatError as error:
        raise InvalidFile(
            str(_l("The file was not imported: %(count)d problem(s).", count=len(error.findings))),
            error.findings,
        ) from None
    return imported.tree, imported.warnings, chosen


def column_mapping(text: str, dotted_codes: bool = False) -> ColumnMapping | None:
    """ "id=Code, label_en=Description_EN" -> a ColumnMapping (None when empty)."""
    pairs = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        ours, sep, theirs = item.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise ServiceError(
                str(
                    _l(
                        "Write the column mapping as our column = the column in the file, "
                        "separated by commas."
                    )
                ),
                field="mapping",
            )
        pairs[ours.strip()] = theirs.strip()
    if not pairs and not dotted_codes:
        return None
    return ColumnMapping(pairs, dotted_codes)


def check_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not SLUG.match(slug) or slug in RESERVED_SLUGS:
        raise ServiceError(
            str(_l("A short name uses 2 to 64 lower-case Latin letters, digits and hyphens.")),
            field="slug",
        )
    return slug


def create_from_file(
    actor: Actor,
    slug: str,
    name_ar: str,
    name_en: str,
    data: bytes,
    filename: str,
    fmt: str = "auto",
    note: str = "",
    progress: store.Progress | None = None,
    mapping: ColumnMapping | None = None,
) -> Published:
    """A new taxonomy whose version 1 is the file."""
    require(actor, "taxonomy.publish")
    slug = check_slug(slug)
    if db.session.scalar(select(Taxonomy.id).where(Taxonomy.slug == slug)) is not None:
        raise ServiceError(str(_l("The short name %(slug)s is taken.", slug=slug)), field="slug")
    if not name_ar.strip() or not name_en.strip():
        raise ServiceError(str(_l("Give the name in Arabic and in English.")), field="name_ar")
    tree, warnings, chosen = parse(data, filename, fmt, mapping)
    taxonomy = Taxonomy(slug=slug, name_ar=name_ar.strip(), name_en=name_en.strip())
    db.session.add(taxonomy)
    version = publish_tree(actor, taxonomy, tree, note, f"{chosen}: {filename}", progress)
    return Published(version, warnings)


def publish_file(
    actor: Actor,
    slug: str,
    data: bytes,
    filename: str,
    fmt: str = "auto",
    note: str = "",
    progress: store.Progress | None = None,
    mapping: ColumnMapping | None = None,
) -> Published:
    """The file as the next version of an existing taxonomy; what changed is stored."""
    require(actor, "taxonomy.publish")
    taxonomy = get_taxonomy(slug)
    tree, warnings, chosen = parse(data, filename, fmt, mapping)
    version = publish_tree(actor, taxonomy, tree, note, f"{chosen}: {filename}", progress)
    return Published(version, warnings)


def with_known_ids(before: Tree, uploaded: Tree) -> Tree:
    """The uploaded tree with the latest version's ids for concepts it brings under other
    ids (or without any): those are paired by label and path with the concepts it lacks."""
    old, new = before.concepts, uploaded.concepts
    gone = {c for c in old.keys() - new.keys() if old[c].active}
    arrived = {c for c in new.keys() - old.keys() if new[c].active}
    if not gone or not arrived:
        return uploaded
    found = match(before, uploaded)
    pairs = {new: old for new, old in found.pairs.items() if new in arrived and old in gone}
    if not pairs:
        return uploaded
    return adopt_ids(before, uploaded, Matching(pairs, [], []))


def publish_tree(
    actor: Actor,
    taxonomy: Taxonomy,
    uploaded: Tree,
    note: str = "",
    source: str = "",
    progress: store.Progress | None = None,
    proposals: list[int] | None = None,
) -> Version:
    """Store a whole tree (an imported file) as the next version: what changed is found
    with the engine's diff, and only that is written."""
    try:
        latest = store.latest(taxonomy) if taxonomy.id is not None else None
        before = store.read_tree(taxonomy, latest) if latest is not None else Tree({}, {})
        uploaded = with_known_ids(before, uploaded)
        try:
            changes = diff(before, uploaded)
        except DiffError as error:
            raise ServiceError(str(error)) from None
        if latest is not None and not changes:
            raise ServiceError(
                str(_l("The file is the same as version %(number)d.", number=latest.number))
            )
        after = apply(before, changes, policy=LENIENT).tree
        return _store(
            actor,
            taxonomy,
            latest,
            before,
            after,
            Counter(c.op for c in changes),
            note,
            source,
            progress,
            proposals,
        )
    except BaseException:
        db.session.rollback()
        raise


def publish_changes(
    actor: Actor,
    taxonomy: Taxonomy,
    changes: list[Change],
    note: str = "",
    source: str = "",
    proposals: list[int] | None = None,
) -> Version:
    """Apply changes (merged proposals) to the latest version and publish the result; all
    must apply, or nothing is published."""
    require(actor, "taxonomy.publish")
    try:
        latest = store.latest(taxonomy)
        if latest is None:
            raise ServiceError(str(_l("Import a first version before publishing changes.")))
        before = store.read_tree(taxonomy, latest)
        applied = apply(before, changes)
        if not applied.ok:
            raise ServiceError(
                "; ".join(
                    o.conflict.text(_locale()) for o in applied.conflicts if o.conflict is not None
                )
            )
        ops = Counter(o.change.op for o in applied.outcomes if o.result is Result.APPLIED)
        if not ops:
            raise ServiceError(
                str(_l("Nothing changes against version %(number)d.", number=latest.number))
            )
        return _store(
            actor, taxonomy, latest, before, applied.tree, ops, note, source, None, proposals
        )
    except BaseException:
        db.session.rollback()
        raise


def _store(
    actor: Actor,
    taxonomy: Taxonomy,
    latest: Version | None,
    before: Tree,
    after: Tree,
    ops: Counter[str],
    note: str,
    source: str,
    progress: store.Progress | None,
    proposals: list[int] | None,
) -> Version:
    """Write the version and its rows in the current transaction and commit."""
    number = latest.number + 1 if latest is not None else 1
    db.session.flush()
    rows, content = store.write_version(
        taxonomy, number, before, after, latest.content_hash if latest else "", progress
    )
    version = Version(
        taxonomy=taxonomy,
        number=number,
        parent_number=latest.number if latest is not None else None,
        published_by_id=actor.id,
        note=note.strip(),
        source=source[:300],
        proposals=proposals or [],
        concept_count=after.active_count(),
        retired_count=len(after) - after.active_count(),
        added=ops["add"],
        relabelled=ops["relabel"],
        moved=ops["move"],
        retired=ops["retire"] + ops["merge"],
        rows_written=rows,
        content_hash=content,
    )
    db.session.add(version)
    db.session.flush()
    audit.record(actor, "taxonomy.published", f"{taxonomy.slug} v{number}", rows=rows)
    db.session.commit()
    store.remember(taxonomy, version, after)
    return version


def _locale() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "en")


def list_taxonomies(actor: Actor | None) -> list[tuple[Taxonomy, Version | None]]:
    require(actor, "taxonomy.view")
    taxonomies = db.session.scalars(select(Taxonomy).order_by(Taxonomy.slug))
    return [(t, store.latest(t)) for t in taxonomies]


def list_versions(actor: Actor | None, slug: str) -> tuple[Taxonomy, list[Version]]:
    require(actor, "taxonomy.view")
    taxonomy = get_taxonomy(slug)
    versions = db.session.scalars(
        select(Version)
        .where(Version.taxonomy_id == taxonomy.id)
        .options(selectinload(Version.published_by))  # one query for all publishers
        .order_by(Version.number.desc())
    )
    return taxonomy, list(versions)
