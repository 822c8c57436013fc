"""Publishing versions: a whole tree (an imported file) or a list of changes (merged
proposals) becomes the next immutable version; only what changed is written."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, IntegrityError

from ..models import Taxonomy, Version, VersionProposal, db
from ..storage import diffs, revisions, writing
from ..taxonomy import LENIENT, Change, DiffError, Result, Tree, apply, diff, empty_tree
from . import audit
from .errors import ServiceError
from .permissions import Actor, Permission
from .unit_of_work import use_case

__all__ = ["Provenance", "Version", "publish_changes", "publish_tree"]
ANALYZE_AFTER_ROWS = 10_000
# A file that would retire more than this share of the concepts, and more than a handful
# (a truncated or header-only file, most often), is published only when the user says so.
MASS_RETIRE_SHARE = 0.2
MASS_RETIRE_MINIMUM = 10


def mass_retire(active: int, retiring: int) -> bool:
    return retiring > max(MASS_RETIRE_MINIMUM, MASS_RETIRE_SHARE * active)


def retirements(before: Tree, changes: list[Change]) -> int:
    """How many concepts active in `before` the changes retire (a file's own retired
    concepts, new to the taxonomy, do not count)."""
    return sum(
        1
        for c in changes
        if c.op in ("retire", "merge") and (old := before.get(c.id)) is not None and old.active
    )


@dataclass(frozen=True)
class Provenance:
    """Where a version comes from: a note, the source (a file), the proposals it merges."""

    note: str = ""
    source: str = ""
    proposals: list[int] = field(default_factory=list)


@use_case(Permission.PUBLISH_TAXONOMY)
def publish_tree(
    actor: Actor,
    taxonomy: Taxonomy,
    uploaded: Tree,
    provenance: Provenance,
    progress: revisions.Progress | None = None,
    allow_mass_retire: bool = False,
) -> Version:
    """Store a whole tree (an imported file, with the ids it is to be published under) as
    the next version: what changed is found with the engine's diff, and only that is
    written. The result is checked against the file before anything is stored."""
    latest = revisions.latest(taxonomy) if taxonomy.id is not None else None
    before = revisions.read_tree(taxonomy, latest) if latest is not None else empty_tree()
    try:
        changes = diff(before, uploaded)
    except DiffError as error:
        raise ServiceError(str(error)) from None
    if latest is not None and not changes:
        raise ServiceError(
            str(_l("The file is the same as version %(number)d.", number=latest.number))
        )
    ops = Counter(c.op for c in changes)
    retiring = retirements(before, changes)
    if mass_retire(before.active_count(), retiring) and not allow_mass_retire:
        raise ServiceError(
            str(
                _l(
                    "Nothing was published: the file would retire %(count)d of the "
                    "%(total)d concepts. If that is meant, confirm it.",
                    count=retiring,
                    total=before.active_count(),
                )
            ),
            field="allow_mass_retire",
        )
    after = apply(before, changes, policy=LENIENT).tree
    _check_same(after, uploaded)
    return _store(actor, taxonomy, latest, before, after, ops, provenance, progress)


@use_case(Permission.PUBLISH_TAXONOMY)
def publish_changes(
    actor: Actor, taxonomy: Taxonomy, changes: list[Change], provenance: Provenance
) -> Version:
    """Apply changes (merged proposals) to the latest version and publish the result; all
    must apply, or nothing is published."""
    latest = revisions.latest(taxonomy)
    if latest is None:
        raise ServiceError(str(_l("Import a first version before publishing changes.")))
    before = revisions.read_tree(taxonomy, latest)
    applied = apply(before, changes)
    if not applied.ok:
        locale = str(get_locale() or "en")
        raise ServiceError(
            "; ".join(o.conflict.text(locale) for o in applied.conflicts if o.conflict is not None)
        )
    ops = Counter(o.change.op for o in applied.outcomes if o.result is Result.APPLIED)
    if not ops:
        raise ServiceError(
            str(_l("Nothing changes against version %(number)d.", number=latest.number))
        )
    return _store(actor, taxonomy, latest, before, applied.tree, ops, provenance, None)


def _check_same(after: Tree, uploaded: Tree) -> None:
    """Every concept of the file as the file has it, the rest retired: a version that
    differs from its file is never published, whatever went wrong on the way."""
    for concept_id, concept in uploaded.concepts.items():
        if after.concepts.get(concept_id) != concept:
            raise ServiceError(
                str(
                    _l(
                        "Nothing was published: %(id)s would differ from the file. "
                        "Please report this.",
                        id=concept_id,
                    )
                )
            )
    if any(after.concepts[c].active for c in after.concepts.keys() - uploaded.concepts.keys()):
        raise ServiceError(
            str(_l("Nothing was published: a concept missing from the file would stay active."))
        )


def _store(
    actor: Actor,
    taxonomy: Taxonomy,
    latest: Version | None,
    before: Tree,
    after: Tree,
    ops: Counter[str],
    provenance: Provenance,
    progress: revisions.Progress | None,
) -> Version:
    """Write the version and its rows in the current unit of work."""
    number = latest.number + 1 if latest is not None else 1
    # The unit of work rolls back everything this one wrote on any error (and turns a
    # SQLite lock held by another writer into Busy).
    try:
        return _write(actor, taxonomy, latest, number, before, after, ops, provenance, progress)
    except DBAPIError as error:
        if not isinstance(error, IntegrityError) and not writing.refused_by_guard(error):
            raise
        raise ServiceError(
            str(
                _l(
                    "Someone else published version %(number)d a moment ago; nothing was "
                    "published. Look at that version, then try again.",
                    number=number,
                )
            )
        ) from None


def _keep_diff(version: Version, before: Tree, after: Tree) -> None:
    """Keep the diff from the parent while both trees are at hand (storage/diffs.py)."""
    try:
        changes = diff(before, after)
    except DiffError:
        return  # the diff page computes it, and says what stops it, when asked
    diffs.keep(version, changes, before, after)


def _write(
    actor: Actor,
    taxonomy: Taxonomy,
    latest: Version | None,
    number: int,
    before: Tree,
    after: Tree,
    ops: Counter[str],
    provenance: Provenance,
    progress: revisions.Progress | None,
) -> Version:
    db.session.flush()
    rows, content = writing.write_version(
        taxonomy, number, before, after, latest.content_hash if latest else "", progress
    )
    audit.record(actor, "taxonomy.published", f"{taxonomy.slug} v{number}", rows=rows)
    version = Version(
        taxonomy=taxonomy,
        number=number,
        parent_number=latest.number if latest is not None else None,
        published_by_id=actor.id,
        note=provenance.note.strip(),
        source=provenance.source[:300],
        incorporated=[
            VersionProposal(proposal_id=p, position=i) for i, p in enumerate(provenance.proposals)
        ],
        concept_count=after.active_count(),
        retired_count=len(after) - after.active_count(),
        added=ops["add"],
        relabelled=ops["relabel"],
        moved=ops["move"],
        retired=ops["retire"] + ops["merge"],
        annotated=ops["annotate"],
        reinstated=ops["reinstate"],
        rows_written=rows,
        content_hash=content,
        # The chain's head with this publication's own entry in it, cited for good.
        audit_head=audit.seal(),
    )
    db.session.add(version)
    db.session.flush()
    if latest is not None and sum(ops.values()) <= diffs.MOST_CHANGES:  # (else not kept)
        _keep_diff(version, before, after)
    if rows >= ANALYZE_AFTER_ROWS:
        writing.refresh_statistics()
    revisions.remember(taxonomy, version, after)
    return version
