"""Database models (SQLAlchemy 2.x typed declarations), one module per aggregate."""

from .accounts import Agency, AuditEntry, Role, User
from .base import as_utc, db, utc_iso, utcnow
from .proposals import Comment, CommentEdit, Proposal, ProposalEvent
from .tokens import ApiToken
from .versions import ConceptRevision, HistoryMaintenance, Taxonomy, Version, VersionProposal

__all__ = [
    "Agency",
    "ApiToken",
    "AuditEntry",
    "Comment",
    "CommentEdit",
    "ConceptRevision",
    "HistoryMaintenance",
    "Proposal",
    "ProposalEvent",
    "Role",
    "Taxonomy",
    "User",
    "Version",
    "VersionProposal",
    "as_utc",
    "db",
    "utc_iso",
    "utcnow",
]
