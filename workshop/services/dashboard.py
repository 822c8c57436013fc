"""What the home page shows to each role."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..models import Agency, AuditEntry, User, db
from .permissions import Actor, Permission, allowed, require


@dataclass
class Dashboard:
    agencies: int
    active_accounts: int
    colleagues: list[User] = field(default_factory=list)
    recent: list[AuditEntry] = field(default_factory=list)


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
    if allowed(user, Permission.VIEW_ACTIVITY):
        board.recent = list(
            db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(10))
        )
    return board
