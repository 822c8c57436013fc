"""Browsing taxonomies: versions, the tree level by level, search, concepts, diffs, exports."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from ..services import browsing, formats, taxonomies
from .downloads import file_response
from .htmx import fragment_response, render, wants_fragment


def locale() -> str:
    return str(get_locale())


bp = Blueprint("browser", __name__, url_prefix="/taxonomies")
DIFF_KINDS = ("add", "relabel", "move", "retire")


@bp.get("/")
@login_required
def taxonomy_list() -> ResponseReturnValue:
    """Every taxonomy with its latest version."""
    rows = taxonomies.list_taxonomies(current_user)
    return render("taxonomy/list.html", "taxonomy/list.html", rows=rows)


@bp.get("/<slug>/")
@login_required
def versions(slug: str) -> ResponseReturnValue:
    """The published versions of one taxonomy, newest first."""
    taxonomy, found = taxonomies.list_versions(current_user, slug)
    return render(
        "taxonomy/versions.html", "taxonomy/versions.html", taxonomy=taxonomy, versions=found
    )


@bp.get("/<slug>/v/<ref>/")
@login_required
def browse(slug: str, ref: str) -> ResponseReturnValue:
    """The tree browser: the roots; children load on demand."""
    listing = browsing.children(
        current_user, slug, ref, None, request.args.get("offset", 0, type=int)
    )
    return render(
        "taxonomy/browse.html",
        "taxonomy/_tree_level.html",
        version_ref=listing.at,
        listing=listing,
        level=1,
    )


@bp.get("/<slug>/v/<ref>/children")
@login_required
def children(slug: str, ref: str) -> ResponseReturnValue:
    """One level below `parent`, as tree items (the whole browser for a normal request)."""
    parent = request.args.get("parent") or None
    level = max(1, min(request.args.get("level", 2, type=int), 50))
    offset = request.args.get("offset", 0, type=int)
    if wants_fragment():  # what the tree asks for as it opens: the same for every reader
        at = browsing.version_ref(current_user, slug, ref)

        def render_level() -> str:
            listing = browsing.children(current_user, slug, at.version.number, parent, offset)
            return render_template(
                "taxonomy/_tree_level.html", version_ref=at, listing=listing, level=level
            )

        key = ("children", browsing.content_key(at), parent, offset, level, locale())
        return fragment_response(browsing.rendered(key, render_level))
    listing = browsing.children(current_user, slug, ref, parent, offset)
    return render(
        "taxonomy/browse.html",
        "taxonomy/_tree_level.html",
        version_ref=listing.at,
        listing=listing,
        level=level,
    )


@bp.get("/<slug>/v/<ref>/concepts/<path:concept_id>")
@login_required
def concept(slug: str, ref: str, concept_id: str) -> ResponseReturnValue:
    """A concept: labels, notes, path, children, replacement and history."""
    offset = request.args.get("offset", 0, type=int)
    if wants_fragment():
        at = browsing.version_ref(current_user, slug, ref)

        def render_concept() -> str:
            view = browsing.concept(current_user, slug, at.version.number, concept_id, offset)
            return render_template("taxonomy/_concept.html", view=view, version_ref=view.at)

        key = ("concept", browsing.content_key(at), concept_id, offset, locale())
        return fragment_response(browsing.rendered(key, render_concept))
    view = browsing.concept(current_user, slug, ref, concept_id, offset)
    return render("taxonomy/concept.html", "taxonomy/_concept.html", view=view, version_ref=view.at)


@bp.get("/<slug>/v/<ref>/search")
@login_required
def search(slug: str, ref: str) -> ResponseReturnValue:
    """Concepts whose Arabic or English labels contain the query, with their paths."""
    query = request.args.get("q", "")[:200]
    if wants_fragment():  # as people type: the same query often comes again
        at = browsing.version_ref(current_user, slug, ref)

        def render_results() -> str:
            _at, matches = browsing.search(current_user, slug, at.version.number, query)
            return render_template(
                "taxonomy/_search_results.html", version_ref=at, matches=matches, query=query
            )

        key = ("search", browsing.content_key(at), query, locale())  # the page shows the query
        return fragment_response(browsing.rendered(key, render_results))
    at, matches = browsing.search(current_user, slug, ref, query)
    return render(
        "taxonomy/search.html",
        "taxonomy/_search_results.html",
        version_ref=at,
        matches=matches,
        query=query,
    )


@bp.get("/<slug>/diff")
@login_required
def diff(slug: str) -> ResponseReturnValue:
    """What changed between two versions, counted and filterable by kind."""
    a, b = request.args.get("a", ""), request.args.get("b", "")
    found = None
    if not (a.isdigit() and b.isdigit()) or not wants_fragment():  # the page lists them
        _taxonomy, found = taxonomies.list_versions(current_user, slug)
        if not found:
            abort(404)
        newest = found[0].number
        b = b or str(newest)
        a = a or str(max(1, int(b) - 1 if b.isdigit() else newest - 1))
    show = request.args.get("show", "")
    show = show if show in DIFF_KINDS else ""
    difference = browsing.difference(current_user, slug, a, b)  # computed once per pair

    def render_table() -> str:
        shown = [c for c in difference.changes if not show or c.op == show]
        return render_template(
            "taxonomy/_diff_table.html",
            difference=difference,
            changes=shown,
            show=show,
            kinds=DIFF_KINDS,
        )

    old = browsing.VersionRef(difference.taxonomy, difference.old)
    new = browsing.VersionRef(difference.taxonomy, difference.new)
    key = ("diff", browsing.content_key(old), browsing.content_key(new), show, locale())
    table = browsing.rendered(key, render_table)
    if wants_fragment():
        return fragment_response(table)
    return render_template(
        "taxonomy/diff.html", difference=difference, table=Markup(table.html), versions=found
    )


@bp.get("/<slug>/v/<ref>/export.<fmt>")
@login_required
def export(slug: str, ref: str, fmt: str) -> ResponseReturnValue:
    """Download a version in one of the file formats."""
    if fmt not in formats.FORMATS:
        abort(404)
    at, made = browsing.export(current_user, slug, ref, fmt)
    return file_response(at, made, fmt, "attachment").make_conditional(request)
