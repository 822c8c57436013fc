"""Flask's signed-cookie sessions, with the cookies each process verified lately kept.

A hall's phones send the same session cookie with every poll and every fragment, and
checking its signature and decoding it again each time cost about a tenth of such a request
under load. A cookie that verified once names the same session until it is too old, so the
decoded session is kept by the cookie's exact text, with the moment it was signed: a kept
cookie is still refused once it is older than the session lifetime, as Flask refuses it.
Only sessions of plain values (text, numbers, booleans) are kept: each request gets its own
copy of the dict, and nothing in it can be changed in place (a session holding a list, such
as flashed messages, is decoded afresh each time)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature

from ..caching import BoundedCache

KEPT_COOKIES = 4096  # a hall's sessions several times over; a few hundred bytes each
PLAIN = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class Verified:
    data: dict[str, Any]
    signed_at: float  # seconds since the epoch, as the signature says
    secret_key: Any  # the key it verified under (an app's key does not change while it runs)


class KeptCookieSessions(SecureCookieSessionInterface):
    def __init__(self, size: int = KEPT_COOKIES) -> None:
        self.kept: BoundedCache[Verified] = BoundedCache(size)

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        value = request.cookies.get(self.get_cookie_name(app))
        if not app.secret_key:
            return super().open_session(app, request)
        if not value:
            return self.session_class()  # as Flask, without making a signer first
        max_age = app.permanent_session_lifetime.total_seconds()
        found = self.kept.get(value)
        if (
            found is not None
            and found.secret_key == app.secret_key
            and time.time() - found.signed_at <= max_age
        ):
            return self.session_class(found.data)
        serializer = self.get_signing_serializer(app)
        assert serializer is not None  # there is a secret key
        try:
            data, signed = serializer.loads(value, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(type(v) in PLAIN for v in data.values()):
            self.kept.put(value, Verified(dict(data), signed.timestamp(), app.secret_key))
        return self.session_class(data)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        # What Flask does with a session nobody changed, without first reading the cookie's
        # seven settings: a cached fragment or a token's request changes none.
        if not session.modified and not (
            session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]
        ):
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = KeptCookieSessions()
