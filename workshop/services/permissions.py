"""Who may do what: the one role/permission table of the application, checked by services."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from flask_babel import lazy_gettext as _l

# Re-exported so that the web and CLI layers name roles without importing the models.
from ..models import Role
from .errors import PermissionDenied

__all__ = ["API_READER", "SYSTEM", "Actor", "Permission", "Role", "allowed", "require"]


class Permission(enum.StrEnum):
    VIEW_DASHBOARD = "dashboard.view"
    VIEW_AGENCIES = "agencies.view"
    EDIT_PROFILE = "profile.edit"
    MANAGE_ACCOUNTS = "accounts.manage"
    VIEW_TAXONOMY = "taxonomy.view"
    PUBLISH_TAXONOMY = "taxonomy.publish"
    MANAGE_TOKENS = "tokens.manage"
    VIEW_ACTIVITY = "activity.view"  # the audit log's recent entries
    ACT_FOR_AGENCY = "agency.act"  # propose, comment and vote in an agency's name
    VIEW_PROPOSALS = "proposals.view"
    PROPOSE = "proposals.create"  # a representative for its agency, a coordinator for all
    MODERATE = "proposals.moderate"  # any proposal's status and content; hide comments
    COMMENT = "proposals.comment"
    VIEW_WORKSHOPS = "workshops.view"
    FACILITATE = "workshops.facilitate"  # agenda, roll call, rounds
    VOTE = "workshops.vote"  # an agency's ballot


COORDINATOR, REPRESENTATIVE, OBSERVER = Role.COORDINATOR, Role.REPRESENTATIVE, Role.OBSERVER
EVERYONE = frozenset(Role)

GRANTS: Mapping[Permission, frozenset[Role]] = {
    Permission.VIEW_DASHBOARD: EVERYONE,
    Permission.VIEW_AGENCIES: EVERYONE,
    Permission.EDIT_PROFILE: EVERYONE,
    Permission.MANAGE_ACCOUNTS: frozenset({COORDINATOR}),
    Permission.VIEW_TAXONOMY: EVERYONE,
    Permission.PUBLISH_TAXONOMY: frozenset({COORDINATOR}),
    Permission.MANAGE_TOKENS: frozenset({COORDINATOR}),
    Permission.VIEW_ACTIVITY: frozenset({COORDINATOR}),
    Permission.ACT_FOR_AGENCY: frozenset({REPRESENTATIVE}),
    Permission.VIEW_PROPOSALS: EVERYONE,
    Permission.PROPOSE: frozenset({REPRESENTATIVE, COORDINATOR}),
    Permission.MODERATE: frozenset({COORDINATOR}),
    Permission.COMMENT: frozenset({REPRESENTATIVE, COORDINATOR}),
    Permission.VIEW_WORKSHOPS: EVERYONE,
    Permission.FACILITATE: frozenset({COORDINATOR}),
    Permission.VOTE: frozenset({REPRESENTATIVE}),
}
# Roles whose members act for one agency only: given an agency, it must be their own.
AGENCY_BOUND = frozenset({REPRESENTATIVE})


class Actor(Protocol):
    """Whoever acts: a signed-in user, the command line, or an API client."""

    @property
    def id(self) -> int | None: ...

    @property
    def role(self) -> Role: ...

    @property
    def agency_id(self) -> int | None: ...

    @property
    def active(self) -> bool: ...


@dataclass(frozen=True)
class ServiceActor:
    """Someone acting without a user account: the server's operator or an API client."""

    name: str
    role: Role
    active: bool = True
    id: int | None = None
    agency_id: int | None = None


# The command line: whoever runs it administers the server.
SYSTEM = ServiceActor("command line", Role.COORDINATOR)
# A consuming system with a bearer token (or anyone, when versions are public): reads only.
API_READER = ServiceActor("api", Role.OBSERVER)


def allowed(actor: Actor | None, permission: Permission, agency: int | None = None) -> bool:
    """True when an active actor's role holds the permission and, for a role bound to one
    agency, `agency` (when given) is the actor's own."""
    if actor is None or not getattr(actor, "active", False):
        return False
    role = getattr(actor, "role", None)
    if role not in GRANTS[permission]:
        return False
    return agency is None or role not in AGENCY_BOUND or actor.agency_id == agency


def require(actor: Actor | None, permission: Permission, agency: int | None = None) -> None:
    """Raise PermissionDenied unless `allowed`."""
    if not allowed(actor, permission, agency):
        raise PermissionDenied(str(_l("You are not allowed to do this.")))
