"""The records' part of the OpenAPI document: a workshop's minutes, and a version's
changelog, crosswalk and consensus document."""

from __future__ import annotations

from typing import Any

from .openapi_proposals import ERRORS, JSON, _ref

_VERSION_PARAMETERS = [
    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}},
    {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}},
]


def _get(
    operation: str, summary: str, schema: str, parameters: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A read operation answering one schema (a version's record unless told otherwise)."""
    return {
        "get": {
            "operationId": operation,
            "summary": summary,
            "parameters": parameters or _VERSION_PARAMETERS,
            "responses": {
                "200": {"description": summary, "content": {JSON: {"schema": _ref(schema)}}},
                **ERRORS,
            },
        }
    }


PATHS: dict[str, Any] = {
    "/api/v1/taxonomies/{slug}/versions/{number}/changelog": _get(
        "getChangelog",
        "What a version changed and why: the proposals it incorporates, the votes that "
        "approved them, the changes of each, and every change against the version before",
        "Changelog",
    ),
    "/api/v1/taxonomies/{slug}/versions/{number}/crosswalk": _get(
        "getCrosswalk",
        "Each retired id of the version, what replaces it and the active concept at the end "
        "of the chain (?format=csv for a CSV file)",
        "Crosswalk",
    ),
    "/api/v1/taxonomies/{slug}/versions/{number}/document": _get(
        "getConsensusDocument",
        "The consensus document: the changelog, the minutes of the workshops that voted, "
        "each proposal's history, the audit chain head and the resulting taxonomy",
        "ConsensusDocument",
    ),
    "/api/v1/workshops/{workshop_id}/minutes": _get(
        "getWorkshopMinutes",
        "A workshop's minutes: attendance, and every round of every agenda item with its "
        "rule, tally, outcome, objections and (in an open vote) the ballots",
        "Minutes",
        [
            {
                "name": "workshop_id",
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 1},
            }
        ],
    ),
}

_BILINGUAL = {
    "type": "object",
    "required": ["ar", "en"],
    "properties": {"ar": {"type": "string"}, "en": {"type": "string"}},
}
_ROUND = {
    "type": "object",
    "required": ["number", "opened_at", "closed_at", "electorate", "present", "cast", "outcome"],
    "properties": {
        "number": {"type": "integer"},
        "opened_at": {"type": "string", "format": "date-time"},
        "closed_at": {"type": ["string", "null"], "format": "date-time"},
        "electorate": {"type": "integer"},
        "present": {"type": "integer"},
        "structural": {"type": "boolean"},
        "reopened_because": {"type": "string"},
        "rule": _BILINGUAL,
        "cast": {"type": "integer"},
        "outcome": {"type": ["object", "null"]},
        "ballots": {
            "type": "array",
            "description": "Empty while the round is open, and always in a secret vote",
            "items": {
                "type": "object",
                "properties": {
                    "agency": {"type": "string"},
                    "choice": {"type": ["string", "null"]},
                    "reason": {"type": "string"},
                },
            },
        },
        "objections": {"type": "array", "items": {"type": "string"}},
    },
}
_CHANGELOG = {
    "type": "object",
    "required": ["taxonomy", "version", "proposals", "changes"],
    "properties": {
        "taxonomy": {"type": "string"},
        "version": {
            "type": "object",
            "required": ["number", "published_at", "based_on", "audit_head", "proposals"],
            "properties": {
                "number": {"type": "integer"},
                "published_at": {"type": "string", "format": "date-time"},
                "based_on": {"type": ["integer", "null"]},
                "note": {"type": "string"},
                "audit_head": {"type": "string"},
                "proposals": {"type": "array", "items": {"type": "integer"}},
                "counts": {"type": "object"},
            },
        },
        "proposals": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "title", "decision", "changes"],
                "properties": {
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "agency": {"type": ["string", "null"]},
                    "decision": {"type": ["object", "null"]},
                    "changes": {"type": "array", "items": {"type": "object"}},
                },
            },
        },
        "changes": {"type": "array", "items": {"type": "object"}},
    },
}
SCHEMAS: dict[str, Any] = {
    "Changelog": _CHANGELOG,
    "Crosswalk": {
        "type": "object",
        "required": ["taxonomy", "version", "crosswalk"],
        "properties": {
            "taxonomy": {"type": "string"},
            "version": {"type": "integer"},
            "crosswalk": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["old", "replaced_by", "final", "retired_in_this_version"],
                    "properties": {
                        "old": {"type": "string"},
                        "labels": {"type": "object"},
                        "replaced_by": {"type": ["string", "null"]},
                        "final": {"type": ["string", "null"]},
                        "retired_in_this_version": {"type": "boolean"},
                    },
                },
            },
        },
    },
    "ConsensusDocument": {
        "allOf": [
            _CHANGELOG,
            {
                "type": "object",
                "required": ["format", "workshops", "histories", "result"],
                "properties": {
                    "format": {"const": "workshop-consensus/1"},
                    "workshops": {"type": "array", "items": _ref("Minutes")},
                    "histories": {"type": "object"},
                    "result": {"$ref": "#/components/schemas/Export"},
                },
            },
        ]
    },
    "Minutes": {
        "type": "object",
        "required": ["workshop", "attendance", "items"],
        "properties": {
            "workshop": {
                "type": "object",
                "required": ["id", "title", "held_on", "status", "secret", "rule"],
                "properties": {
                    "id": {"type": "integer"},
                    "title": _BILINGUAL,
                    "held_on": {"type": "string", "format": "date"},
                    "place": {"type": "string"},
                    "status": {"type": "string"},
                    "secret": {"type": "boolean"},
                    "rule": {"type": "object"},
                },
            },
            "attendance": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["agency", "attendance"],
                    "properties": {
                        "agency": {"type": "string"},
                        "name": _BILINGUAL,
                        "attendance": {"type": "string"},
                        "alternate": {"type": "string"},
                    },
                },
            },
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["position", "status", "proposal", "rounds"],
                    "properties": {
                        "position": {"type": "integer"},
                        "status": {"type": "string"},
                        "proposal": {"type": "object"},
                        "rounds": {"type": "array", "items": _ROUND},
                    },
                },
            },
        },
    },
}
