"""Taxonomies, their published versions, and concept revisions stored as intervals.

A revision row holds one concept as it is from version `valid_from` up to, not including,
version `valid_to` (NULL: still current). Publishing a version that changes ten concepts
closes about ten rows and adds about ten; reading version k is one indexed query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import BilingualName, db, utc_iso, utcnow

ID_LENGTH = 200


class Taxonomy(BilingualName, db.Model):  # type: ignore[name-defined]
    """A named classification scheme."""

    __tablename__ = "taxonomy"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    versions: Mapped[list[Version]] = relationship(
        back_populates="taxonomy", order_by="Version.number"
    )


class Version(db.Model):  # type: ignore[name-defined]
    """An immutable, published snapshot of a taxonomy (never updated once written)."""

    __tablename__ = "taxonomy_version"
    __table_args__ = (UniqueConstraint("taxonomy_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy_id: Mapped[int] = mapped_column(ForeignKey("taxonomy.id"))
    number: Mapped[int] = mapped_column(Integer)
    parent_number: Mapped[int | None] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    concept_count: Mapped[int] = mapped_column(Integer)
    retired_count: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    relabelled: Mapped[int] = mapped_column(Integer, default=0)
    moved: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[int] = mapped_column(Integer, default=0)
    # Concepts whose synonyms, codes, links or other notes changed; retired ones brought back.
    annotated: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    reinstated: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    rows_written: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    # The audit chain's head when it was published (the hash of its own audit entry).
    audit_head: Mapped[str] = mapped_column(String(64), default="", server_default="")

    taxonomy: Mapped[Taxonomy] = relationship(back_populates="versions")
    published_by: Mapped[User | None] = relationship()
    incorporated: Mapped[list[VersionProposal]] = relationship(
        order_by="VersionProposal.position", cascade="all, delete-orphan"
    )

    @property
    def published_at_iso(self) -> str:
        """The publication time in UTC, as exports and the API write it."""
        return utc_iso(self.published_at)

    @property
    def proposal_ids(self) -> list[int]:
        """The proposals this version incorporates, in the order they were merged."""
        return [link.proposal_id for link in self.incorporated]

    @property
    def change_count(self) -> int:
        return (
            self.added
            + self.relabelled
            + self.moved
            + self.retired
            + self.annotated
            + self.reinstated
        )


class VersionProposal(db.Model):  # type: ignore[name-defined]
    """A proposal that a version incorporates (written once, with the version)."""

    __tablename__ = "version_proposal"

    version_id: Mapped[int] = mapped_column(ForeignKey("taxonomy_version.id"), primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class VersionDiff(db.Model):  # type: ignore[name-defined]
    """The changes from a version's parent to it, kept when it is published (both trees are
    in memory then), with the concepts a diff page shows: the first look at "what changed"
    after a publication reads one row instead of two whole versions. Derived data: a
    version without one (older, or a diff too large to keep) is diffed when asked."""

    __tablename__ = "version_diff"

    # Goes with its version when an operator deletes history (under maintenance).
    version_id: Mapped[int] = mapped_column(
        ForeignKey("taxonomy_version.id", ondelete="CASCADE"), primary_key=True
    )
    # The layout and diff it was written with (storage.diffs.FORMAT); another is not read.
    format: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)


class ConceptRevision(db.Model):  # type: ignore[name-defined]
    """One concept as it stands in versions valid_from .. valid_to - 1."""

    __tablename__ = "concept_revision"
    __table_args__ = (
        UniqueConstraint("taxonomy_id", "concept_id", "valid_from"),
        Index("ix_concept_revision_reading", "taxonomy_id", "valid_from", "valid_to"),
        Index("ix_concept_revision_children", "taxonomy_id", "parent", "valid_from"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    taxonomy_id: Mapped[int] = mapped_column(ForeignKey("taxonomy.id"))
    concept_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    valid_from: Mapped[int] = mapped_column(Integer)
    valid_to: Mapped[int | None] = mapped_column(Integer)
    parent: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    # Siblings sort by order_key; keys leave gaps, so placing one concept among 20,000
    # siblings writes a row for that concept only (storage.order_keys).
    order_key: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    status: Mapped[str] = mapped_column(String(10))
    replaced_by: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    label_ar: Mapped[str | None] = mapped_column(Text)
    label_en: Mapped[str | None] = mapped_column(Text)
    labels: Mapped[dict[str, str]] = mapped_column(JSON)
    notes: Mapped[dict[str, str]] = mapped_column(JSON)
    alt_labels: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    related: Mapped[list[str]] = mapped_column(JSON)
    # The other SKOS fields (hidden labels, notations, mappings, other notes, IRI), as in
    # the JSON export; {} for most concepts.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, server_default=text("'{}'"))
    # Normalised labels and synonyms (case, spacing, tatweel folded) for search.
    search_text: Mapped[str] = mapped_column(Text)


class HistoryMaintenance(db.Model):  # type: ignore[name-defined]
    """While a row is here, the guards of published history let deletes and corrections
    through (migrations 0010): for an operator's deliberate repair, and for the tests that
    empty their tables. The application never writes it."""

    __tablename__ = "history_maintenance"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
