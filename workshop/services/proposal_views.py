"""Reading proposals: the list with its filters, and one proposal as its page shows it
(its changes against the base, whether it still applies to the current consensus, its
overlaps with other live proposals, and what the reader may do with it)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import astuple, dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.orm import selectinload

from ..consensus import (
    EDITABLE,
    LIVE,
    Overlap,
    Preview,
    Status,
    around,
    editable,
    next_statuses,
    overlaps,
)
from ..models import Agency, Proposal, Role, Taxonomy, db
from ..storage import revisions
from ..taxonomy import Add, Change, Outcome, Tree, apply, search_fold
from . import browsing, proposals, taxonomies
from .errors import NotFound
from .permissions import Actor, Permission, allowed, require


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
    next_offset: int | None = None  # where the next page starts, if there is one


PAGE = 100


def listing(actor: Actor, filters: Filters, offset: int = 0) -> Listing:
    """A page of the proposals the filters keep (newest change first), and how many there
    are in each status under the other filters."""
    require(actor, Permission.VIEW_PROPOSALS)
    # A NUL in a query parameter is no filter of ours, and PostgreSQL refuses it in text.
    filters = Filters(*(value.replace("\x00", "") for value in astuple(filters)))
    conditions = []
    if actor.role is not Role.COORDINATOR:
        seen = Proposal.status != Status.DRAFT.value
        if actor.agency_id is not None:
            seen = or_(seen, Proposal.agency_id == actor.agency_id)
        conditions.append(seen)
    if filters.slug:
        conditions.append(Proposal.taxonomy_id == taxonomies.get_taxonomy(filters.slug).id)
    if filters.agency:
        code = filters.agency.strip().upper()
        conditions.append(Proposal.agency.has(Agency.code == code))
    if filters.text.strip():
        conditions.append(Proposal.search_text.contains(search_fold(filters.text)))
    if filters.concept:
        # touches is a JSON list of ids: its text holds the id in quotes
        quoted = json.dumps(filters.concept.strip())
        conditions.append(cast(Proposal.touches, String).contains(quoted))
    counts = Counter(
        {
            status: count
            for status, count in db.session.execute(
                select(Proposal.status, func.count()).where(*conditions).group_by(Proposal.status)
            )
        }
    )
    if filters.status:
        conditions.append(Proposal.status == filters.status)
    found = list(
        db.session.scalars(
            select(Proposal)
            .where(*conditions)
            .options(selectinload(Proposal.agency), selectinload(Proposal.taxonomy))
            .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
            .offset(max(0, offset))
            .limit(PAGE)
        )
    )
    agencies = list(db.session.scalars(select(Agency).order_by(Agency.code)))
    listing = Listing(found, counts, agencies, [t for t, _v in taxonomies.list_taxonomies(actor)])
    shown = max(0, offset) + len(found)
    listing.next_offset = (
        shown
        if shown < (counts[filters.status] if filters.status else sum(counts.values()))
        else None
    )
    return listing


@dataclass
class ProposalView:
    proposal: Proposal
    changes: list[Change]
    base: Tree
    result: Tree  # the base version as the changes leave it
    preview: Preview
    current_number: int
    # Against the current consensus: None when the base is current, else each change's
    # outcome (applied, already there, or conflict with its reason).
    against_current: tuple[Outcome, ...] | None
    overlaps: dict[int, list[Overlap]]
    others: dict[int, Proposal]
    moves: list[Status]
    can_edit: bool
    supersedes: list[int] = field(default_factory=list)  # proposals this one replaces

    @property
    def conflicts(self) -> list[Outcome]:
        return [o for o in self.against_current or () if o.conflict is not None]

    @property
    def conflict_at(self) -> dict[int, Outcome]:
        """The changes that do not apply to the current version, by their index."""
        return {o.index: o for o in self.conflicts}


def visible(actor: Actor, proposal: Proposal) -> bool:
    """A draft is its agency's work in progress: others see it once it is submitted."""
    return proposal.status != Status.DRAFT.value or _sees_drafts_of(actor, proposal.agency_id)


def _sees_drafts_of(actor: Actor, agency_id: int | None) -> bool:
    return actor.role is Role.COORDINATOR or (
        actor.agency_id is not None and actor.agency_id == agency_id
    )


