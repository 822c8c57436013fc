"""Importing through the web: upload, look at findings and the diff, then publish."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..storage import revisions
from ..taxonomy import DiffError, Finding, diff, empty_tree
from ..taxonomy.formats import ColumnMapping
from . import findings_report, taxonomies, uploads
from .errors import NotFound, ServiceError
from .permissions import Actor, Permission, require
from .unit_of_work import use_case
from .upload_summary import Summary

KEEP_UPLOADS_SECONDS = 24 * 3600


@dataclass(frozen=True)
class UploadRequest:
    """What the import form sends: the file, where it goes, and how to read it."""

    data: bytes
    filename: str
    slug: str
    fmt: str = "auto"
    name_ar: str = ""
    name_en: str = ""
    mapping: str = ""
    dotted_codes: bool = False
    match_labels: bool = False
    ids: str = "auto"
    more: tuple[tuple[str, bytes], ...] = ()  # linked tables below the first file
    linked: bool = False
    levels: str = ""
    level_codes: str = ""
    level_language: str = "ar"
    crosswalk: bytes | None = None


def folder() -> Path:
    """Where uploads wait for their confirmation: readable by the server's user only."""
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def keep(name: str, data: bytes | str) -> None:
    """Keep a file of an upload's (its name starts with the upload's token)."""
    _keep(folder() / name, data)


