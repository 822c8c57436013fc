"""The audit log: every state change is written in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import AuditEntry, User
from .permissions import ServiceActor


def record(
    actor: User | ServiceActor | None, action: str, target: str = "", **details: Any
) -> None:
    """Add an audit entry to the current transaction (the caller commits)."""
    db.session.add(
        AuditEntry(
            actor_id=actor.id if actor is not None else None,  # None for the command line
            agency_id=actor.agency_id if actor is not None else None,
            action=action,
            target=target,
            details=details,
        )
    )
