"""Agencies: the electorate of the workshops."""

from __future__ import annotations

import unicodedata

from sqlalchemy import or_, select

from ..extensions import db
from ..models import Agency, User
from .permissions import require


def list_agencies(actor: User, query: str = "") -> list[Agency]:
    """All agencies by code, or those whose code or either name contains `query`."""
    require(actor, "agencies.view")
    statement = select(Agency).order_by(Agency.code)
    needle = unicodedata.normalize("NFC", query).strip()
    if needle:
        pattern = f"%{needle}%"
        statement = statement.where(
            or_(
                Agency.code.ilike(pattern),
                Agency.name_ar.ilike(pattern),
                Agency.name_en.ilike(pattern),
            )
        )
    return list(db.session.scalars(statement))
