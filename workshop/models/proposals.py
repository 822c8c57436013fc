"""Proposals: an ordered list of changes against a base version, with a title, a rationale,
an author and the author's agency; and the history of their statuses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import Agency, User
from .base import db, utcnow
from .versions import Taxonomy

TITLE_LENGTH = 200
RATIONALE_LENGTH = 20_000


class Proposal(db.Model):  # type: ignore[name-defined]
    """Its `changes` are the engine's operations in their JSON form, each with the `from`
    of what its author saw in the base version. `revision` counts the saves: a form sends
    the revision it was made from, and a save from an older one is refused (two people
    editing one draft: the second is told, nothing is lost)."""

    __tablename__ = "proposal"
    __table_args__ = (Index("ix_proposal_taxonomy_id_status", "taxonomy_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy_id: Mapped[int] = mapped_column(ForeignKey("taxonomy.id"))
    base_number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    rationale: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    change_count: Mapped[int] = mapped_column(Integer, default=0)  # lists need no more
    # The concepts its changes touch (consensus.footprint), for overlaps and concept pages.
    touches: Mapped[list[str]] = mapped_column(JSON, default=list)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    search_text: Mapped[str] = mapped_column(Text, default="")  # folded title and rationale
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    taxonomy: Mapped[Taxonomy] = relationship()
    author: Mapped[User | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    events: Mapped[list[ProposalEvent]] = relationship(
        back_populates="proposal", order_by="ProposalEvent.id", cascade="all, delete-orphan"
    )


class ProposalEvent(db.Model):  # type: ignore[name-defined]
    """One status change of a proposal: from what to what, by whom, when and why."""

    __tablename__ = "proposal_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    proposal: Mapped[Proposal] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Comment(db.Model):  # type: ignore[name-defined]
    """A comment on a proposal, or on a concept of a taxonomy (by its id, whatever the
    version: a concept's discussion goes on across versions). A reply names its thread's
    first comment as `parent`. A coordinator may hide it, with a reason; the first comment
    of a thread may be marked resolved."""

    __tablename__ = "comment"
    __table_args__ = (
        CheckConstraint(
            "(proposal_id IS NULL) <> (concept_id IS NULL) AND "
            "(concept_id IS NULL) = (taxonomy_id IS NULL)",
            name="one_subject",
        ),
        Index(None, "taxonomy_id", "concept_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"), index=True)
    taxonomy_id: Mapped[int | None] = mapped_column(ForeignKey("taxonomy.id"))
    concept_id: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    kind: Mapped[str] = mapped_column(String(20))  # comment, objection or question
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    hidden_reason: Mapped[str | None] = mapped_column(Text)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    agency: Mapped[Agency | None] = relationship()


class CommentEdit(db.Model):  # type: ignore[name-defined]
    """A comment's text before one of its edits."""

    __tablename__ = "comment_edit"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comment.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
