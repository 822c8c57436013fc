"""The audit log: every state change is written in the same transaction as the change."""

from __future__ import annotations

from typing import Any

from ..models import AuditEntry, db
from .permissions import Actor
from .unit_of_work import mark_audited


def record(actor: Actor | None, action: str, target: str = "", **details: Any) -> None:
    """Add an audit entry to the current unit of work (which commits it with the change)."""
    db.session.add(
        AuditEntry(
            actor_id=actor.id if actor is not None else None,  # None for the command line
            agency_id=actor.agency_id if actor is not None else None,
            action=action,
            target=target,
            details=details,
        )
    )
    mark_audited()
