"""Resolving a candidate's conflicts and publishing it; undoing a version by publishing
one that reverts it (a published version is never rewritten)."""

from __future__ import annotations

from datetime import date

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..consensus import Status
from ..models import Candidate, Version, Workshop, db
from ..storage import revisions
from ..taxonomy import Result, apply, diff
from . import audit, candidates, proposals, taxonomies, versions, workshops
from .errors import ServiceError
from .permissions import Actor, Permission
from .unit_of_work import use_case

STALE = _l("This candidate was published or replaced a moment ago; nothing was changed.")


@use_case(Permission.PUBLISH_TAXONOMY)
def hold_back(
    actor: Actor, candidate_id: int, proposal_id: int, reason: str, amend: bool = False
) -> tuple[Candidate | None, Workshop | None]:
    """Take a proposal out of the candidate: it returns to open with the reason (its agency
    reads it on its dashboard); to be amended, it also goes on the agenda of the next
    workshop, for a new vote. The candidate is built again without it."""
    candidate = candidates.get(candidate_id)
    if candidate.status != "built":
        raise ServiceError(str(STALE))
    if proposal_id not in candidate.order:
        raise ServiceError(str(_l("The proposal is not in this candidate.")))
    if not reason.strip():
        raise ServiceError(
            str(_l("Say why the proposal is held back: its agency will read it.")), "reason"
        )
    proposal = proposals.get(proposal_id)
    proposals.transition(actor, proposal, Status.OPEN, reason)
    agenda = next_workshop(candidate.taxonomy_id) if amend else None
    if agenda is not None:
        workshops.add_item(actor, agenda.id, proposal.id)
    audit.record(
        actor,
        "candidate.held_back",
        candidate.taxonomy.slug,
        candidate=candidate.id,
        proposal=proposal_id,
        amend=amend,
        workshop=agenda.id if agenda else None,
    )
    queue = [p.id for p in candidates.approved(candidate.taxonomy)]
    if not queue:
        candidate.status = "replaced"
        return None, agenda
    order = [p for p in candidate.order if p in queue] + [
        p for p in queue if p not in candidate.order
    ]
    rebuilt = candidates.build(actor, candidate.taxonomy.slug, order, candidate.order_note)
    return rebuilt, agenda


def next_workshop(taxonomy_id: int) -> Workshop | None:
    """The next planned (or running) workshop on the taxonomy, from today on."""
    return db.session.scalar(
        select(Workshop)
        .where(
            Workshop.taxonomy_id == taxonomy_id,
            Workshop.status.in_(("planned", "live")),
            Workshop.held_on >= date.today(),
        )
        .order_by(Workshop.held_on, Workshop.id)
        .limit(1)
    )


@use_case(Permission.PUBLISH_TAXONOMY)
def publish(actor: Actor, candidate_id: int, note: str = "") -> Version:
    """The candidate as the next version, its proposals merged, all in one transaction.
    Two publishers of one candidate: the first claims it, the second is told."""
    candidate = candidates.get(candidate_id)
    claimed = db.session.execute(
        update(Candidate)
        .where(Candidate.id == candidate_id, Candidate.status == "built")
        .values(status="published")
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise ServiceError(str(STALE))
    db.session.refresh(candidate)
    held = [e.proposal for e in candidates.entries_of(candidate) if not e.accepted]
    if held:
        raise ServiceError(
            str(
                _l(
                    "Nothing was published: proposals %(ids)s conflict with the consensus. "
                    "Hold them back or take a side first.",
                    ids=", ".join(f"#{p}" for p in held),
                )
            )
        )
    taxonomy = candidate.taxonomy
    latest = revisions.latest(taxonomy)
    if latest is None or latest.number != candidate.base_number:
        raise ServiceError(
            str(
                _l(
                    "Nothing was published: version %(number)d was published after this "
                    "candidate was built. Build it again.",
                    number=latest.number if latest else 0,
                )
            )
        )
    chosen = proposals.by_ids(candidate.order)
    if any(p.status != Status.APPROVED.value for p in chosen):
        raise ServiceError(
            str(_l("Nothing was published: a proposal of this candidate is no longer approved."))
        )
    result = candidates.trees(candidate)
    if result.fingerprint != candidate.fingerprint:
        raise ServiceError(
            str(_l("Nothing was published: the proposals changed since the candidate was built."))
        )
    if not any(e.applied for e in candidates.entries_of(candidate)):
        raise ServiceError(
            str(
                _l(
                    "Nothing was published: version %(number)d already holds every change of "
                    "these proposals.",
                    number=latest.number,
                )
            )
        )
    version = versions.publish_tree(
        actor,
        taxonomy,
        result.report.tree,
        versions.Provenance(note=note, proposals=list(candidate.order)),
        allow_mass_retire=True,  # voted on, change by change
    )
    for proposal in chosen:
        proposals.transition(actor, proposal, Status.MERGED)
    candidate.version_id = version.id
    audit.record(
        actor,
        "candidate.published",
        taxonomy.slug,
        candidate=candidate.id,
        version=version.number,
        proposals=list(candidate.order),
    )
    return version


@use_case(Permission.PUBLISH_TAXONOMY)
def revert(actor: Actor, slug: str, number: int, reason: str) -> Version:
    """A new version that undoes what version `number` changed, on top of the latest (the
    versions since are kept; a change of theirs that the undo would overwrite stops it)."""
    if not reason.strip():
        raise ServiceError(str(_l("Say why the version is undone.")), "reason")
    taxonomy = taxonomies.get_taxonomy(slug)
    undone = taxonomies.get_version(taxonomy, number)
    if undone.parent_number is None:
        raise ServiceError(str(_l("The first version has nothing before it to go back to.")))
    parent = taxonomies.get_version(taxonomy, undone.parent_number)
    after = revisions.read_tree(taxonomy, undone)
    back = diff(after, revisions.read_tree(taxonomy, parent))
    applied = apply(revisions.latest_tree(taxonomy), back, base=after)
    if applied.ok and not any(o.result is Result.APPLIED for o in applied.outcomes):
        raise ServiceError(
            str(
                _l(
                    "Nothing changes: what version %(number)d changed is undone already.",
                    number=number,
                )
            )
        )
    if not applied.ok:
        language = str(get_locale() or "en")
        raise ServiceError(
            str(
                _l(
                    "Version %(number)d cannot be undone whole: %(reasons)s",
                    number=number,
                    reasons="; ".join(
                        o.conflict.text(language) for o in applied.conflicts if o.conflict
                    ),
                )
            )
        )
    version = versions.publish_tree(
        actor, taxonomy, applied.tree, versions.Provenance(note=reason), allow_mass_retire=True
    )
    audit.record(actor, "taxonomy.reverted", slug, undone=number, version=version.number)
    return version
