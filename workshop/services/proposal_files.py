"""A proposal from a file: the whole tree as the agency wants it, or one concept's subtree
(our JSON, CSV or XLSX, e.g. the current version downloaded, edited in a spreadsheet and
uploaded back), turned into changes by the diff; or a change set in the engine's JSON form.

A concept of the file whose id the tree lacks, while the tree has concepts the file lacks,
may be one of those under another id: the author pairs them, or confirms the concept as
new, before any change is made (the file waits under a token, as an import's does)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import lazy_gettext as _l

from ..models import Proposal
from ..taxonomy import (
    ChangeFormatError,
    Concept,
    DiffError,
    Tree,
    TreeError,
    apply,
    build,
    diff,
    from_json,
    match,
)
from . import audit, proposals, upload_previews, uploads, versions
from .errors import NotFound, ServiceError
from .permissions import Actor, Permission
from .unit_of_work import use_case

SHOWN = 300  # arrivals and candidates listed for pairing; the rest are new / retired


@dataclass
class FromFile:
    proposal: Proposal
    added: int  # changes added to the proposal
    pairs: list[uploads.Pair] = field(default_factory=list)  # made by label, to be checked


@dataclass
class Arrival:
    """A concept of the file under an id the proposal's tree lacks."""

    id: str
    labels: Mapping[str, str]
    parent: Concept | None
    suggestion: str | None  # the tree's concept it likely is (same labels), if any


@dataclass
class Pairing:
    """What the author decides before the file's changes are made."""

    token: str
    filename: str
    arrivals: list[Arrival]
    candidates: list[Concept]  # the tree's concepts the file lacks (they would be retired)
    more: int  # arrivals beyond those listed (taken as new)


@use_case(Permission.PROPOSE)
def add_file(
    actor: Actor,
    proposal_id: int,
    revision: int,
    upload: uploads.Upload,
    allow_mass_retire: bool = False,
    under: str = "",
) -> FromFile | Pairing:
    """Append to the proposal the changes that turn its tree (the base version with its
    changes so far) into the uploaded tree, or into a tree whose subtree under `under` is
    the file; or the uploaded change set. When concepts are left to pair: a Pairing, and
    nothing is changed yet."""
    proposal = proposals.may_edit(actor, proposal_id, revision)
    change_set = _change_set(upload.data)
    if change_set is not None:
        try:
            new = [from_json(data) for data in change_set]
        except ChangeFormatError as error:
            raise ServiceError(str(error), field="file") from None
        return _append(actor, proposal, revision, new, upload.filename, [])
    now, wanted, pairs = _wanted(proposal, upload, under)
    arrivals = [c for c in wanted.walk() if c.id not in now]
    gone = [c for c in now.walk() if c.id not in wanted]
    if arrivals and gone:
        # Even if every new concept were paired, this many would be retired.
        _check_retirements(now, len(gone) - min(len(gone), len(arrivals)), allow_mass_retire)
        token = secrets.token_urlsafe(16)
        upload_previews.keep(f"{token}.bin", upload.data)
        meta = {
            "proposal": proposal.id,
            "actor": actor.id,
            "filename": upload.filename,
            "match_labels": upload.match_labels,
            "under": under,
            "allow_mass_retire": allow_mass_retire,
        }
        upload_previews.keep(f"{token}.json", json.dumps(meta))
        return _pairing(token, upload.filename, now, wanted, arrivals, gone)
    return _changes(
        actor, proposal, revision, now, wanted, upload.filename, pairs, allow_mass_retire
    )


@use_case(Permission.PROPOSE)
def pair(
    actor: Actor,
    proposal_id: int,
    revision: int,
    token: str,
    chosen: Mapping[str, str],
    allow_mass_retire: bool = False,
) -> FromFile:
    """The kept file's changes, with the file's concepts in `chosen` (file id -> the
    tree's id) taking the tree's ids; the other arrivals are new concepts."""
    proposal = proposals.may_edit(actor, proposal_id, revision)
    data, meta = upload_previews.load(token)
    if meta.get("proposal") != proposal.id or meta.get("actor") != actor.id:
        raise NotFound(str(_l("This upload has expired; upload the file again.")))
    upload = uploads.Upload(data, meta["filename"], match_labels=bool(meta["match_labels"]))
    now, wanted, pairs = _wanted(proposal, upload, str(meta.get("under") or ""))
    arrivals = {c.id for c in wanted.walk() if c.id not in now}
    gone = {c.id for c in now.walk() if c.id not in wanted}
    taken: set[str] = set()
    for new_id, old_id in chosen.items():
        if new_id not in arrivals or old_id not in gone or old_id in taken:
            raise ServiceError(
                str(_l("Each concept of the tree can be paired once, with a new one.")),
                field="pairs",
            )
        taken.add(old_id)
    wanted = _renamed(wanted, dict(chosen))
    allow = allow_mass_retire or bool(meta.get("allow_mass_retire"))
    return _changes(actor, proposal, revision, now, wanted, upload.filename, pairs, allow)


