"""Database models (SQLAlchemy 2.x typed declarations)."""

from .accounts import Agency, AuditEntry, Role, User, utcnow
from .taxonomy import ConceptRevision, Taxonomy, Version
from .tokens import ApiToken

__all__ = [
    "Agency",
    "ApiToken",
    "AuditEntry",
    "ConceptRevision",
    "Role",
    "Taxonomy",
    "User",
    "Version",
    "utcnow",
]
