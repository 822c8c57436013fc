"""Browsing taxonomies: versions, the tree level by level, search, concepts, diffs, exports."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from markupsafe import Markup

from ..services import browsing, formats, opened_tree, proposal_views, taxonomies
from ..services.comments import ConceptRef
from .comments import discussion_context
from .downloads import file_response
from .htmx import cached_fragment, cached_render, fragment_response, render, wants_fragment

bp = Blueprint("browser", __name__, url_prefix="/taxonomies")
DIFF_KINDS = ("add", "relabel", "move", "reorder", "retire", "annotate", "reinstate", "merge")
ALWAYS_SHOWN = ("add", "relabel", "move", "retire")  # the others when the diff has them
DIFF_PAGE = 200  # rows of the diff table at first; 1,800 changes made a 1.8 MB page


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
    """The tree browser: the roots, children on demand; with ?concept=ID the tree opened
    down to that concept and its details shown (each concept the reader opens has this
    address, so Back, a reload and a shared link come back to it)."""
    concept_id = request.args.get("concept") or None
    opened = opened_tree.opened(
        current_user, slug, ref, concept_id, request.args.get("offset", 0, type=int)
    )
    return render(
        "taxonomy/browse.html",
        "taxonomy/_tree_level.html",
        version_ref=opened.at,
        listing=opened.roots,
        opened=opened,
        level=1,
        sheet_open=concept_id is not None and request.args.get("panel") != "closed",
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
        number = at.version.number
        return cached_fragment(
            at,
            "taxonomy/_tree_level.html",
            (parent, offset, level),
            lambda: {
                "version_ref": at,
                "listing": browsing.children(current_user, slug, number, parent, offset),
                "level": level,
            },
        )
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
        number = at.version.number
        return cached_fragment(
            at,
            "taxonomy/_concept.html",
            (concept_id, offset),
            lambda: {
                "view": browsing.concept(current_user, slug, number, concept_id, offset),
                "version_ref": at,
            },
        )
    view = browsing.concept(current_user, slug, ref, concept_id, offset)
    return render(
        "taxonomy/concept.html",
        "taxonomy/_concept.html",
        view=view,
        version_ref=view.at,
        # Its discussion goes on across versions (a fragment of the panel has none: the
        # panel is the same for every reader, and cached).
        **(
            {}
            if wants_fragment()
            else discussion_context(ConceptRef(slug, concept_id), str(view.at.version.number))
        ),
        workable=[] if wants_fragment() else proposal_views.workable(current_user, slug),
    )


@bp.get("/<slug>/v/<ref>/search")
@login_required
def search(slug: str, ref: str) -> ResponseReturnValue:
    """Concepts whose Arabic or English labels contain the query, with their paths."""
    query = request.args.get("q", "")[:200]
    if wants_fragment():  # as people type: the same query often comes again
        at = browsing.version_ref(current_user, slug, ref)
        number = at.version.number
        return cached_fragment(
            at,
            "taxonomy/_search_results.html",
            (query,),  # as typed: the results repeat it
            lambda: {
                "version_ref": at,
                "found": browsing.search(current_user, slug, number, query)[1],
                "query": query,
            },
        )
    at, found = browsing.search(current_user, slug, ref, query)
    return render(
        "taxonomy/search.html",
        "taxonomy/_search_results.html",
        version_ref=at,
        found=found,
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
    shown = max(DIFF_PAGE, min(request.args.get("shown", DIFF_PAGE, type=int), 100_000))
    shown -= shown % DIFF_PAGE  # a few cached pages, not one per number
    difference = browsing.difference(current_user, slug, a, b)  # computed once per pair

    old = browsing.VersionRef(difference.taxonomy, difference.old)
    new = browsing.VersionRef(difference.taxonomy, difference.new)
    table = cached_render(
        old,
        "taxonomy/_diff_table.html",
        (browsing.content_key(new), show, shown),
        lambda: {
            "difference": difference,
            "changes": difference.of_kind(show),
            "shown": shown,
            "page_size": DIFF_PAGE,
            "show": show,
            "kinds": [
                k for k in DIFF_KINDS if k in ALWAYS_SHOWN or difference.counts[k] or k == show
            ],
        },
    )
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