def _wanted(
    proposal: Proposal, upload: uploads.Upload, under: str
) -> tuple[Tree, Tree, list[uploads.Pair]]:
    """The proposal's tree now, the tree the file asks for, and the pairs made by label."""
    base = proposals.base_tree(proposal)
    now = apply(base, proposals.changes_of(proposal), base=base).tree
    parsed = uploads.parse(upload)
    if under:
        parsed = replace(parsed, tree=_grafted(now, parsed.tree, under))
    tree, pairs = uploads.with_ids(now, parsed, upload)
    return now, tree, pairs


def _grafted(now: Tree, part: Tree, under: str) -> Tree:
    """`now` with the subtree under `under` replaced by the file's tree: its top concepts
    go under `under` (or, when the file has `under` itself, the file's `under` takes its
    place)."""
    concept = now.get(under)
    if concept is None or not concept.active:
        raise ServiceError(
            str(_l("There is no concept %(id)s in this version.", id=under)), field="under"
        )
    inside = set(now.descendants(under))
    kept = [c for c in now.concepts.values() if c.id not in inside and c.id not in part.concepts]
    placed = []
    for c in part.concepts.values():
        if not c.active:
            placed.append(c)
        elif c.id == under:
            placed.append(c.placed(concept.parent, concept.position))
        else:
            placed.append(c.placed(c.parent if c.parent is not None else under, c.position))
    try:
        return build([*kept, *placed])
    except TreeError as error:
        raise ServiceError(
            "; ".join(f.text(proposals.language()) for f in error.findings[:5]), field="file"
        ) from None


def _renamed(tree: Tree, rename: dict[str, str]) -> Tree:
    """The tree with the file's ids in `rename` replaced by the tree's (parents, links and
    replacements follow)."""
    if not rename:
        return tree
    return build(
        replace(
            c,
            id=rename.get(c.id, c.id),
            parent=rename.get(c.parent, c.parent) if c.parent else None,
            replaced_by=rename.get(c.replaced_by, c.replaced_by) if c.replaced_by else None,
            details=replace(c.details, related=tuple(sorted(rename.get(r, r) for r in c.related))),
        )
        for c in tree.concepts.values()
    )


def _pairing(
    token: str, filename: str, now: Tree, wanted: Tree, arrivals: list[Concept], gone: list[Concept]
) -> Pairing:
    suggested = {new: old for new, old in match(now, wanted).pairs.items() if old not in wanted}
    return Pairing(
        token,
        filename,
        [
            Arrival(
                c.id,
                c.labels,
                wanted.get(c.parent) if c.parent else None,
                suggested.get(c.id),
            )
            for c in arrivals[:SHOWN]
        ],
        gone[:SHOWN],
        max(0, len(arrivals) - SHOWN),
    )


def _changes(
    actor: Actor,
    proposal: Proposal,
    revision: int,
    now: Tree,
    wanted: Tree,
    filename: str,
    pairs: list[uploads.Pair],
    allow_mass_retire: bool,
) -> FromFile:
    try:
        new = diff(now, wanted)
    except DiffError as error:
        raise ServiceError(str(error), field="file") from None
    _check_retirements(now, versions.retirements(now, new), allow_mass_retire)
    return _append(actor, proposal, revision, new, filename, pairs)


def _check_retirements(now: Tree, retiring: int, allow_mass_retire: bool) -> None:
    if versions.mass_retire(now.active_count(), retiring) and not allow_mass_retire:
        raise ServiceError(
            str(
                _l(
                    "This file retires %(count)d of the %(total)d concepts: a truncated or "
                    "mostly empty file does this. Tick the box if it is meant.",
                    count=retiring,
                    total=now.active_count(),
                )
            ),
            field="allow_mass_retire",
        )


def _append(
    actor: Actor,
    proposal: Proposal,
    revision: int,
    new: list[Any],
    filename: str,
    pairs: list[uploads.Pair],
) -> FromFile:
    if not new:
        raise ServiceError(str(_l("The file is the same as the proposal so far.")), field="file")
    proposal = proposals.editing(actor, proposal.id, revision)
    proposals.store(proposal, [*proposals.changes_of(proposal), *new])
    audit.record(actor, "proposal.file_added", f"#{proposal.id}", changes=len(new), file=filename)
    return FromFile(proposal, len(new), pairs)


def _change_set(data: bytes) -> list[dict[str, Any]] | None:
    """The changes of a change-set file (a JSON list of changes, or {"changes": [...]}),
    None for any other file."""
    head = data.lstrip()[:1]
    if head not in (b"[", b"{"):
        return None
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None
    if isinstance(document, dict) and "format" not in document:
        document = document.get("changes")
    if isinstance(document, list) and all(isinstance(c, dict) for c in document):
        return document
    return None
