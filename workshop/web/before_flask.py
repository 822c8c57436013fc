"""WSGI layers that answer an unchanged GET with a 304 before Flask, for clients that ask
the same question many times a second and mostly hear "unchanged" (web/live_polls.py,
web/unchanged_exports.py). Each gives the path it looks at, the headers of its view's 304
(`answer_headers`) and `unchanged`: the tag to send when the If-None-Match held is still
current; else None, and the request goes on to Flask, whose view answers it the same way."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask

from ..services import quick_reads

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class AnsweredBeforeFlask:
    path: re.Pattern[str]  # the requests looked at: anything else goes straight on
    weak = False  # the view's ETag is weak (W/"...")

    def __init__(self, app: Flask, wrapped: WSGIApplication) -> None:
        self.app, self.wrapped = app, wrapped
        self.headers = self.answer_headers(app)
        self.engine: Any = None  # quick_reads.engine(), taken once in an app context

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        held = environ.get("HTTP_IF_NONE_MATCH")
        if held and environ.get("REQUEST_METHOD") == "GET":
            match = self.path.match(environ.get("PATH_INFO", ""))
            if match is not None:
                tag = self.unchanged(match, held, environ)
                if tag is not None:
                    etag = f'W/"{tag}"' if self.weak else f'"{tag}"'
                    start_response("304 Not Modified", [("ETag", etag), *self.headers])
                    return []
        return self.wrapped(environ, start_response)

    def answer_headers(self, app: Flask) -> list[tuple[str, str]]:
        """The headers of the view's 304, but for its ETag."""
        raise NotImplementedError

    def unchanged(self, match: re.Match[str], held: str, environ: WSGIEnvironment) -> str | None:
        raise NotImplementedError

    def reading_engine(self) -> Any:
        if self.engine is None:
            with self.app.app_context():
                self.engine = quick_reads.engine()
        return self.engine


def wrap(app: Flask, layer: type[AnsweredBeforeFlask]) -> None:
    """Put `layer` in front of the app (the last one put there looks first)."""
    wrapped: Any = app.wsgi_app
    app.wsgi_app = layer(app, wrapped)  # type: ignore[method-assign]
