"""What the home page shows to each role."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..models import Agency, AuditEntry, Proposal, User, db
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
