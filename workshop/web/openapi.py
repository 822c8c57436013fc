"""The OpenAPI 3.1 document of the read API (served at /api/v1/openapi.json)."""

from __future__ import annotations

import json
from typing import Any

from ..taxonomy.formats import export_schema

JSON = "application/json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "404": {"$ref": "#/components/responses/NotFound"},
}
SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "Short name of the taxonomy, e.g. gov-services.",
}


def _version_param(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^([0-9]+|latest)$"},
        "description": "A version number, or latest.",
    }


def document() -> dict[str, Any]:
    """The whole document: versions, then proposals and the records of workshops."""
    from . import openapi_proposals, openapi_records

    found = _versions_document()
    for part in (openapi_proposals, openapi_records):
        found["paths"].update(part.PATHS)
        found["components"]["schemas"].update(part.SCHEMAS)
    return found


def _versions_document() -> dict[str, Any]:
    texts = {"type": "object", "additionalProperties": {"type": "string"}}
    # The export schema refers to "#/$defs/x"; here those live under components/schemas.
    export = json.loads(json.dumps(export_schema()).replace('"#/$defs/', '"#/components/schemas/'))
    defs = dict(export.get("$defs", {}))
    export_body = {k: v for k, v in export.items() if k not in ("$defs", "$schema", "$id")}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Taxonomy workshop read API",
            "version": "1",
            "description": "Published versions of the taxonomies agreed in the workshops. "
            "Published versions never change: responses carry a strong ETag.",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/api/v1/taxonomies": {
                "get": {
                    "operationId": "listTaxonomies",
                    "summary": "Taxonomies with their latest version",
                    "responses": {
                        "200": _json(
                            {"type": "array", "items": _ref("Taxonomy")}, "The taxonomies"
                        ),
                        "401": ERRORS["401"],
                    },
                }
            },
            "/api/v1/taxonomies/{slug}/versions": {
                "get": {
                    "operationId": "listVersions",
                    "summary": "Published versions, newest first",
                    "parameters": [SLUG],
                    "responses": {"200": _json(_ref("VersionList"), "The versions"), **ERRORS},
                }
            },
            "/api/v1/taxonomies/{slug}/versions/{version}": {
                "get": {
                    "operationId": "getVersion",
                    "summary": "One published version, as a file",
                    "parameters": [
                        SLUG,
                        _version_param("version"),
                        {
                            "name": "format",
                            "in": "query",
                            "required": False,
                            "schema": {
                                "type": "string",
                                "enum": ["json", "csv", "xlsx", "skos"],
                                "default": "json",
                            },
                        },
                        {
                            "name": "If-None-Match",
                            "in": "header",
                            "required": False,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The version (JSON: format workshop-taxonomy/1)",
                            "headers": {"ETag": {"schema": {"type": "string"}}},
                            "content": {
                                JSON: {"schema": _ref("Export")},
                                "text/csv": {"schema": {"type": "string"}},
                                "text/turtle": {"schema": {"type": "string"}},
                                XLSX: {"schema": {"type": "string", "contentEncoding": "binary"}},
                            },
                        },
                        "304": {"description": "Not modified (If-None-Match matched)"},
                        "400": {"$ref": "#/components/responses/BadRequest"},
                        **ERRORS,
                    },
                }
            },
            "/api/v1/taxonomies/{slug}/versions/{a}/diff/{b}": {
                "get": {
                    "operationId": "diffVersions",
                    "summary": "The changes that turn version a into version b",
                    "parameters": [SLUG, _version_param("a"), _version_param("b")],
                    "responses": {"200": _json(_ref("Diff"), "The changes"), **ERRORS},
                }
            },
            "/api/v1/taxonomies/{slug}/concepts/{id}": {
                "get": {
                    "operationId": "getConcept",
                    "summary": "One concept at a version, with its history",
                    "parameters": [
                        SLUG,
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "version",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "pattern": "^([0-9]+|latest)$"},
                        },
                        {
                            "name": "offset",
                            "in": "query",
                            "required": False,
                            "description": "The first child listed (children come a page "
                            "at a time; children_total says how many there are).",
                            "schema": {"type": "integer", "minimum": 0, "default": 0},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": 1000,
                                "default": 200,
                            },
                        },
                    ],
                    "responses": {"200": _json(_ref("Concept"), "The concept"), **ERRORS},
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token a coordinator created (wst_...).",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "responses": {
                "Unauthorized": _json(_ref("Error"), "No valid session or token"),
                "NotFound": _json(_ref("Error"), "No such taxonomy, version or concept"),
                "BadRequest": _json(_ref("Error"), "A parameter is not valid"),
            },
            "schemas": {
                **defs,
                "Export": export_body,
                "Error": {
                    "type": "object",
                    "required": ["error", "message", "status"],
                    "properties": {
                        "error": {"type": "string"},
                        "message": {"type": "string"},
                        "status": {"type": "integer"},
                    },
                },
                "Taxonomy": {
                    "type": "object",
                    "required": ["slug", "name", "latest_version"],
                    "properties": {
                        "slug": {"type": "string"},
                        "name": texts,
                        "latest_version": {"type": ["integer", "null"]},
                    },
                },
                "Version": {
                    "type": "object",
                    "required": ["number", "published_at", "concepts", "changes"],
                    "properties": {
                        "number": {"type": "integer"},
                        "based_on": {"type": ["integer", "null"]},
                        "published_at": {"type": "string"},
                        "note": {"type": "string"},
                        "proposals": {"type": "array"},
                        "concepts": {"type": "integer"},
                        "retired_concepts": {"type": "integer"},
                        "changes": {"type": "object", "additionalProperties": {"type": "integer"}},
                    },
                },
                "VersionList": {
                    "type": "object",
                    "required": ["taxonomy", "versions"],
                    "properties": {
                        "taxonomy": {"type": "string"},
                        "versions": {"type": "array", "items": _ref("Version")},
                    },
                },
                "Diff": {
                    "type": "object",
                    "required": ["from", "to", "counts", "changes"],
                    "properties": {
                        "taxonomy": {"type": "string"},
                        "from": {"type": "integer"},
                        "to": {"type": "integer"},
                        "counts": {"type": "object"},
                        "changes": {
                            "type": "array",
                            "items": {"type": "object", "required": ["op", "id"]},
                        },
                    },
                },
                "Concept": {
                    "type": "object",
                    "required": ["id", "version", "labels", "status", "history"],
                    "properties": {
                        "id": {"type": "string"},
                        "version": {"type": "integer"},
                        "labels": texts,
                        "notes": texts,
                        "status": {"enum": ["active", "retired"]},
                        "parent": {"type": ["string", "null"]},
                        "position": {"type": ["integer", "null"]},
                        "path": {"type": "array"},
                        "children": {"type": "array", "items": {"type": "string"}},
                        "children_total": {"type": "integer"},
                        "children_offset": {"type": "integer"},
                        "history": {"type": "array"},
                    },
                },
            },
        },
    }
