"""Importing through the web: upload, look at findings and the diff, then publish."""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Taxonomy
from ..taxonomy.changes import Change
from ..taxonomy.diff import DiffError, diff
from ..taxonomy.findings import Finding
from ..taxonomy.model import Tree
from . import taxonomies
from . import taxonomy_store as store
from .errors import NotFound, ServiceError
from .permissions import Actor, require

KEEP_UPLOADS_SECONDS = 24 * 3600
SAMPLE = 200


@dataclass
class Preview:
    """What publishing the upload would do; nothing is written until it is confirmed."""

    token: str
    filename: str
    fmt: str
    slug: str
    name_ar: str
    name_en: str
    existing: Taxonomy | None
    tree: Tree
    warnings: list[Finding]
    changes: list[Change] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(c.op for c in self.changes)


def folder() -> Path:
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _sweep(path: Path) -> None:
    limit = time.time() - KEEP_UPLOADS_SECONDS
    for old in path.iterdir():
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)


def preview(
    actor: Actor,
    data: bytes,
    filename: str,
    fmt: str,
    slug: str,
    name_ar: str,
    name_en: str,
    mapping_text: str = "",
    dotted_codes: bool = False,
) -> Preview:
    """Parse and check the upload against the latest version; keep it for the confirmation."""
    require(actor, "taxonomy.publish")
    slug = taxonomies.check_slug(slug)
    mapping = taxonomies.column_mapping(mapping_text, dotted_codes)
    existing = db.session.scalar(select(Taxonomy).where(Taxonomy.slug == slug))
    if existing is None and (not name_ar.strip() or not name_en.strip()):
        raise ServiceError(
            str(_l("A new taxonomy needs its name in Arabic and in English.")), field="name_ar"
        )
    tree, warnings, chosen = taxonomies.parse(data, filename, fmt, mapping)
    before = store.latest_tree(existing) if existing is not None else Tree({}, {})
    try:
        changes = diff(before, taxonomies.with_known_ids(before, tree))
    except DiffError as error:
        raise ServiceError(str(error)) from None
    token = secrets.token_urlsafe(18)
    place = folder()
    _sweep(place)
    (place / f"{token}.bin").write_bytes(data)
    meta = {
        "filename": filename,
        "fmt": chosen,
        "slug": slug,
        "name_ar": name_ar,
        "name_en": name_en,
        "mapping": mapping_text,
        "dotted_codes": dotted_codes,
    }
    (place / f"{token}.json").write_text(json.dumps(meta), encoding="utf-8")
    return Preview(
        token, filename, chosen, slug, name_ar, name_en, existing, tree, warnings, changes
    )


def _load(token: str) -> tuple[bytes, dict[str, Any]]:
    if not token.replace("-", "").replace("_", "").isalnum():
        raise NotFound(str(_l("This upload has expired; upload the file again.")))
    place = folder()
    try:
        meta = json.loads((place / f"{token}.json").read_text(encoding="utf-8"))
        data = (place / f"{token}.bin").read_bytes()
    except FileNotFoundError:
        raise NotFound(str(_l("This upload has expired; upload the file again."))) from None
    return data, meta


def confirm(actor: Actor, token: str, note: str = "") -> taxonomies.Published:
    """Publish a previewed upload: version 1 of a new taxonomy, or the next version."""
    require(actor, "taxonomy.publish")
    data, meta = _load(token)
    mapping = taxonomies.column_mapping(meta["mapping"], meta["dotted_codes"])
    existing = db.session.scalar(select(Taxonomy.id).where(Taxonomy.slug == meta["slug"]))
    if existing is None:
        published = taxonomies.create_from_file(
            actor,
            meta["slug"],
            meta["name_ar"],
            meta["name_en"],
            data,
            meta["filename"],
            meta["fmt"],
            note,
            mapping=mapping,
        )
    else:
        published = taxonomies.publish_file(
            actor, meta["slug"], data, meta["filename"], meta["fmt"], note, mapping=mapping
        )
    for suffix in (".bin", ".json"):
        (folder() / f"{token}{suffix}").unlink(missing_ok=True)
    return published
