"""A consuming system's "has this version changed?", answered before Flask: the services
directory and the one-stop app ask for a version ("latest", mostly) with the ETag they
hold, again and again, and the answer is nearly always 304. When the bearer token is in
use (or versions are public and no token is sent) and the tag held names the version's
export, the 304 goes out after two indexed reads on one connection, with no request,
session, locale or ORM made for it, and with the headers the API's view gives it.

Everything else goes to the view, which answers the same question the same way: another
method or path, an unknown format, a changed version, no such version, a revoked or
unknown token (401), a token whose use is due to be recorded (the view records it, every
TOUCH_EVERY), a request without a token unless versions are public (a signed-in
browser, or a 401), or a failing read (the view reports it). When versions are public, a
request without a token is answered here whoever sends it, as anyone may read them.

Nothing is kept between requests: a revoked token is refused from the next request on,
and "latest" names a new version as soon as it is published."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from flask import Flask
from werkzeug.http import parse_etags

from ..services import formats, quick_reads
from .api import version_cache_control
from .before_flask import AnsweredBeforeFlask, wrap
from .downloads import etag_matches
from .security import security_headers

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment

VERSION = re.compile(r"/api/v1/taxonomies/([a-z0-9][a-z0-9-]{1,63})/versions/([0-9]{1,9}|latest)\Z")


class UnchangedExports(AnsweredBeforeFlask):
    path = VERSION

    def __init__(self, app: Flask, wrapped: WSGIApplication) -> None:
        super().__init__(app, wrapped)
        self.public = bool(app.config["PUBLIC_VERSIONS"])

    def answer_headers(self, app: Flask) -> list[tuple[str, str]]:
        # As the view's 304 has them: Flask-Compress names the encoding, and the session
        # (which the API answers too, for a signed-in browser) the cookie.
        return [
            ("Cache-Control", version_cache_control(app)),
            *security_headers(app),
            ("Vary", "Accept-Encoding, Cookie"),
        ]

    def unchanged(self, match: re.Match[str], held: str, environ: WSGIEnvironment) -> str | None:
        """The version's export tag, if `held` names it and the reader may read it here."""
        slug, ref = match[1], match[2]
        asked = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        fmt = next((value for name, value in asked if name == "format"), "json")  # as the view
        if fmt not in formats.FORMATS:
            return None  # the view's 400
        authorization = environ.get("HTTP_AUTHORIZATION")
        if authorization is None:
            if not self.public:
                return None  # a signed-in browser, or a 401: the view says which
            secret = None
        elif authorization.startswith("Bearer "):
            secret = authorization[7:].strip()
        else:
            return None
        try:
            tag = quick_reads.export_etag(self.reading_engine(), secret, slug, ref, fmt)
        except Exception:  # the view answers, and reports what is wrong
            return None
        if tag is None or not etag_matches(parse_etags(held), tag):
            return None
        return tag


def init_app(app: Flask) -> None:
    wrap(app, UnchangedExports)
