"""Browsing taxonomies: versions, the tree level by level, search, concepts, diffs, exports."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup

from ..services import browsing, differences, formats, opened_tree, proposal_views, taxonomies
from ..services.comments import ConceptRef
from ..services.permissions import Actor
from .comments import discussion_context
from .downloads import file_response
from .htmx import cached_fragment, fragment_response, render, wants_fragment
from .readers import reader, reader_required

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
@reader_required
def children(slug: str, ref: str) -> ResponseReturnValue:
    """One level below `parent`, as tree items (the whole browser for a normal request)."""
    parent = request.args.get("parent") or None
    level = max(1, min(request.args.get("level", 2, type=int), 50))
    offset = request.args.get("offset", 0, type=int)
    actor = reader()
    if wants_fragment():  # what the tree asks for as it opens: the same for every reader
        return cached_fragment(
            actor,
            slug,
            ref,
            "taxonomy/_tree_level.html",
            (parent, offset, level),
            lambda at: {
                "version_ref": at,
                "listing": browsing.children(actor, slug, at.version.number, parent, offset),
                "level": level,
            },
        )
    listing = browsing.children(actor, slug, ref, parent, offset)
    return render(
        "taxonomy/browse.html",
        "taxonomy/_tree_level.html",
        version_ref=listing.at,
        listing=listing,
        level=level,
    )


@bp.get("/<slug>/v/<ref>/concepts/<path:concept_id>")
@reader_required
def concept(slug: str, ref: str, concept_id: str) -> ResponseReturnValue:
    """A concept: labels, notes, path, children, replacement and history."""
    offset = request.args.get("offset", 0, type=int)
    if wants_fragment():
        actor = reader()
        return cached_fragment(
            actor,
            slug,
            ref,
            "taxonomy/_concept.html",
            (concept_id, offset),
            lambda at: {
                "view": browsing.concept(actor, slug, at.version.number, concept_id, offset),
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
@reader_required
def search(slug: str, ref: str) -> ResponseReturnValue:
    """Concepts whose Arabic or English labels contain the query, with their paths."""
    query = request.args.get("q", "")[:200]
    actor = reader()
    if wants_fragment():  # as people type: the same query often comes again
        return cached_fragment(
            actor,
            slug,
            ref,
            "taxonomy/_search_results.html",
            (query,),  # as typed: the results repeat it
            lambda at: {
                "version_ref": at,
                "found": browsing.search(actor, slug, at.version.number, query)[1],
                "query": query,
            },
        )
    at, found = browsing.search(actor, slug, ref, query)
    return render(
        "taxonomy/search.html",
        "taxonomy/_search_results.html",
        version_ref=at,
        found=found,
        query=query,
    )


@bp.get("/<slug>/diff")
@reader_required
def diff(slug: str) -> ResponseReturnValue:
    """What changed between two versions, counted and filterable by kind."""
    a, b = request.args.get("a", ""), request.args.get("b", "")
    actor = reader()
    show = request.args.get("show", "")
    show = show if show in DIFF_KINDS else ""
    shown = max(DIFF_PAGE, min(request.args.get("shown", DIFF_PAGE, type=int), 100_000))
    shown -= shown % DIFF_PAGE  # a few cached pages, not one per number
    if a.isdigit() and b.isdigit() and wants_fragment():  # a cached table: one query each
        return fragment_response(_diff_table(actor, slug, a, b, show, shown))
    _taxonomy, found = taxonomies.list_versions(actor, slug)
    if not found:
        abort(404)
    newest = found[0].number
    b = b or str(newest)
    a = a or str(max(1, int(b) - 1 if b.isdigit() else newest - 1))
    difference = differences.difference(actor, slug, a, b)  # computed once per pair
    table = _diff_table(
        actor, slug, str(difference.old.number), str(difference.new.number), show, shown
    )
    if wants_fragment():
        return fragment_response(table)
    return render_template(
        "taxonomy/diff.html", difference=difference, table=Markup(table.html), versions=found
    )


def _diff_table(
    actor: Actor, slug: str, a: str, b: str, show: str, shown: int
) -> browsing.Fragment:
    """The diff's table of changes from a to b of one kind (or all), `shown` rows at first."""
    template = "taxonomy/_diff_table.html"
    old, new = browsing.key_of(actor, slug, a), browsing.key_of(actor, slug, b)
    key = (template, browsing.key_content(old), browsing.key_content(new), show, shown)

    def draw() -> str:
        difference = differences.difference(actor, slug, old.number, new.number)
        return render_template(
            template,
            difference=difference,
            changes=difference.of_kind(show),
            shown=shown,
            page_size=DIFF_PAGE,
            show=show,
            kinds=[k for k in DIFF_KINDS if k in ALWAYS_SHOWN or difference.counts[k] or k == show],
        )

    return browsing.rendered((*key, str(get_locale())), draw)


@bp.get("/<slug>/v/<ref>/export.<fmt>")
@login_required
def export(slug: str, ref: str, fmt: str) -> ResponseReturnValue:
    """Download a version in one of the file formats."""
    if fmt not in formats.FORMATS:
        abort(404)
    at, made = browsing.export(current_user, slug, ref, fmt)
    return file_response(at, made, fmt, "attachment").make_conditional(request)
