"""The one place that reads htmx request headers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, make_response, redirect, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import get_locale

from ..services import browsing
from ..services.browsing import Fragment, VersionRef
from ..services.permissions import Actor
from .downloads import chosen_encoding


def wants_fragment() -> bool:
    """An htmx request that swaps part of a page (not a boosted or history-restore request)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render(page: str, fragment: str, status: int = 200, **context: Any) -> Response:
    """The full page for a normal request, only the partial for an htmx request (with any
    flashed message for the page's one flash region)."""
    if not wants_fragment():
        html = render_template(page, **context)
    else:
        html = render_template(fragment, **context) + flashes_partial()
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


def flashes_partial() -> str:
    """Messages flashed during an htmx request, as an <hx-partial> for #flashes."""
    if not session.get("_flashes"):
        return ""
    return (
        '<hx-partial hx-target="#flashes" hx-swap="innerHTML">'
        + render_template("_flash_messages.html")
        + "</hx-partial>"
    )


def cached_fragment(
    actor: Actor,
    slug: str,
    ref: str,
    template: str,
    arguments: tuple[object, ...],
    context: Callable[[VersionRef], Any],
) -> Response:
    """A partial drawn only from version `ref` of `slug` (and `arguments`), so the same for
    every reader of a language: rendered once from `context(at)`, then kept, and answered
    with its strong ETag. A cached fragment costs one Core query; the version's ORM objects
    are read only to render a missing one (by number: "latest" may move meanwhile)."""
    found = browsing.key_of(actor, slug, ref)
    key = (template, browsing.key_content(found), *arguments, str(get_locale()))

    def draw() -> str:
        at = browsing.version_ref(actor, slug, found.number)
        return render_template(template, **context(at))

    return fragment_response(browsing.rendered(key, draw))


def fragment_response(fragment: Fragment) -> Response:
    """A cached fragment with its strong ETag: a client that has it gets 304. (no-cache:
    the browser asks each time, since "latest" may name a newer version tomorrow.)"""
    encoding = chosen_encoding(request, len(fragment.html))
    if encoding:  # compressed once, with the fragment; Flask-Compress leaves it alone
        response = make_response(fragment.encoded(encoding))
        response.headers["Content-Encoding"] = encoding
        response.set_etag(f"{fragment.etag}.{encoding}")
    else:
        response = make_response(fragment.html)
        response.set_etag(fragment.etag)
    response.vary.add("HX-Request")
    response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = "private, no-cache"
    response.make_conditional(request)
    return response


def see_other(location: str) -> ResponseReturnValue:
    """Post/Redirect/Get; htmx follows HX-Redirect with a full page load."""
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)
