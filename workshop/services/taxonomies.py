"""Taxonomies: find them and their versions, create one from a file, add a version from a
file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Connection, Select, bindparam, select
from sqlalchemy.orm import contains_eager, selectinload

from ..models import Taxonomy, Version, db
from ..storage import revisions
from ..taxonomy import Finding
from .errors import NotFound, ServiceError
from .permissions import Actor, Permission, require
from .unit_of_work import use_case
from .uploads import Pair, Upload, parse, with_ids
from .versions import Provenance, publish_tree

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
RESERVED_SLUGS = {"import"}  # a path of the web interface


@dataclass(frozen=True)
class NewTaxonomy:
    """What names a new taxonomy: its short name (for addresses) and its two names."""

    slug: str
    name_ar: str
    name_en: str


@dataclass(frozen=True)
class Published:
    version: Version
    warnings: list[Finding] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)  # concepts paired by label


def get_taxonomy(slug: str) -> Taxonomy:
    taxonomy = db.session.scalar(select(Taxonomy).where(Taxonomy.slug == slug))
    if taxonomy is None:
        raise NotFound(str(_l("There is no taxonomy %(slug)s.", slug=slug)))
    return taxonomy


def find_taxonomy(slug: str) -> Taxonomy | None:
    return db.session.scalar(select(Taxonomy).where(Taxonomy.slug == slug))


def get_version(taxonomy: Taxonomy, ref: str | int) -> Version:
    """A version by number, or "latest"."""
    if ref == "latest":
        version = revisions.latest(taxonomy)
    else:
        try:
            number = int(ref)
        except ValueError:
            number = -1
        if not 0 < number < 2**31:  # 2^70 must be "no such version", not a database error
            number = -1
        version = db.session.scalar(
            select(Version).where(Version.taxonomy_id == taxonomy.id, Version.number == number)
        )
    if version is None:
        raise NotFound(
            str(_l("Taxonomy %(slug)s has no version %(ref)s.", slug=taxonomy.slug, ref=ref))
        )
    return version


def find_version(slug: str, ref: str | int) -> Version | None:
    """Version `ref` (a number or "latest") of taxonomy `slug`, with its taxonomy, in one
    query; None when either is missing."""
    statement = (
        select(Version)
        .join(Version.taxonomy)
        .options(contains_eager(Version.taxonomy))
        .where(Taxonomy.slug == slug)
    )
    if ref == "latest":
        statement = statement.order_by(Version.number.desc()).limit(1)
    else:
        number = _number(ref)
        if number is None:
            return None
        statement = statement.where(Version.number == number)
    return db.session.scalars(statement).first()


@dataclass(frozen=True)
class VersionKey:
    """What names a published version's content and its taxonomy, read without the ORM:
    enough to find its cached fragments (browsing.content_key gives the same tuple)."""

    taxonomy_id: int
    slug: str
    name_ar: str
    name_en: str
    number: int
    content_hash: str
    published_at: datetime


def find_version_key(
    slug: str, ref: str | int, connection: Connection | None = None
) -> VersionKey | None:
    """find_version's answer as a VersionKey, in one Core query (a cached fragment's whole
    lookup: building the ORM objects, or even the statement, cost more than the query), on
    the request's session or on `connection` (a read before Flask, quick_reads)."""
    if connection is None:
        connection = db.session.connection()
    if ref == "latest":
        row = connection.execute(_LATEST_KEY, {"slug": slug}).first()
    else:
        number = _number(ref)
        if number is None:
            return None
        parameters = {"slug": slug, "number": number}
        row = connection.execute(_NUMBERED_KEY, parameters).first()
    return VersionKey(*row) if row is not None else None


