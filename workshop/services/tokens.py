"""Bearer tokens for consuming systems: created and revoked by coordinators, stored hashed."""

from __future__ import annotations

import hashlib
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Connection, Row, bindparam, select, update

from ..models import ApiToken, db, utcnow
from . import audit
from .errors import Busy, NotFound, ServiceError
from .permissions import Actor, Permission, require
from .unit_of_work import unit_of_work, use_case

PREFIX = "wst_"
TOUCH_EVERY = timedelta(minutes=5)  # last use is recorded, but not on every request


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@use_case(Permission.MANAGE_TOKENS)
def create(actor: Actor, name: str) -> IssuedToken:
    name = name.strip()
    if not name:
        raise ServiceError(str(_l("Name the system that will use the token.")), field="name")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name[:200], token_hash=digest(secret), prefix=secret[:10], created_by_id=actor.id
    )
    db.session.add(token)
    db.session.flush()
    audit.record(actor, "token.created", token.name)
    return IssuedToken(token, secret)


@use_case(Permission.MANAGE_TOKENS)
def revoke(actor: Actor, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(str(_l("No such token.")))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(actor, "token.revoked", token.name)
    return token


def get_token(actor: Actor, token_id: int) -> ApiToken:
    require(actor, Permission.MANAGE_TOKENS)
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(str(_l("No such token.")))
    return token


def list_tokens(actor: Actor) -> list[ApiToken]:
    require(actor, Permission.MANAGE_TOKENS)
    return list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


_token = ApiToken.__table__.c
# Prepared once: an API client asks many times a second, and building the statement each
# time cost more than running it.
_FIND = select(_token.id, _token.revoked_at, _token.last_used_at).where(
    _token.token_hash == bindparam("hash")
)
_TOUCH = (
    update(ApiToken.__table__)
    .where(_token.id == bindparam("token"))
    .values(last_used_at=bindparam("now"))
)


def in_use(connection: Connection, secret: str) -> Row[Any] | None:
    """The token's id and last use, if it exists and is not revoked."""
    if not secret.startswith(PREFIX):
        return None
    token = connection.execute(_FIND, {"hash": digest(secret)}).first()
    return token if token is not None and token.revoked_at is None else None


def use_to_note(last_used_at: datetime | None, now: datetime) -> bool:
    """Whether a use now is to be recorded (the last one recorded is TOUCH_EVERY old)."""
    return last_used_at is None or now - last_used_at.replace(tzinfo=now.tzinfo) > TOUCH_EVERY


def authenticate(secret: str) -> bool:
    """True for a token that exists and is not revoked; its use is recorded now and then."""
    token = in_use(db.session.connection(), secret)
    if token is None:
        return False
    now = utcnow()
    if use_to_note(token.last_used_at, now):
        # Bookkeeping of a read, not a state change: no audit entry; and when a long
        # publish holds SQLite's write lock, the read goes on (a later one will note it).
        with suppress(Busy), unit_of_work(audited=False) as session:
            session.connection().execute(_TOUCH, {"token": token.id, "now": now})
    return True
