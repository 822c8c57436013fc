"""The read API, /api/v1: published versions as JSON (and CSV, XLSX, SKOS) for consumers."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, g, jsonify, make_response, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import csrf
from ..services import browsing, differences, formats, taxonomies, tokens
from ..services.permissions import API_READER
from ..services.versions import Version
from ..taxonomy import to_json
from .downloads import etag_matches, file_response
from .errors import TITLES
from .openapi import document

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # read-only, and token clients carry no session


@bp.before_request
def authenticate() -> ResponseReturnValue | None:
    """A signed-in session, a bearer token, or (when configured) anyone."""
    if request.endpoint == "api.openapi":
        return None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        if tokens.authenticate(header[7:].strip()):
            g.actor = API_READER
            return None
        return problem(401, str(_l("The token is unknown or revoked.")))
    if current_user.is_authenticated:
        g.actor = current_user._get_current_object()
        return None
    if current_app.config["PUBLIC_VERSIONS"]:
        g.actor = API_READER
        return None
    return problem(401, str(_l("Sign in, or send a bearer token.")))


def problem(status: int, message: str) -> Response:
    response = jsonify({"error": str(TITLES[status]), "message": message, "status": status})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="workshop"'
    return response


def version_json(version: Version) -> dict[str, object]:
    return {
        "number": version.number,
        "based_on": version.parent_number,
        "published_at": version.published_at_iso,
        "note": version.note,
        "proposals": version.proposal_ids,
        "concepts": version.concept_count,
        "retired_concepts": version.retired_count,
        "changes": {
            "added": version.added,
            "relabelled": version.relabelled,
            "moved": version.moved,
            "retired": version.retired,
            "annotated": version.annotated,
            "reinstated": version.reinstated,
        },
    }


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    return jsonify(document())


@bp.get("/taxonomies")
def taxonomy_list() -> ResponseReturnValue:
    return jsonify(
        [
            {
                "slug": t.slug,
                "name": {"ar": t.name_ar, "en": t.name_en},
                "latest_version": latest.number if latest else None,
            }
            for t, latest in taxonomies.list_taxonomies(g.actor)
        ]
    )


@bp.get("/taxonomies/<slug>/versions")
def version_list(slug: str) -> ResponseReturnValue:
    taxonomy, versions = taxonomies.list_versions(g.actor, slug)
    return jsonify({"taxonomy": taxonomy.slug, "versions": [version_json(v) for v in versions]})


@bp.get("/taxonomies/<slug>/versions/<ref>")
def version(slug: str, ref: str) -> ResponseReturnValue:
    """The version in the export format; strong ETag, 304 on If-None-Match."""
    fmt = request.args.get("format", "json")
    if fmt not in formats.FORMATS:
        return problem(
            400, str(_l("Unknown format %(format)s (use json, csv, xlsx or skos).", format=fmt))
        )
    found = browsing.key_of(g.actor, slug, ref)
    tag = browsing.etag(found, fmt)
    if etag_matches(request.if_none_match, tag):
        response = make_response("", 304)
        response.set_etag(tag)
    else:
        at, made = browsing.export(g.actor, slug, found.number, fmt)
        response = file_response(at, made, fmt, "inline")
    response.headers["Cache-Control"] = version_cache_control(current_app)
    return response


def version_cache_control(app: Flask) -> str:
    """Any cache may keep a version, but asks each time whether it is still current (a
    tag, "latest", names another version after a publish); a shared one only when versions
    are public."""
    return "public, no-cache" if app.config["PUBLIC_VERSIONS"] else "private, no-cache"


@bp.get("/taxonomies/<slug>/versions/<a>/diff/<b>")
def version_diff(slug: str, a: str, b: str) -> ResponseReturnValue:
    difference = differences.difference(g.actor, slug, a, b)
    return jsonify(
        {
            "taxonomy": slug,
            "from": difference.old.number,
            "to": difference.new.number,
            "counts": dict(difference.counts),
            "changes": [to_json(c) for c in difference.changes],
        }
    )


@bp.get("/taxonomies/<slug>/concepts/<path:concept_id>")
def concept(slug: str, concept_id: str) -> ResponseReturnValue:
    view = browsing.concept(
        g.actor,
        slug,
        request.args.get("version", "latest"),
        concept_id,
        request.args.get("offset", 0, type=int),
        request.args.get("limit", browsing.PAGE, type=int),
    )
    row = view.row
    return jsonify(
        {
            "id": row.concept_id,
            "version": view.at.version.number,
            "labels": row.labels,
            "notes": row.notes,
            "alt_labels": row.alt_labels,
            "status": row.status,
            "parent": row.parent,
            "position": browsing.position(view),
            "replaced_by": row.replaced_by,
            "related": row.related,
            # hidden_labels, notations, mappings, other_notes, iri: where the concept has them
            **row.details,
            "path": [p.concept_id for p in view.path],
            "children": [n.id for n in view.children.nodes],
            "children_total": view.children.total,
            "children_offset": view.children.offset,
            "history": [
                {
                    "from_version": r.row.valid_from,
                    "to_version": r.last_version,
                    "labels": r.row.labels,
                    "notes": r.row.notes,
                    "parent": r.row.parent,
                    "status": r.row.status,
                    "replaced_by": r.row.replaced_by,
                }
                for r in view.history
            ],
        }
    )