def _keep(path: Path, data: bytes | str) -> None:
    """Write a kept upload file readable by the server's user only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)


def _sweep(path: Path) -> None:
    limit = time.time() - KEEP_UPLOADS_SECONDS
    for old in path.iterdir():
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)


def check(actor: Actor, request: UploadRequest) -> str:
    """What is refused at once, before the file is read: the permission, the taxonomy's
    address, its names when it is new, and the column mapping. Returns the slug."""
    require(actor, Permission.PUBLISH_TAXONOMY)
    slug = taxonomies.check_slug(request.slug)
    _mapping(request)
    if taxonomies.find_taxonomy(slug) is None and (
        not request.name_ar.strip() or not request.name_en.strip()
    ):
        raise ServiceError(
            str(_l("A new taxonomy needs its name in Arabic and in English.")), field="name_ar"
        )
    return slug


def _mapping(request: UploadRequest) -> ColumnMapping | None:
    return uploads.column_mapping(
        request.mapping,
        request.dotted_codes,
        request.levels,
        request.level_codes,
        request.level_language,
    )


def preview(actor: Actor, request: UploadRequest, token: str) -> Summary:
    """Parse and check the upload against the latest version; keep it, and what the page
    before publishing shows of it, under `token` for the confirmation."""
    slug = check(actor, request)
    existing = taxonomies.find_taxonomy(slug)
    upload = uploads.Upload(
        request.data,
        request.filename,
        request.fmt,
        _mapping(request),
        request.match_labels,
        request.ids,
        tuple((uploads.table_name(name), data) for name, data in request.more),
        request.linked,
        request.crosswalk,
    )
    parsed = uploads.parse(upload)
    latest = revisions.latest(existing) if existing is not None else None
    before = revisions.read_tree(existing, latest) if existing and latest else empty_tree()
    tree, pairs = uploads.with_ids(before, parsed, upload)
    try:
        changes = diff(before, tree)
    except DiffError as error:
        raise ServiceError(str(error)) from None
    kept = folder()
    _sweep(kept)
    _keep(kept / f"{token}.bin", request.data)
    for n, (_name, data) in enumerate(upload.more):
        _keep(kept / f"{token}.{n}.bin", data)
    if request.crosswalk is not None:
        _keep(kept / f"{token}.crosswalk.bin", request.crosswalk)
    meta = {
        "filename": request.filename,
        "fmt": parsed.fmt,
        "slug": slug,
        # The version the changes were shown against: confirming after another version
        # was published would undo what that version agreed (it is refused).
        "base": latest.number if latest is not None else 0,
        "name_ar": request.name_ar,
        "name_en": request.name_en,
        "mapping": request.mapping,
        "dotted_codes": request.dotted_codes,
        "match_labels": request.match_labels,
        "ids": request.ids,
        "more": [name for name, _data in upload.more],
        "linked": request.linked,
        "levels": request.levels,
        "level_codes": request.level_codes,
        "level_language": request.level_language,
    }
    _keep(kept / f"{token}.json", json.dumps(meta))
    keep_findings(token, parsed.warnings)
    source = existing if existing is not None else request
    head = {
        "token": token,
        "filename": request.filename,
        "fmt": parsed.fmt,
        "slug": slug,
        "new": existing is None,
        "names": {"ar": source.name_ar, "en": source.name_en},
    }
    summary = Summary.of(head, parsed.tree, changes, pairs, before, parsed.warnings)
    _keep(kept / f"{token}.summary.json", json.dumps(summary.to_data(), ensure_ascii=False))
    return summary


def summary(actor: Actor, token: str) -> Summary:
    """What the page before publishing shows of a checked upload."""
    require(actor, Permission.PUBLISH_TAXONOMY)
    _check_token(token)
    try:
        text = (folder() / f"{token}.summary.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFound(str(_l("This upload has expired; upload the file again."))) from None
    return Summary.from_data(json.loads(text))


def keep_findings(token: str, findings: list[Finding]) -> None:
    data = json.dumps(findings_report.to_data(findings), ensure_ascii=False)
    _keep(folder() / f"{token}.findings.json", data)


def findings_csv(actor: Actor, token: str, language: str) -> bytes:
    """Every finding of a previewed or rejected upload, as CSV."""
    return findings_report.as_csv(kept_findings(actor, token), language)


def kept_findings(actor: Actor, token: str) -> list[Finding]:
    """Every finding of a previewed or rejected upload."""
    require(actor, Permission.PUBLISH_TAXONOMY)
    _check_token(token)
    try:
        data = json.loads((folder() / f"{token}.findings.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFound(str(_l("This upload has expired; upload the file again."))) from None
    return findings_report.from_data(data)


def _check_token(token: str) -> None:
    if not token.replace("-", "").replace("_", "").isalnum():
        raise NotFound(str(_l("This upload has expired; upload the file again.")))


def load(token: str) -> tuple[bytes, dict[str, Any]]:
    _check_token(token)
    kept = folder()
    try:
        meta = json.loads((kept / f"{token}.json").read_text(encoding="utf-8"))
        data = (kept / f"{token}.bin").read_bytes()
    except FileNotFoundError:
        raise NotFound(str(_l("This upload has expired; upload the file again."))) from None
    return data, meta


def confirm(
    actor: Actor, token: str, note: str = "", allow_mass_retire: bool = False
) -> taxonomies.Published:
    """Publish a previewed upload: version 1 of a new taxonomy, or the next version. The
    kept file is removed once the version is committed."""
    published = _publish(actor, token, note, allow_mass_retire)
    for path in folder().glob(f"{token}.*"):
        path.unlink(missing_ok=True)
    return published


@use_case(Permission.PUBLISH_TAXONOMY)
def _publish(actor: Actor, token: str, note: str, allow_mass_retire: bool) -> taxonomies.Published:
    data, meta = load(token)
    mapping = uploads.column_mapping(
        meta["mapping"],
        meta["dotted_codes"],
        meta.get("levels", ""),
        meta.get("level_codes", ""),
        meta.get("level_language", "ar"),
    )
    kept = folder()
    more = tuple(
        (name, (kept / f"{token}.{n}.bin").read_bytes())
        for n, name in enumerate(meta.get("more", []))
    )
    upload = uploads.Upload(
        data,
        meta["filename"],
        meta["fmt"],
        mapping,
        meta.get("match_labels", False),
        meta.get("ids", "auto"),
        more,
        meta.get("linked", False),
        crosswalk.read_bytes() if (crosswalk := kept / f"{token}.crosswalk.bin").exists() else None,
    )
    existing = taxonomies.find_taxonomy(meta["slug"])
    if existing is None:
        new = taxonomies.NewTaxonomy(meta["slug"], meta["name_ar"], meta["name_en"])
        return taxonomies.create_from_file(actor, new, upload, note)
    latest = revisions.latest(existing)
    if latest is not None and latest.number != meta.get("base"):
        raise ServiceError(
            str(
                _l(
                    "Version %(number)d was published after this file was checked: "
                    "publishing it now would undo what changed since. Check the file again.",
                    number=latest.number,
                )
            )
        )
    return taxonomies.publish_file(
        actor, meta["slug"], upload, note, allow_mass_retire=allow_mass_retire
    )
