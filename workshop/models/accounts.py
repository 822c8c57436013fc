"""Database models (SQLAlchemy 2.x typed declarations)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import BilingualName, db, utcnow


class Role(enum.StrEnum):
    COORDINATOR = "coordinator"
    REPRESENTATIVE = "representative"
    OBSERVER = "observer"


class Agency(BilingualName, db.Model):  # type: ignore[name-defined]
    """A government body of the electorate; it holds one vote."""

    __tablename__ = "agency"
    NAME_LENGTH = 200

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    active: Mapped[bool] = mapped_column(default=True)

    users: Mapped[list[User]] = relationship(back_populates="agency")


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    """A person who signs in; a representative acts for exactly one agency."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(
            "(role = 'representative') = (agency_id IS NOT NULL)",
            name="agency_iff_representative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Raised by sign-out and password changes: every session made before ends with it
    # (the session holds "id:epoch", see get_id), however the cookie was copied.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # Failed sign-ins in a row, and when the next attempt is heard (services/accounts.py).
    failed_sign_ins: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    sign_in_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    agency: Mapped[Agency | None] = relationship(back_populates="users")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sessions of inactive users
        return self.active

    def get_id(self) -> str:
        """What a session stores of the user: the id and the epoch it was made in."""
        return f"{self.id}:{self.session_epoch}"

    def end_sessions(self) -> None:
        self.session_epoch += 1


class AuditEntry(db.Model):  # type: ignore[name-defined]
    """One state change: who, for which agency, what, when; chained to the one before."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    # The hash chain (consensus.chain): its place in the chain, the hash of the entry
    # before it and its own, set when its transaction commits (services.audit.seal).
    seq: Mapped[int | None] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))
