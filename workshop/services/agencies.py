"""Agencies: the electorate of the workshops."""

from __future__ import annotations

import unicodedata

from sqlalchemy import or_, select

from ..models import Agency, db
from .permissions import Actor, Permission, require


def list_agencies(actor: Actor, query: str = "") -> list[Agency]:
    """All agencies by code, or those whose code or either name contains `query`."""
    require(actor, Permission.VIEW_AGENCIES)
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
