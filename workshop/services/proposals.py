"""Proposals: write, change, submit, withdraw, move through the lifecycle, rebase. Each
function is one unit of work with its permission check and audit entry. The rules of the
lifecycle and of overlaps are the pure core's (workshop/consensus)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..consensus import Mover, Status, allowed, editable, footprint
from ..models import Proposal, ProposalEvent, Role, db, utcnow
from ..models.proposals import RATIONALE_LENGTH, TITLE_LENGTH
from ..storage import revisions
from ..taxonomy import (
    Change,
    ChangeFormatError,
    Tree,
    apply,
    from_json,
    search_fold,
    seen_in_order,
    to_json,
)
from . import audit, composed, taxonomies
from .errors import NotFound, PermissionDenied, ServiceError
from .permissions import Actor, Permission
from .unit_of_work import use_case

MAX_CHANGES = 2_000


def mover(actor: Actor, proposal: Proposal) -> Mover | None:
    """Who `actor` is to this proposal in the lifecycle: a coordinator, its author (any
    representative of its agency), or nobody."""
    if actor.role is Role.COORDINATOR:
        return Mover.COORDINATOR
    if actor.role is Role.REPRESENTATIVE and actor.agency_id == proposal.agency_id:
        return Mover.AUTHOR
    return None


def get(proposal_id: int) -> Proposal:
    # Ids are 32-bit integers: a larger number in an address is no proposal, not a 500.
    proposal = db.session.get(Proposal, proposal_id) if 0 < proposal_id < 2**31 else None
    if proposal is None:
        raise NotFound(str(_l("No such proposal.")))
    return proposal


def changes_of(proposal: Proposal) -> list[Change]:
    return [from_json(data) for data in proposal.changes]


def base_tree(proposal: Proposal) -> Tree:
    version = taxonomies.get_version(proposal.taxonomy, proposal.base_number)
    return revisions.read_tree(proposal.taxonomy, version)


@use_case(Permission.PROPOSE)
def create(actor: Actor, slug: str, title: str, rationale: str) -> Proposal:
    """A new draft against the taxonomy's current consensus version."""
    taxonomy = taxonomies.get_taxonomy(slug)
    latest = revisions.latest(taxonomy)
    if latest is None:
        raise ServiceError(str(_l("This taxonomy has no published version yet.")))
    title, rationale = _checked_text(title, rationale)
    proposal = Proposal(
        taxonomy=taxonomy,
        base_number=latest.number,
        title=title,
        rationale=rationale,
        author_id=actor.id,
        agency_id=actor.agency_id,
        status=Status.DRAFT.value,
        changes=[],
        change_count=0,
        touches=[],
        revision=1,
        search_text=search_fold(f"{title}\n{rationale}"),
    )
    db.session.add(proposal)
    proposal.events.append(ProposalEvent(actor_id=actor.id, to_status=Status.DRAFT.value))
    db.session.flush()
    audit.record(actor, "proposal.created", f"#{proposal.id}", taxonomy=slug)
    return proposal


def _checked_text(title: str, rationale: str) -> tuple[str, str]:
    title, rationale = title.strip(), rationale.strip()
    if not title or len(title) > TITLE_LENGTH:
        raise ServiceError(
            str(_l("A title has 1 to %(count)d characters.", count=TITLE_LENGTH)), field="title"
        )
    if not rationale:
        raise ServiceError(str(_l("Say why: the rationale is required.")), field="rationale")
    if len(rationale) > RATIONALE_LENGTH:
        raise ServiceError(
            str(_l("A rationale has at most %(count)d characters.", count=RATIONALE_LENGTH)),
            field="rationale",
        )
    return title, rationale


def editing(actor: Actor, proposal_id: int, revision: int) -> Proposal:
    """The proposal, if `actor` may change its content now and the form is not stale; its
    revision moves on (the change is about to be made)."""
    proposal = may_edit(actor, proposal_id, revision)
    proposal.revision += 1
    proposal.updated_at = utcnow()
    return proposal


