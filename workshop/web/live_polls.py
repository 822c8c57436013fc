"""Polls of an unchanged live screen, answered before Flask: a hall of 160 phones asks
every second whether anything moved, and mostly nothing did. When the ETag a phone holds
names the workshop's current revision, the answer is a 304 after one indexed read, with no
session, locale, template or database session made for it. Anything else (a changed
revision, a countdown that has run out, no tag, another path) goes to the Flask view, which
answers the same way for an unchanged revision.

The revision read is kept for LIVE_POLL_FRESH_SECONDS (0.25) in each process: a hall's 160
polls a second then cost the database four reads a second per process, and a ballot reaches
the screens that much later at most (the target is 2 seconds). Nothing else is kept:
another process, or this one a moment later, reads the database again. A poll that goes on
to the view takes the revision read here along (PEEKED), so that a burst of ballots, which
sends every phone's next poll to the view, does not read it twice."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from flask import Flask
from werkzeug.http import parse_etags

from ..services import voting_views
from .before_flask import AnsweredBeforeFlask, wrap
from .security import security_headers

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication, WSGIEnvironment

KEPT_WORKSHOPS = 1000  # polls of unknown workshop ids cannot grow the memory beyond this
LIVE = re.compile(r"/workshops/([0-9]{1,9})/live/(console|vote|projector)\Z")
PEEKED = "workshop.live_polls.revision"  # environ: (workshop id, the revision read)


class UnchangedPolls(AnsweredBeforeFlask):
    path = LIVE
    weak = True

    def __init__(self, app: Flask, wrapped: WSGIApplication) -> None:
        super().__init__(app, wrapped)
        self.read: dict[int, tuple[float, voting_views.Peeked | None]] = {}
        self.fresh_seconds = float(app.config["LIVE_POLL_FRESH_SECONDS"])

    def answer_headers(self, app: Flask) -> list[tuple[str, str]]:
        # As the view sends them (workshops._no_store) and the security headers.
        return [("Cache-Control", "private, no-cache"), ("Vary", "Cookie"), *security_headers(app)]

    def unchanged(self, match: re.Match[str], held: str, environ: WSGIEnvironment) -> str | None:
        """The tag held, if it names the current revision for this screen; if not, the
        revision goes along to the view in `environ`."""
        workshop_id, screen = int(match[1]), match[2]
        now = time.monotonic()
        kept = self.read.get(workshop_id)
        if kept is not None and now - kept[0] < self.fresh_seconds:
            peeked = kept[1]
        else:
            try:
                with self.reading_engine().connect() as connection:
                    peeked = voting_views.peek(connection, workshop_id)
            except Exception:  # the full path answers, and reports what is wrong
                return None
            if len(self.read) >= KEPT_WORKSHOPS:
                self.read.clear()
            self.read[workshop_id] = (now, peeked)
        revision = peeked.current() if peeked is not None else None
        if revision is None:
            return None
        tags = parse_etags(held).as_set(include_weak=True)
        tag = next(
            (t for t in tags if t.startswith(f"{revision}-") and t.endswith(f"-{screen}")), None
        )
        if tag is None:
            environ[PEEKED] = (workshop_id, revision)
        return tag


def peeked(environ: WSGIEnvironment, workshop_id: int) -> str | None:
    """The workshop's revision as this request's poll read it before the view, if it did."""
    found = environ.get(PEEKED)
    return found[1] if found is not None and found[0] == workshop_id else None


def init_app(app: Flask) -> None:
    wrap(app, UnchangedPolls)
