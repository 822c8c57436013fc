"""The merge: the approved proposals, in order of approval (or an order the coordinator
gives, with a reason), merged by the engine onto the current consensus into a candidate;
the report the coordinator resolves conflicts with (services/publication.py holds back and
publishes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..caching import BoundedCache
from ..consensus import Entry, Status, fingerprint, footprint, summarize
from ..models import Candidate, Proposal, ProposalEvent, Taxonomy, Version, db
from ..storage import revisions
from ..taxonomy import Add, Change, MergeReport, Result, Tree, merge
from ..taxonomy import Proposal as Mergeable
from . import audit, proposals, taxonomies
from .errors import NotFound, ServiceError
from .permissions import Actor, Permission, require
from .unit_of_work import use_case

# A merge's result, by its inputs (the base version's content, the order, each proposal's
# revision): the merge page and the records draw with it without merging again.
MERGED: BoundedCache[Merged] = BoundedCache(8)


@dataclass(frozen=True)
class Merged:
    consensus: Tree
    report: MergeReport
    entries: tuple[Entry, ...]
    fingerprint: str

    def applied(self) -> dict[int, list[Change]]:
        """The changes of each accepted proposal that the merge applied, in merge order."""
        return {
            int(str(p.id)): [o.change for o in p.outcomes if o.result is Result.APPLIED]
            for p in self.report.proposals
            if p.accepted
        }


def approved(taxonomy: Taxonomy) -> list[Proposal]:
    """The approved proposals not merged yet, in the order they were approved."""
    approved_at = (
        select(ProposalEvent.proposal_id, func.max(ProposalEvent.id).label("event"))
        .where(ProposalEvent.to_status == Status.APPROVED.value)
        .group_by(ProposalEvent.proposal_id)
        .subquery()
    )
    return list(
        db.session.scalars(
            select(Proposal)
            .join(approved_at, approved_at.c.proposal_id == Proposal.id)
            .where(Proposal.taxonomy_id == taxonomy.id, Proposal.status == Status.APPROVED.value)
            .order_by(approved_at.c.event)
        )
    )


def current(taxonomy: Taxonomy) -> Candidate | None:
    return db.session.scalar(
        select(Candidate)
        .where(Candidate.taxonomy_id == taxonomy.id, Candidate.status == "built")
        .order_by(Candidate.id.desc())
        .limit(1)
    )


def get(candidate_id: int) -> Candidate:
    found = db.session.get(Candidate, candidate_id) if 0 < candidate_id < 2**31 else None
    if found is None:
        raise NotFound(str(_l("No such candidate.")))
    return found


def merged(taxonomy: Taxonomy, base: Version, order: Sequence[int]) -> Merged:
    """The engine's merge of these proposals, in this order, onto version `base`."""
    consensus = revisions.read_tree(taxonomy, base)
    chosen = {p.id: p for p in proposals.by_ids(list(order))}
    bases: dict[int, Tree] = {}
    mergeable, footprints = [], {}
    for proposal_id in order:
        proposal = chosen[proposal_id]
        changes = proposals.changes_of(proposal)
        seen_in: Tree | None = None
        # A stored change carries what its author saw (its `from`): the merge is three-way
        # without reading the proposal's base again, unless a change lacks it.
        if any(not isinstance(c, Add) and c.seen is None for c in changes):
            if proposal.base_number not in bases:
                bases[proposal.base_number] = proposals.base_tree(proposal)
            seen_in = bases[proposal.base_number]
        mergeable.append(Mergeable(proposal_id, changes, seen_in))
        footprints[proposal_id] = footprint(changes)
    report = merge(consensus, mergeable)
    entries = summarize(report, footprints)
    return Merged(consensus, report, entries, fingerprint(base.number, order, entries))


@use_case(Permission.PUBLISH_TAXONOMY)
def build(actor: Actor, slug: str, order: Sequence[int] | None = None, note: str = "") -> Candidate:
    """Merge the approved proposals onto the latest version, as the new current candidate
    (the one before is replaced; both are kept)."""
    taxonomy = taxonomies.get_taxonomy(slug)
    # Builds of one taxonomy take turns (on PostgreSQL, on the taxonomy's row; SQLite writes
    # one at a time): the later one reads the earlier's candidate and replaces it.
    db.session.execute(
        select(Taxonomy.id).where(Taxonomy.id == taxonomy.id).with_for_update(key_share=True)
    )
    queue = [p.id for p in approved(taxonomy)]
    if not queue:
        raise ServiceError(str(_l("No approved proposal is waiting to be merged.")))
    wanted = list(order) if order is not None else queue
    if sorted(wanted) != sorted(queue):
        raise ServiceError(str(_l("The order must name each approved proposal once.")), "order")
    if wanted != queue and not note.strip():
        raise ServiceError(str(_l("Say why the order differs from the order of approval.")), "note")
    latest = revisions.latest(taxonomy)
    if latest is None:
        raise ServiceError(str(_l("Import a first version before publishing changes.")))
    result = MERGED.get_or_make(
        (taxonomy.id, latest.content_hash, tuple(wanted), _revisions(wanted)),
        lambda: merged(taxonomy, latest, wanted),
    )
    db.session.execute(
        update(Candidate)
        .where(Candidate.taxonomy_id == taxonomy.id, Candidate.status == "built")
        .values(status="replaced")
    )
    candidate = Candidate(
        taxonomy_id=taxonomy.id,
        base_number=latest.number,
        order=wanted,
        order_note=note.strip() if wanted != queue else "",
        report=[e.record() for e in result.entries],
        fingerprint=result.fingerprint,
        built_by_id=actor.id,
    )
    db.session.add(candidate)
    db.session.flush()
    held = [e.proposal for e in result.entries if not e.accepted]
    audit.record(actor, "candidate.built", slug, candidate=candidate.id, held_back=held)
    return candidate


def _revisions(order: Sequence[int]) -> tuple[tuple[int, str], ...]:
    """The proposals' revisions and last changes: a cached merge is reused only for
    proposals unchanged since."""
    rows = db.session.execute(
        select(Proposal.id, Proposal.revision, Proposal.updated_at).where(Proposal.id.in_(order))
    )
    found = {row[0]: (row[1], str(row[2])) for row in rows}
    return tuple(found[p] for p in order)


def entries_of(candidate: Candidate) -> list[Entry]:
    return [Entry.from_record(data) for data in candidate.report]


def view(actor: Actor, slug: str) -> tuple[Taxonomy, list[Proposal], Candidate | None]:
    require(actor, Permission.PUBLISH_TAXONOMY)
    taxonomy = taxonomies.get_taxonomy(slug)
    return taxonomy, approved(taxonomy), current(taxonomy)


def trees(candidate: Candidate) -> Merged:
    """The candidate's merge again (cached): the same inputs give the same result."""
    taxonomy = candidate.taxonomy
    base = taxonomies.get_version(taxonomy, candidate.base_number)
    order = list(candidate.order)
    return MERGED.get_or_make(
        (taxonomy.id, base.content_hash, tuple(order), _revisions(order)),
        lambda: merged(taxonomy, base, order),
    )


def stale(candidate: Candidate) -> bool:
    """True once a version newer than the candidate's base is published."""
    latest = revisions.latest(candidate.taxonomy)
    return latest is None or latest.number != candidate.base_number
