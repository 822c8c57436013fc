"""Who may do what: the one role/permission table of the application."""

from __future__ import annotations

from dataclasses import dataclass
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
    "taxonomy.view": EVERYONE,
    "taxonomy.publish": frozenset({COORDINATOR}),
    "tokens.manage": frozenset({COORDINATOR}),
}


class Actor(Protocol):
    role: Role
    active: bool


@dataclass(frozen=True)
class ServiceActor:
    """Someone acting without a user account: the server's operator or an API client."""

    name: str
    role: Role
    active: bool = True
    id: None = None
    agency_id: None = None


# The command line: whoever runs it administers the server.
SYSTEM = ServiceActor("command line", Role.COORDINATOR)
# A consuming system with a bearer token (or anyone, when versions are public): reads only.
API_READER = ServiceActor("api", Role.OBSERVER)


def allowed(actor: Actor | None, permission: str) -> bool:
    """True when an active user of a role listed for the permission is acting."""
    if actor is None or not getattr(actor, "active", False):
        return False
    return actor.role in PERMISSIONS[permission]


def require(actor: Actor | None, permission: str) -> None:
    """Raise PermissionDenied unless `allowed`."""
    if not allowed(actor, permission):
        raise PermissionDenied(str(_l("You are not allowed to do this.")))
