"""A proposal from a file: the whole tree as the agency wants it (our JSON, CSV or XLSX,
e.g. the current version downloaded, edited in a spreadsheet and uploaded back), turned
into changes by the diff; or a change set in the engine's JSON form."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from ..models import Proposal
from ..taxonomy import ChangeFormatError, DiffError, apply, diff, from_json
from . import audit, proposals, uploads, versions
from .errors import ServiceError
from .permissions import Actor, Permission
from .unit_of_work import use_case


@dataclass
class FromFile:
    proposal: Proposal
    added: int  # changes added to the proposal
    pairs: list[uploads.Pair] = field(default_factory=list)  # made by label, to be checked


@use_case(Permission.PROPOSE)
def add_file(
    actor: Actor,
    proposal_id: int,
    revision: int,
    upload: uploads.Upload,
    allow_mass_retire: bool = False,
) -> FromFile:
    """Append to the proposal the changes that turn its base version, with the changes it
    has so far, into the uploaded tree (or the uploaded change set)."""
    proposal = proposals.editing(actor, proposal_id, revision)
    earlier = proposals.changes_of(proposal)
    change_set = _change_set(upload.data)
    if change_set is not None:
        try:
            new = [from_json(data) for data in change_set]
        except ChangeFormatError as error:
            raise ServiceError(str(error), field="file") from None
        pairs: list[uploads.Pair] = []
    else:
        base = proposals.base_tree(proposal)
        now = apply(base, earlier, base=base).tree
        parsed = uploads.parse(upload)
        tree, pairs = uploads.with_ids(now, parsed, upload)
        try:
            new = diff(now, tree)
        except DiffError as error:
            raise ServiceError(str(error), field="file") from None
        retiring = versions.retirements(now, new)
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
    if not new:
        raise ServiceError(str(_l("The file is the same as the proposal so far.")), field="file")
    proposals.store(proposal, [*earlier, *new])
    audit.record(
        actor, "proposal.file_added", f"#{proposal.id}", changes=len(new), file=upload.filename
    )
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
