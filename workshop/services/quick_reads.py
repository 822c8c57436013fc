"""Reads answered before Flask, for clients that ask the same question many times a second
and mostly hear "unchanged": a hall of phones polling a live screen (web/live_polls.py)
and consuming systems asking whether a published version's export changed
(web/unchanged_exports.py). Each is a statement or two on a connection of its own, with no
request, session or ORM made for it; whatever is not plainly unchanged goes on to the view."""

from __future__ import annotations

from sqlalchemy import Engine

from ..models import db, utcnow
from . import tokens
from .browsing import etag
from .permissions import API_READER, Permission, require
from .taxonomies import find_version_key


def engine() -> Engine:
    """The database engine for these reads (called once, in an app context). They only
    read: on PostgreSQL, in a transaction each would cost a BEGIN and a ROLLBACK, each a
    round trip of its own, besides the queries."""
    found = db.engine
    if found.dialect.name == "postgresql":
        return found.execution_options(isolation_level="AUTOCOMMIT")
    return found


def export_etag(engine: Engine, secret: str | None, slug: str, ref: str, fmt: str) -> str | None:
    """The ETag the read API gives version `ref` of `slug` in format `fmt` (browsing.etag),
    for a reader with the bearer token `secret` (None: published versions are public).
    None when the API's view must answer: the token is unknown or revoked (a 401), its use
    is due to be recorded (the view records it), or there is no such version (a 404)."""
    require(API_READER, Permission.VIEW_TAXONOMY)
    with engine.connect() as connection:
        if secret is not None:
            token = tokens.in_use(connection, secret)
            if token is None or tokens.use_to_note(token.last_used_at, utcnow()):
                return None
        found = find_version_key(slug, ref, connection)
    return etag(found, fmt) if found is not None else None