def may_edit(actor: Actor, proposal_id: int, revision: int) -> Proposal:
    """The proposal, if `actor` may change its content now and the form is not stale."""
    proposal = get(proposal_id)
    if mover(actor, proposal) is None:
        raise PermissionDenied(str(_l("Only its agency and the coordinators change a proposal.")))
    if not editable(Status(proposal.status)):
        raise ServiceError(str(_l("This proposal can no longer be changed.")))
    if proposal.revision != revision:
        raise ServiceError(
            str(
                _l(
                    "Someone changed this proposal since you opened it; nothing of yours was "
                    "saved. Here it is as it is now."
                )
            ),
            field="stale",
        )
    return proposal


@use_case(Permission.PROPOSE)
def edit(actor: Actor, proposal_id: int, revision: int, title: str, rationale: str) -> Proposal:
    proposal = editing(actor, proposal_id, revision)
    proposal.title, proposal.rationale = _checked_text(title, rationale)
    proposal.search_text = search_fold(f"{proposal.title}\n{proposal.rationale}")
    audit.record(actor, "proposal.edited", f"#{proposal.id}")
    return proposal


@use_case(Permission.PROPOSE)
def add_change(
    actor: Actor, proposal_id: int, revision: int, change: Mapping[str, Any]
) -> Proposal:
    """Add one change (the engine's JSON form) at the end; refused, with the reason, when the
    change set would not apply to the base version."""
    proposal = editing(actor, proposal_id, revision)
    if len(proposal.changes) >= MAX_CHANGES:
        raise ServiceError(str(_l("A proposal has at most %(count)d changes.", count=MAX_CHANGES)))
    earlier = changes_of(proposal)
    drafted = apply(base := base_tree(proposal), earlier, base=base).tree
    try:
        new = [from_json(data) for data in composed.completed(change, drafted)]
    except ChangeFormatError as error:
        raise ServiceError(str(error), field="change") from None
    store(proposal, [*earlier, *new], base)
    for made in new:
        audit.record(actor, "proposal.change_added", f"#{proposal.id}", op=made.op, concept=made.id)
    return proposal


@use_case(Permission.PROPOSE)
def remove_change(actor: Actor, proposal_id: int, revision: int, index: int) -> Proposal:
    proposal = editing(actor, proposal_id, revision)
    changes = changes_of(proposal)
    if not 0 <= index < len(changes):
        raise NotFound(str(_l("No such change.")))
    removed = changes.pop(index)
    store(proposal, changes)
    audit.record(actor, "proposal.change_removed", f"#{proposal.id}", concept=removed.id)
    return proposal


@use_case(Permission.PROPOSE)
def move_change(actor: Actor, proposal_id: int, revision: int, index: int, step: int) -> Proposal:
    """Move a change one place earlier (step -1) or later (+1)."""
    proposal = editing(actor, proposal_id, revision)
    changes = changes_of(proposal)
    other = index + step
    if step not in (-1, 1) or not (0 <= index < len(changes) and 0 <= other < len(changes)):
        raise NotFound(str(_l("No such change.")))
    changes[index], changes[other] = changes[other], changes[index]
    store(proposal, changes)
    audit.record(actor, "proposal.change_moved", f"#{proposal.id}", index=index, step=step)
    return proposal


def store(proposal: Proposal, changes: Sequence[Change], base: Tree | None = None) -> None:
    """Keep the change set if it applies to the base version whole; else refuse, naming the
    first change that does not apply and why."""
    base = base or base_tree(proposal)
    result = apply(base, changes, base=base)
    if result.conflicts:
        first = result.conflicts[0]
        raise ServiceError(
            str(
                _l(
                    "Change %(number)d cannot be applied: %(reason)s",
                    number=first.index + 1,
                    reason=first.conflict.text(language()) if first.conflict else "",
                )
            ),
            field="change",
        )
    seen = seen_in_order(changes, base)
    proposal.changes = [to_json(c) for c in seen]
    proposal.change_count = len(seen)
    proposal.touches = sorted(footprint(seen))


def language() -> str:
    from flask_babel import get_locale

    return str(get_locale() or "en")