def view(actor: Actor, proposal_id: int) -> ProposalView:
    require(actor, Permission.VIEW_PROPOSALS)
    proposal = proposals.get(proposal_id)
    if not visible(actor, proposal):
        raise NotFound(str(_l("No such proposal.")))
    changes = proposals.changes_of(proposal)
    base = proposals.base_tree(proposal)
    result = apply(base, changes, base=base).tree
    latest = revisions.latest(proposal.taxonomy)
    assert latest is not None
    current = revisions.read_tree(proposal.taxonomy, latest)
    against = None
    if latest.number != proposal.base_number:
        against = apply(current, changes).outcomes
    by_other = overlaps_of(actor, proposal, current)
    who = proposals.mover(actor, proposal)
    return ProposalView(
        proposal=proposal,
        changes=changes,
        base=base,
        result=result,
        preview=around(base, result, changes),
        current_number=latest.number,
        against_current=against,
        overlaps=by_other,
        others={p.id: p for p in proposals.by_ids(sorted(by_other))},
        moves=next_statuses(Status(proposal.status), who) if who is not None else [],
        can_edit=who is not None and editable(Status(proposal.status)),
        supersedes=list(
            db.session.scalars(
                select(Proposal.id)
                .where(Proposal.superseded_by_id == proposal.id)
                .order_by(Proposal.id)
            )
        ),
    )


def overlaps_of(actor: Actor, proposal: Proposal, current: Tree) -> dict[int, list[Overlap]]:
    """The live proposals (and the drafts the reader may see) that touch the same part of
    the current consensus tree as `proposal`, with how they meet."""
    draft = Status.DRAFT.value
    live = {
        other: frozenset(touches)
        for other, status, agency, touches in proposals.footprints(
            proposal.taxonomy_id, sorted(LIVE | {Status.DRAFT}), proposal.id
        )
        if status != draft or _sees_drafts_of(actor, agency)
    }
    concepts = current.concepts
    found = overlaps(
        frozenset(proposal.touches or []),
        live,
        lambda c: concepts[c].parent if c in concepts else None,
        current.children_of,
    )
    by_other: dict[int, list[Overlap]] = {}
    for overlap in found:
        by_other.setdefault(overlap.other, []).append(overlap)
    return by_other


def workable(actor: Actor, slug: str, limit: int = 10) -> list[Proposal]:
    """The proposals of taxonomy `slug` that `actor` may add a change to now (its agency's,
    for a coordinator its own), newest change first: a concept's page offers them."""
    if not allowed(actor, Permission.PROPOSE):
        return []
    mine = (
        Proposal.author_id == actor.id
        if actor.role is Role.COORDINATOR
        else Proposal.agency_id == actor.agency_id
    )
    return list(
        db.session.scalars(
            select(Proposal)
            .join(Taxonomy, Proposal.taxonomy_id == Taxonomy.id)
            .where(
                Taxonomy.slug == slug,
                Proposal.status.in_([s.value for s in EDITABLE]),
                mine,
            )
            .order_by(Proposal.updated_at.desc(), Proposal.id.desc())
            .limit(limit)
        )
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


@dataclass(frozen=True)
class Pick:
    """A concept the composer's picker offers: its labels and the labels above it."""

    id: str
    labels: Mapping[str, str]
    path: list[Mapping[str, str]]


PICKS = 12


def pick(actor: Actor, proposal_id: int, query: str) -> list[Pick]:
    """Concepts of the proposal's tree (its base version as its changes leave it) whose
    labels, synonyms or codes hold the query: the base version's index, then the concepts
    the proposal adds."""
    require(actor, Permission.PROPOSE)
    proposal = proposals.get(proposal_id)
    if not visible(actor, proposal):
        raise NotFound(str(_l("No such proposal.")))
    needle = browsing.search_key(query)
    if len(needle) < 2:
        return []
    changes = proposals.changes_of(proposal)
    base = proposals.base_tree(proposal)
    result = apply(base, changes, base=base).tree
    _at, found = browsing.search(
        actor, proposal.taxonomy.slug, proposal.base_number, query, PICKS, counted=False
    )
    ids = [m.node.concept_id for m in found.matches]
    ids += [
        c.id
        for c in changes
        if isinstance(c, Add)
        and c.id not in ids
        and needle in search_fold(" ".join(c.labels.values()))
    ]
    picks = []
    for concept_id in ids:
        concept = result.get(concept_id)
        if concept is None or not concept.active:
            continue
        path = [result[above].labels for above in reversed(result.ancestors(concept_id))]
        picks.append(Pick(concept_id, concept.labels, path))
    return picks[:PICKS]
