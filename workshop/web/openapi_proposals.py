"""The proposals' part of the OpenAPI document."""

from __future__ import annotations

from typing import Any

JSON = "application/json"
STATUSES = ["draft", "open", "voting", "approved", "rejected", "merged", "withdrawn", "superseded"]


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema or {"type": "string"},
        "description": description,
    }


ERRORS = {
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "404": {"$ref": "#/components/responses/NotFound"},
}

PATHS: dict[str, Any] = {
    "/api/v1/proposals": {
        "get": {
            "operationId": "listProposals",
            "summary": "Proposals (drafts are their agency's own), newest change first",
            "parameters": [
                _query("taxonomy", "A taxonomy's short name"),
                _query("status", "One status", {"type": "string", "enum": STATUSES}),
                _query("agency", "An agency's code"),
                _query("concept", "Only proposals that touch this concept (its id)"),
                _query("q", "Words of the title or rationale (Arabic spellings folded)"),
            ],
            "responses": {
                "200": {
                    "description": "The proposals and their counts by status",
                    "content": {JSON: {"schema": _ref("ProposalList")}},
                },
                **ERRORS,
            },
        }
    },
    "/api/v1/proposals/{proposal_id}": {
        "get": {
            "operationId": "getProposal",
            "summary": "One proposal with its changes and status history",
            "parameters": [
                {
                    "name": "proposal_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                }
            ],
            "responses": {
                "200": {
                    "description": "The proposal",
                    "content": {JSON: {"schema": _ref("Proposal")}},
                },
                **ERRORS,
            },
        }
    },
}

SUMMARY = {
    "type": "object",
    "required": ["id", "title", "status", "taxonomy", "base_version", "agency", "changes"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "status": {"type": "string", "enum": STATUSES},
        "taxonomy": {"type": "string"},
        "base_version": {"type": "integer"},
        "agency": {"type": ["string", "null"]},
        "changes": {"type": "integer"},
        "touches": {"type": "array", "items": {"type": "string"}},
        "superseded_by": {
            "type": ["integer", "null"],
            "description": "The proposal that took its place (status superseded)",
        },
        "updated_at": {"type": "string", "format": "date-time"},
    },
}

SCHEMAS: dict[str, Any] = {
    "ProposalSummary": SUMMARY,
    "ProposalList": {
        "type": "object",
        "required": ["proposals", "counts"],
        "properties": {
            "proposals": {"type": "array", "items": _ref("ProposalSummary")},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        },
    },
    "Proposal": {
        "allOf": [
            _ref("ProposalSummary"),
            {
                "type": "object",
                "required": ["rationale", "change_set", "history"],
                "properties": {
                    "rationale": {"type": "string"},
                    "author": {"type": ["string", "null"]},
                    "created_at": {"type": "string", "format": "date-time"},
                    "change_set": {
                        "type": "array",
                        "items": {"type": "object", "required": ["op", "id"]},
                        "description": "The engine's change operations (DESIGN.md section 5)",
                    },
                    "history": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["to", "at"],
                            "properties": {
                                "from": {"type": ["string", "null"]},
                                "to": {"type": "string", "enum": STATUSES},
                                "at": {"type": "string", "format": "date-time"},
                                "note": {"type": "string"},
                            },
                        },
                    },
                },
            },
        ]
    },
}
