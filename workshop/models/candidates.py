"""Merge candidates: the next consensus version as the approved proposals would make it,
built and rebuilt by the coordinator until it holds no conflict, then published. Published
versions are immutable, so the candidate lives here, outside them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import User
from .base import db, utcnow
from .versions import Taxonomy, Version


class Candidate(db.Model):  # type: ignore[name-defined]
    __tablename__ = "merge_candidate"
    __table_args__ = (
        Index("ix_merge_candidate_taxonomy_id_status", "taxonomy_id", "status"),
        # One current candidate per taxonomy, whatever two builds at the same moment do.
        Index(
            "uq_merge_candidate_one_built",
            "taxonomy_id",
            unique=True,
            sqlite_where=text("status = 'built'"),
            postgresql_where=text("status = 'built'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy_id: Mapped[int] = mapped_column(ForeignKey("taxonomy.id"))
    base_number: Mapped[int] = mapped_column(Integer)  # the consensus version it merges onto
    order: Mapped[list[int]] = mapped_column(JSON)  # proposal ids, in merge order
    # Why the order is not the order of approval ("" when it is).
    order_note: Mapped[str] = mapped_column(Text, default="")
    report: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # consensus.candidate.Entry
    fingerprint: Mapped[str] = mapped_column(String(64))
    # built (the current one), replaced (a newer build), published
    status: Mapped[str] = mapped_column(String(20), default="built")
    built_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version_id: Mapped[int | None] = mapped_column(ForeignKey("taxonomy_version.id"))

    taxonomy: Mapped[Taxonomy] = relationship()
    built_by: Mapped[User | None] = relationship()
    version: Mapped[Version | None] = relationship()
