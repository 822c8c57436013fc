"""Database models (SQLAlchemy 2.x typed declarations), one module per aggregate."""

from .accounts import Agency, AuditEntry, Role, User
from .base import as_utc, db, utc_iso, utcnow
from .candidates import Candidate
from .proposals import Comment, CommentEdit, Proposal, ProposalEvent
from .tokens import ApiToken
from .versions import (
    ConceptRevision,
    HistoryMaintenance,
    Taxonomy,
    Version,
    VersionDiff,
    VersionProposal,
)
from .workshops import AgendaItem, Ballot, BallotEvent, Round, Seat, Workshop

__all__ = [
    "Agency",
    "AgendaItem",
    "ApiToken",
    "AuditEntry",
    "Ballot",
    "BallotEvent",
    "Candidate",
    "Comment",
    "CommentEdit",
    "ConceptRevision",
    "HistoryMaintenance",
    "Proposal",
    "ProposalEvent",
    "Role",
    "Round",
    "Seat",
    "Taxonomy",
    "User",
    "Version",
    "VersionDiff",
    "VersionProposal",
    "Workshop",
    "as_utc",
    "db",
    "utc_iso",
    "utcnow",
]