@use_case(Permission.VIEW_PROPOSALS)
def move(
    actor: Actor, proposal_id: int, target: str, note: str = "", superseded_by: int | None = None
) -> Proposal:
    """Move a proposal to another status, if the lifecycle lets `actor` make that move. A
    proposal is superseded by another of the same taxonomy, named."""
    proposal = get(proposal_id)
    current = Status(proposal.status)
    try:
        wanted = Status(target)
    except ValueError:
        raise ServiceError(str(_l("Unknown status %(status)s.", status=target))) from None
    who = mover(actor, proposal)
    if who is None or not allowed(current, wanted, who):
        raise PermissionDenied(str(_l("You are not allowed to do this.")))
    if wanted is Status.OPEN:
        _submittable(proposal)
    if wanted is Status.SUPERSEDED:
        proposal.superseded_by_id = _successor(proposal, superseded_by).id
    transition(actor, proposal, wanted, note)
    audit.record(
        actor,
        "proposal.status",
        f"#{proposal.id}",
        from_status=current.value,
        to=wanted.value,
        **({"by": f"#{proposal.superseded_by_id}"} if wanted is Status.SUPERSEDED else {}),
    )
    return proposal


def transition(actor: Actor, proposal: Proposal, wanted: Status, note: str = "") -> None:
    """Record a move the caller has checked against the lifecycle: the new status, a new
    revision (open forms go stale) and the event with who and why."""
    proposal.events.append(
        ProposalEvent(
            actor_id=actor.id,
            from_status=proposal.status,
            to_status=wanted.value,
            note=note.strip(),
        )
    )
    proposal.status = wanted.value
    proposal.updated_at = utcnow()
    proposal.revision += 1


def _successor(proposal: Proposal, number: int | None) -> Proposal:
    message = _l("Name the proposal that takes its place: another of this taxonomy.")
    if number is None or number == proposal.id:
        raise ServiceError(str(message), field="by")
    try:
        successor = get(number)
    except NotFound:
        raise ServiceError(str(message), field="by") from None
    if successor.taxonomy_id != proposal.taxonomy_id:
        raise ServiceError(str(message), field="by")
    return successor


def _submittable(proposal: Proposal) -> None:
    """A proposal goes to discussion with changes that apply to the current consensus."""
    if not proposal.changes:
        raise ServiceError(str(_l("A proposal needs at least one change.")))
    latest = revisions.latest(proposal.taxonomy)
    if latest is None or latest.number == proposal.base_number:
        return  # the change set was checked against its base at every change
    current = revisions.read_tree(proposal.taxonomy, latest)
    conflicts = apply(current, changes_of(proposal)).conflicts
    if conflicts:
        first = conflicts[0]
        raise ServiceError(
            str(
                _l(
                    "Change %(number)d does not apply to the current version %(version)d: "
                    "%(reason)s",
                    number=first.index + 1,
                    version=latest.number,
                    reason=first.conflict.text(language()) if first.conflict else "",
                )
            )
        )


@use_case(Permission.PROPOSE)
def rebase(actor: Actor, proposal_id: int, revision: int) -> Proposal:
    """Write the proposal against the current consensus version, when it applies to it
    without conflict (conflicts are shown, never resolved silently)."""
    proposal = editing(actor, proposal_id, revision)
    latest = revisions.latest(proposal.taxonomy)
    assert latest is not None
    current = revisions.read_tree(proposal.taxonomy, latest)
    result = apply(current, changes_of(proposal))
    if result.conflicts:
        raise ServiceError(
            str(_l("The proposal conflicts with the current version; resolve the conflicts first."))
        )
    proposal.base_number = latest.number
    seen = seen_in_order(changes_of(proposal), current)
    proposal.changes = [to_json(c) for c in seen]
    proposal.touches = sorted(footprint(seen))
    audit.record(actor, "proposal.rebased", f"#{proposal.id}", base=latest.number)
    return proposal


def footprints(
    taxonomy_id: int, statuses: Sequence[Status], excluding: int
) -> list[tuple[int, str, int | None, list[str]]]:
    """(id, status, agency id, touched concepts) of the taxonomy's proposals in `statuses`:
    the overlap check needs no more than that of each."""
    rows = db.session.execute(
        select(Proposal.id, Proposal.status, Proposal.agency_id, Proposal.touches).where(
            Proposal.taxonomy_id == taxonomy_id,
            Proposal.status.in_([s.value for s in statuses]),
            Proposal.id != excluding,
        )
    )
    return [(r[0], r[1], r[2], list(r[3] or [])) for r in rows]


def by_ids(ids: Sequence[int]) -> list[Proposal]:
    if not ids:
        return []
    return list(db.session.scalars(select(Proposal).where(Proposal.id.in_(list(ids)))))
