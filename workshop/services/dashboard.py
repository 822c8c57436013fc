"""What the home page shows to each role."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..models import Agency, AuditEntry, Proposal, ProposalEvent, User, db
from .permissions import Actor, Permission, allowed, require

SHOWN = 8  # proposals per block; the list has the rest


@dataclass
class Dashboard:
    agencies: int
    active_accounts: int
    colleagues: list[User] = field(default_factory=list)
    recent: list[AuditEntry] = field(default_factory=list)
    my_proposals: list[Proposal] = field(default_factory=list)  # the agency's, live first
    to_discuss: list[Proposal] = field(default_factory=list)  # open, newest change first
    # The agency's proposals the coordinator took out of a merge, with the reason.
    held_back: list[tuple[Proposal, str]] = field(default_factory=list)


def for_user(user: Actor) -> Dashboard:
    """Counts for everyone; colleagues for a representative; recent activity for those who
    may see it."""
    require(user, Permission.VIEW_DASHBOARD)
    board = Dashboard(
        agencies=db.session.scalar(select(func.count()).select_from(Agency).where(Agency.active))
        or 0,
        active_accounts=db.session.scalar(select(func.count()).select_from(User).where(User.active))
        or 0,
    )
    if user.agency_id is not None:
        board.colleagues = list(
            db.session.scalars(
                select(User)
                .where(User.agency_id == user.agency_id, User.id != user.id, User.active)
                .order_by(User.username)
            )
        )
    if user.agency_id is not None:
        board.my_proposals = list(
            db.session.scalars(
                select(Proposal)
                .where(Proposal.agency_id == user.agency_id)
                .order_by(Proposal.updated_at.desc())
                .limit(SHOWN)
            )
        )
    if user.agency_id is not None:
        board.held_back = held_back(user.agency_id)
    board.to_discuss = list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.status == "open")
            .order_by(Proposal.updated_at.desc())
            .limit(SHOWN)
        )
    )
    if allowed(user, Permission.VIEW_ACTIVITY):
        board.recent = list(
            db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(10))
        )
    return board


def held_back(agency_id: int) -> list[tuple[Proposal, str]]:
    """Open proposals of the agency whose last move was out of "approved": held back at a
    merge (or returned to be amended), with the coordinator's reason."""
    last = (
        select(func.max(ProposalEvent.id).label("id"))
        .join(Proposal, Proposal.id == ProposalEvent.proposal_id)
        .where(Proposal.agency_id == agency_id, Proposal.status == "open")
        .group_by(ProposalEvent.proposal_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Proposal, ProposalEvent.note)
        .join(ProposalEvent, ProposalEvent.proposal_id == Proposal.id)
        .join(last, last.c.id == ProposalEvent.id)
        .where(
            Proposal.agency_id == agency_id,
            Proposal.status == "open",
            ProposalEvent.from_status == "approved",
        )
        .order_by(ProposalEvent.id.desc())
        .limit(SHOWN)
    )
    return [(row[0], row[1]) for row in rows]
