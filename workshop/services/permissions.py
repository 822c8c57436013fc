"""Who may do what: the one role/permission table of the application."""

from __future__ import annotations

from typing import Protocol

from flask_babel import lazy_gettext as _l

from ..models import Role
from .errors import PermissionDenied

COORDINATOR, REPRESENTATIVE, OBSERVER = Role.COORDINATOR, Role.REPRESENTATIVE, Role.OBSERVER
EVERYONE = frozenset(Role)

PERMISSIONS: dict[str, frozenset[Role]] = {
    "dashboard.view": EVERYONE,
    "agencies.view": EVERYONE,
    "profile.edit": EVERYONE,
    "accounts.manage": frozenset({COORDINATOR}),
}


class Actor(Protocol):
    role: Role
    active: bool


def allowed(actor: Actor | None, permission: str) -> bool:
    """True when an active user of a role listed for the permission is acting."""
    if actor is None or not getattr(actor, "active", False):
        return False
    return actor.role in PERMISSIONS[permission]


def require(actor: Actor | None, permission: str) -> None:
    """Raise PermissionDenied unless `allowed`."""
    if not allowed(actor, permission):
        raise PermissionDenied(str(_l("You are not allowed to do this.")))