def _key_statements() -> tuple[Select[Any], Select[Any]]:
    taxonomy, version = Taxonomy.__table__.c, Version.__table__.c
    keys = (
        select(
            taxonomy.id,
            taxonomy.slug,
            taxonomy.name_ar,
            taxonomy.name_en,
            version.number,
            version.content_hash,
            version.published_at,
        )
        .select_from(Version.__table__.join(Taxonomy.__table__))
        .where(taxonomy.slug == bindparam("slug"))
    )
    latest = keys.order_by(version.number.desc()).limit(1)
    return latest, keys.where(version.number == bindparam("number"))


_LATEST_KEY, _NUMBERED_KEY = _key_statements()


def _number(ref: str | int) -> int | None:
    try:
        number = int(ref)
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


def check_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not SLUG.match(slug) or slug in RESERVED_SLUGS:
        raise ServiceError(
            str(_l("A short name uses 2 to 64 lower-case Latin letters, digits and hyphens.")),
            field="slug",
        )
    return slug


def check_new(new: NewTaxonomy) -> NewTaxonomy:
    """The new taxonomy's names, cleaned; raises when the short name is bad or taken."""
    slug = check_slug(new.slug)
    if find_taxonomy(slug) is not None:
        raise ServiceError(str(_l("The short name %(slug)s is taken.", slug=slug)), field="slug")
    if not new.name_ar.strip() or not new.name_en.strip():
        raise ServiceError(str(_l("Give the name in Arabic and in English.")), field="name_ar")
    return NewTaxonomy(slug, new.name_ar.strip(), new.name_en.strip())


@use_case(Permission.PUBLISH_TAXONOMY)
def create_from_file(
    actor: Actor,
    new: NewTaxonomy,
    upload: Upload,
    note: str = "",
    progress: revisions.Progress | None = None,
) -> Published:
    """A new taxonomy whose version 1 is the file."""
    new = check_new(new)
    parsed = parse(upload)
    taxonomy = Taxonomy(slug=new.slug, name_ar=new.name_ar, name_en=new.name_en)
    db.session.add(taxonomy)
    provenance = Provenance(note, parsed.source(upload.filename))
    version = publish_tree(actor, taxonomy, parsed.tree, provenance, progress)
    return Published(version, parsed.warnings)


@use_case(Permission.PUBLISH_TAXONOMY)
def publish_file(
    actor: Actor,
    slug: str,
    upload: Upload,
    note: str = "",
    progress: revisions.Progress | None = None,
    allow_mass_retire: bool = False,
) -> Published:
    """The file as the next version of an existing taxonomy; what changed is stored."""
    taxonomy = get_taxonomy(slug)
    parsed = parse(upload)
    tree, pairs = with_ids(revisions.latest_tree(taxonomy), parsed, upload)
    provenance = Provenance(note, parsed.source(upload.filename))
    version = publish_tree(actor, taxonomy, tree, provenance, progress, allow_mass_retire)
    return Published(version, parsed.warnings, pairs)


def label_pairs(actor: Actor, slug: str, upload: Upload) -> list[Pair]:
    """The pairs by label that publishing the file would make (shown before publishing)."""
    require(actor, Permission.PUBLISH_TAXONOMY)
    taxonomy = get_taxonomy(slug)
    return with_ids(revisions.latest_tree(taxonomy), parse(upload), upload)[1]


def list_taxonomies(actor: Actor | None) -> list[tuple[Taxonomy, Version | None]]:
    require(actor, Permission.VIEW_TAXONOMY)
    taxonomies = db.session.scalars(select(Taxonomy).order_by(Taxonomy.slug))
    return [(t, revisions.latest(t)) for t in taxonomies]


def list_versions(actor: Actor | None, slug: str) -> tuple[Taxonomy, list[Version]]:
    require(actor, Permission.VIEW_TAXONOMY)
    taxonomy = get_taxonomy(slug)
    versions = db.session.scalars(
        select(Version)
        .where(Version.taxonomy_id == taxonomy.id)
        .options(selectinload(Version.published_by))  # one query for all publishers
        .order_by(Version.number.desc())
    )
    return taxonomy, list(versions)
