"""The records' part of the OpenAPI document: a workshop's minutes."""

from __future__ import annotations

from typing import Any

from .openapi_proposals import ERRORS, JSON, _ref

PATHS: dict[str, Any] = {
    "/api/v1/workshops/{workshop_id}/minutes": {
        "get": {
            "operationId": "getWorkshopMinutes",
            "summary": "A workshop's minutes: attendance, and every round of every agenda item "
            "with its rule, tally, outcome, objections and (in an open vote) the ballots",
            "parameters": [
                {
                    "name": "workshop_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                }
            ],
            "responses": {
                "200": {
                    "description": "The minutes",
                    "content": {JSON: {"schema": _ref("Minutes")}},
                },
                **ERRORS,
            },
        }
    },
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
SCHEMAS: dict[str, Any] = {
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
