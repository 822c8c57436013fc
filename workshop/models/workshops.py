"""Live workshops: their electorate and roll call, the agenda of proposals, the voting
rounds of each item and one ballot per agency per round.

`Workshop.revision` moves on with every change a screen shows (a ballot, a round opened
or closed, the roll call, the agenda): screens poll it, and an unchanged revision answers
304 at the cost of one indexed read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .accounts import Agency, User
from .base import db, utcnow
from .proposals import Proposal
from .versions import Taxonomy


class Workshop(db.Model):  # type: ignore[name-defined]
    __tablename__ = "workshop"

    id: Mapped[int] = mapped_column(primary_key=True)
    taxonomy_id: Mapped[int] = mapped_column(ForeignKey("taxonomy.id"))
    title_ar: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")  # planned, live, closed
    rule: Mapped[dict[str, Any]] = mapped_column(JSON)  # consensus.voting.Rule.record()
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    results_hidden: Mapped[bool] = mapped_column(Boolean, default=True)  # until close
    join_code: Mapped[str] = mapped_column(String(20), unique=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    taxonomy: Mapped[Taxonomy] = relationship()
    seats: Mapped[list[Seat]] = relationship(
        back_populates="workshop", order_by="Seat.agency_id", cascade="all, delete-orphan"
    )
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="workshop", order_by="AgendaItem.position", cascade="all, delete-orphan"
    )

    def title(self, language: str) -> str:
        return self.title_ar if language == "ar" else self.title_en


class Seat(db.Model):  # type: ignore[name-defined]
    """An agency of the workshop's electorate, and what the roll call found."""

    __tablename__ = "workshop_seat"

    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)
    attendance: Mapped[str] = mapped_column(String(20), default="unknown")
    alternate: Mapped[str] = mapped_column(String(200), default="")  # who represents it

    workshop: Mapped[Workshop] = relationship(back_populates="seats")
    agency: Mapped[Agency] = relationship()


class AgendaItem(db.Model):  # type: ignore[name-defined]
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("workshop.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    position: Mapped[int] = mapped_column(Integer)
    # waiting, voting, decided, sent_back (returned for amendment)
    status: Mapped[str] = mapped_column(String(20), default="waiting")

    workshop: Mapped[Workshop] = relationship(back_populates="items")
    proposal: Mapped[Proposal] = relationship()
    rounds: Mapped[list[Round]] = relationship(back_populates="item", order_by="Round.number")


class Round(db.Model):  # type: ignore[name-defined]
    """One vote on an agenda item. Its electorate (the agencies that may vote, and how
    many were present) is frozen when it opens; its tally and outcome when it closes."""

    __tablename__ = "voting_round"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    electorate: Mapped[list[int]] = mapped_column(JSON)  # agency ids
    present: Mapped[int] = mapped_column(Integer)
    structural: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # countdown
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # Outcome.record()
    note: Mapped[str] = mapped_column(Text, default="")  # why it was reopened

    item: Mapped[AgendaItem] = relationship(back_populates="rounds")


class Ballot(db.Model):  # type: ignore[name-defined]
    """The one ballot of an agency in a round (the database keeps it one: a unique key and
    an upsert). In a secret round the choice is erased at close; the row stays as the mark
    that the agency took part."""

    __tablename__ = "ballot"
    __table_args__ = (UniqueConstraint("round_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("voting_round.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    choice: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    cast_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    agency: Mapped[Agency] = relationship()
    cast_by: Mapped[User | None] = relationship()


class BallotEvent(db.Model):  # type: ignore[name-defined]
    """Every cast or change of a ballot: who, when (and what, unless the round is secret:
    then the choice is erased at close)."""

    __tablename__ = "ballot_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("voting_round.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    choice: Mapped[str | None] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
