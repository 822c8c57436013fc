"""The shared live parts of the projector and the ballot panel (the same for every reader
of a language), rendered once per revision of the workshop, and during a burst of ballots
at most once per LIVE_POLL_FRESH_SECONDS in each process.

A burst of 53 ballots moves the revision 53 times in half a second. Rendering each
revision for the hall's phones and the projector cost more than the ballots themselves,
and the polls queued behind it for a second. A part rendered less than the window ago is
given instead, with the revision it was rendered for as its tag: the next poll sees that
the revision moved on and gets the newer part, so a screen lags the database by that
window at most (0.25 s against a target of 2 s).

A ballot's own answer takes the latest part of its round at any age, with the reader's own
line as the ballot made it: what the answer confirms is the agency's ballot, and reading
the revision and rendering the hall's count for each of 53 answers cost a quarter of a
burst's time. The next poll brings the count."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from flask_babel import get_locale
from markupsafe import Markup

from ..caching import BoundedCache
from ..services import voting_views
from ..services.permissions import Actor, Permission, allowed
from .forms import EmptyForm

KEPT = 256  # (workshop, screen, language) of the workshops live at once, and some


@dataclass(frozen=True)
class Rendered:
    revision: str
    made: float  # time.monotonic()
    html: str
    shows: int | None = None  # the round it shows


Render = Callable[[], tuple[str, int | None]]  # the html, and the round it shows


class LatestParts:
    """The latest part rendered for each key, and single flight for each revision: the
    phones that see a new revision at once wait for one render of it."""

    def __init__(self, size: int) -> None:
        self.latest: BoundedCache[Rendered] = BoundedCache(size)
        self.by_revision: BoundedCache[Rendered] = BoundedCache(size)

    def get(self, key: Hashable, revision: str, fresh_seconds: float, render: Render) -> Rendered:
        latest = self.latest.get(key)
        if latest is not None and (
            latest.revision == revision or time.monotonic() - latest.made < fresh_seconds
        ):
            return latest
        made = self.by_revision.get_or_make(
            (key, revision), lambda: Rendered(revision, time.monotonic(), *render())
        )
        current = self.latest.get(key)
        if current is None or current.made <= made.made:
            self.latest.put(key, made)
        return made

    def showing(self, key: Hashable, round_id: int) -> Rendered | None:
        """The latest part for the key if it shows the round, however old."""
        latest = self.latest.get(key)
        return latest if latest is not None and latest.shows == round_id else None

    def clear(self) -> None:
        self.latest.clear()
        self.by_revision.clear()


SHARED = LatestParts(KEPT)
# The item voted on, drawn as a tree diff, by what decides it: it stays the same through a
# round's every ballot, and reading the proposal's base version to draw it cost more than
# the rest of a live part.
ITEMS: BoundedCache[Markup] = BoundedCache(KEPT)
# The reader's own line of the ballot panel, by what decides its words: a handful of texts.
MINE: BoundedCache[str] = BoundedCache(64)


def shared_part(
    workshop_id: int, screen: str, language: str, revision: str, render: Render
) -> Rendered:
    fresh = float(current_app.config["LIVE_POLL_FRESH_SECONDS"])
    return SHARED.get((workshop_id, screen, language), revision, fresh, render)


def mine_part(mine: voting_views.Mine, can_vote: bool, language: str) -> str:
    key = (language, can_vote, mine.open, mine.cast, mine.choice)
    return MINE.get_or_make(key, lambda: render_template("workshops/_mine.html", mine=mine))


def part(actor: Actor, workshop_id: int, screen: str, revision: str) -> tuple[str, str]:
    """A screen's live part for the reader, and the revision it shows."""
    if screen == "console":
        # The console's part holds the facilitator's forms (and their CSRF tokens).
        return render(actor, workshop_id, screen)[0], revision
    language = str(get_locale())
    shared = shared_part(
        workshop_id, screen, language, revision, lambda: render(actor, workshop_id, screen)
    )
    html = shared.html
    if screen == "vote":
        mine = voting_views.mine(actor, workshop_id)
        html += mine_part(mine, allowed(actor, Permission.VOTE), language)
    return html, shared.revision


def ballot_answer(actor: Actor, workshop_id: int, mine: voting_views.Mine) -> str:
    """The ballot panel's live part as the answer to the reader's counted ballot (`mine`):
    the latest part of its round, or a new one if this process has none."""
    language = str(get_locale())
    kept = SHARED.showing((workshop_id, "vote", language), mine.round_id or 0)
    if kept is None:
        return part(actor, workshop_id, "vote", voting_views.revision(workshop_id))[0]
    return kept.html + mine_part(mine, allowed(actor, Permission.VOTE), language)


def item_part(state: voting_views.Live) -> Markup:
    language = str(get_locale())
    proposal, current = state.proposal, state.round
    key: Hashable = ("none", language)
    if proposal is not None and current is not None:
        words = state.rule_words(language)
        # A proposal's every edit moves its revision on; agencies are never renamed. The
        # join code tells apart workshops that another database gave the same ids.
        key = (state.workshop.join_code, current.id, current.number, proposal.id)
        key += (proposal.revision, words, language)
    return ITEMS.get_or_make(
        key, lambda: Markup(render_template("workshops/_item.html", state=state))
    )


def render(actor: Actor, workshop_id: int, screen: str) -> tuple[str, int | None]:
    """The live part, and the round it shows."""
    state = voting_views.live(actor, workshop_id)
    html = render_template(f"workshops/_{screen}_live.html", **context(state, screen))
    return html, state.round.id if state.round is not None else None


def context(state: voting_views.Live, screen: str) -> dict[str, Any]:
    """What a screen's templates (the full page and its live part) are given."""
    workshop = state.workshop
    return {
        "state": state,
        "workshop": workshop,
        "screen": screen,
        "seats": (
            voting_views.seats(workshop)
            if screen == "console"  # its roll call shows each seat's attendance
            else voting_views.tiles(workshop.id)
            if screen == "projector"
            else []
        ),
        "item": item_part(state),
        "choices": voting_views.agenda_choices(workshop) if screen == "console" else [],
        "button": EmptyForm(formdata=None),
        "revision": workshop.revision,
    }
