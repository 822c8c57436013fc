"""The declarative base, the session's owner `db`, and pieces every model shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column


class Base(DeclarativeBase):
    # Named constraints let Alembic alter them on SQLite and PostgreSQL alike. Every column
    # of a composite constraint is in its name, so (round_id, agency_id) and
    # (round_id, user_id) cannot collide.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_N_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


# Only models, storage and services import this; the web layer reaches the database through
# services (an import-linter contract keeps it so).
db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time in UTC: SQLite hands back naive times (stored as UTC), PostgreSQL aware
    ones in its own zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def utc_iso(moment: datetime) -> str:
    """A stored time as exports and the API write it: 2026-11-29T18:05:09Z."""
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


class BilingualName:
    """An Arabic and an English name, and the one to show in a language."""

    NAME_LENGTH: ClassVar[int] = 300

    @declared_attr
    def name_ar(cls) -> Mapped[str]:
        return mapped_column(String(cls.NAME_LENGTH))

    @declared_attr
    def name_en(cls) -> Mapped[str]:
        return mapped_column(String(cls.NAME_LENGTH))

    def name(self, locale: str) -> str:
        return self.name_ar if locale == "ar" else self.name_en
