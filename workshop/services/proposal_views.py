"""Reading proposals: the list with its filters, and one proposal as its page shows it
(its changes against the base, whether it still applies to the current consensus, its
overlaps with other live proposals, and what the reader may do with it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import astuple, dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..consensus import LIVE, Overlap, Status, editable, next_statuses, overlaps
from ..models import Agency, Proposal, Role, Taxonomy, db
from ..storage import revisions
from ..taxonomy import Change, Outcome, Tree, apply, search_fold
from . import proposals, taxonomies
from .errors import NotFound
from .permissions import Actor, Permission, require


@dataclass(frozen=True)
class Filters:
    slug: str = ""
    status: str = ""
    agency: str = ""  # an agency's code
    concept: str = ""
    text: str = ""


@dataclass
class Listing:
    proposals: list[Proposal]
    counts: Counter[str]  # by status, under the other filters
    agencies: list[Agency] = field(default_factory=list)
    taxonomies: list[Taxonomy] = field(default_factory=list)


def listing(actor: Actor, filters: Filters) -> Listing:
    require(actor, Permission.VIEW_PROPOSALS)
    # A NUL in a query parameter is no filter of ours, and PostgreSQL refuses it in text.
    filters = Filters(*(value.replace("\x00", "") for value in astuple(filters)))
    query = select(Proposal).order_by(Proposal.updated_at.desc(), Proposal.id.desc())
    if filters.slug:
        query = query.where(Proposal.taxonomy_id == taxonomies.get_taxonomy(filters.slug).id)
    if filters.agency:
        code = filters.agency.strip().upper()
        query = query.join(Agency, Agency.id == Proposal.agency_id).where(Agency.code == code)
    if filters.text.strip():
        query = query.where(Proposal.search_text.contains(search_fold(filters.text)))
    found = [p for p in db.session.scalars(query) if visible(actor, p)]
    if filters.concept:
        found = [p for p in found if filters.concept in (p.touches or [])]
    counts = Counter(p.status for p in found)
    if filters.status:
        found = [p for p in found if p.status == filters.status]
    agencies = list(db.session.scalars(select(Agency).order_by(Agency.code)))
    return Listing(found, counts, agencies, [t for t, _v in taxonomies.list_taxonomies(actor)])


@dataclass
class ProposalView:
    proposal: Proposal
    changes: list[Change]
    base: Tree
    current_number: int
    # Against the current consensus: None when the base is current, else each change's
    # outcome (applied, already there, or conflict with its reason).
    against_current: tuple[Outcome, ...] | None
    overlaps: dict[int, list[Overlap]]
    others: dict[int, Proposal]
    moves: list[Status]
    can_edit: bool

    @property
    def conflicts(self) -> list[Outcome]:
        return [o for o in self.against_current or () if o.conflict is not None]


def visible(actor: Actor, proposal: Proposal) -> bool:
    """A draft is its agency's work in progress: others see it once it is submitted."""
    return (
        proposal.status != Status.DRAFT.value
        or actor.role is Role.COORDINATOR
        or (actor.agency_id is not None and actor.agency_id == proposal.agency_id)
    )


def view(actor: Actor, proposal_id: int) -> ProposalView:
    require(actor, Permission.VIEW_PROPOSALS)
    proposal = proposals.get(proposal_id)
    if not visible(actor, proposal):
        raise NotFound(str(_l("No such proposal.")))
    changes = proposals.changes_of(proposal)
    base = proposals.base_tree(proposal)
    latest = revisions.latest(proposal.taxonomy)
    assert latest is not None
    current = revisions.read_tree(proposal.taxonomy, latest)
    against = None
    if latest.number != proposal.base_number:
        against = apply(current, changes).outcomes
    live = [
        p
        for p in proposals.of_taxonomy(proposal.taxonomy_id, sorted(LIVE | {Status.DRAFT}))
        if p.id != proposal.id and visible(actor, p)
    ]
    found = overlaps(
        frozenset(proposal.touches or []),
        {p.id: frozenset(p.touches or []) for p in live},
        lambda c: current[c].parent if c in current else None,
    )
    by_other: dict[int, list[Overlap]] = {}
    for overlap in found:
        by_other.setdefault(overlap.other, []).append(overlap)
    who = proposals.mover(actor, proposal)
    return ProposalView(
        proposal=proposal,
        changes=changes,
        base=base,
        current_number=latest.number,
        against_current=against,
        overlaps=by_other,
        others={p.id: p for p in live if p.id in by_other},
        moves=next_statuses(Status(proposal.status), who) if who is not None else [],
        can_edit=who is not None and editable(Status(proposal.status)),
    )


def proposable(actor: Actor) -> list[tuple[str, str, str]]:
    """(slug, Arabic name, English name) of the taxonomies `actor` may write a proposal
    for: those with a published version."""
    require(actor, Permission.PROPOSE)
    return [
        (t.slug, t.name_ar, t.name_en)
        for t, latest in taxonomies.list_taxonomies(actor)
        if latest is not None
    ]


def view_allowed(actor: Actor, proposal_id: int) -> None:
    """Raise unless `actor` may read the proposal (and so its discussion)."""
    require(actor, Permission.VIEW_PROPOSALS)
    if not visible(actor, proposals.get(proposal_id)):
        raise NotFound(str(_l("No such proposal.")))
