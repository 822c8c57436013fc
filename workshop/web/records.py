"""A version's records: its changelog, its crosswalk (page, CSV and JSON) and its
consensus document (a printable page, and JSON), under /taxonomies and /api/v1."""

from __future__ import annotations

from flask import Blueprint, Response, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from ..caching import BoundedCache
from ..services import records
from ..taxonomy import Tree
from .api import bp as api_bp
from .forms import EmptyForm

bp = Blueprint("records", __name__, url_prefix="/taxonomies")
OUTLINES: BoundedCache[str] = BoundedCache(8)


@bp.get("/<slug>/versions/<int:number>/changelog")
@login_required
def changelog(slug: str, number: int) -> ResponseReturnValue:
    log = records.changelog(current_user, slug, number)
    return render_template("taxonomy/changelog.html", log=log, csrf_form=EmptyForm(formdata=None))


@bp.get("/<slug>/versions/<int:number>/crosswalk")
@login_required
def crosswalk(slug: str, number: int) -> ResponseReturnValue:
    log, redirects = records.crosswalk(current_user, slug, number)
    if request.args.get("format") == "csv":
        return _csv(slug, number, redirects)
    return render_template("taxonomy/crosswalk.html", log=log, redirects=redirects)


@bp.get("/<slug>/versions/<int:number>/document")
@login_required
def document(slug: str, number: int) -> ResponseReturnValue:
    found = records.document(current_user, slug, number)
    language = str(get_locale() or "en")
    v = found.changelog.version
    key = (slug, v.number, v.content_hash, v.published_at_iso, language)
    outline = OUTLINES.get_or_make(key, lambda: outline_html(found.tree, language))
    return render_template("taxonomy/document.html", doc=found, outline=Markup(outline))


def outline_html(tree: Tree, language: str) -> str:
    """The active tree as nested lists, built without recursion (a chain 5,000 deep) and
    without a template call per concept (100,000 concepts)."""
    parts: list[str] = ['<ul class="outline">']
    stack: list[tuple[tuple[str, ...], int]] = [(tree.roots, 0)]
    while stack:
        ids, at = stack[-1]
        if at == len(ids):
            stack.pop()
            parts.append("</ul></li>" if stack else "</ul>")
            continue
        stack[-1] = (ids, at + 1)
        concept = tree[ids[at]]
        parts.append(
            f'<li><bdi>{escape(concept.label(language))}</bdi> <code dir="ltr" translate="no">'
            f"{escape(concept.id)}</code>"
        )
        children = tree.children_of(concept.id)
        if children:
            parts.append("<ul>")
            stack.append((children, 0))
        else:
            parts.append("</li>")
    return "".join(parts)


def _csv(slug: str, number: int, redirects: list[records.Redirect]) -> Response:
    response = Response(records.crosswalk_csv(redirects), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{slug}-v{number}-crosswalk.csv"'
    )
    return response


@api_bp.get("/taxonomies/<slug>/versions/<int:number>/changelog")
def changelog_json(slug: str, number: int) -> ResponseReturnValue:
    return jsonify(records.changelog(g.actor, slug, number).record())


@api_bp.get("/taxonomies/<slug>/versions/<int:number>/crosswalk")
def crosswalk_json(slug: str, number: int) -> ResponseReturnValue:
    _log, redirects = records.crosswalk(g.actor, slug, number)
    if request.args.get("format") == "csv":
        return _csv(slug, number, redirects)
    return jsonify(
        {"taxonomy": slug, "version": number, "crosswalk": [r.record() for r in redirects]}
    )


@api_bp.get("/taxonomies/<slug>/versions/<int:number>/document")
def document_json(slug: str, number: int) -> ResponseReturnValue:
    return jsonify(records.document_record(g.actor, slug, number))
