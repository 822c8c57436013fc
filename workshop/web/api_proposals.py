"""The read API for proposals: the list with its filters, and one proposal with its
changes (the engine's JSON form, each with what its author saw) and status history."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request
from flask.typing import ResponseReturnValue

from ..services import proposal_views
from ..services.proposal_views import Filters
from .api import bp


def summary(proposal: Any) -> dict[str, Any]:
    return {
        "id": proposal.id,
        "title": proposal.title,
        "status": proposal.status,
        "taxonomy": proposal.taxonomy.slug,
        "base_version": proposal.base_number,
        "agency": proposal.agency.code if proposal.agency else None,
        "changes": proposal.change_count,
        "touches": list(proposal.touches or []),
        "superseded_by": proposal.superseded_by_id,
        "updated_at": _iso(proposal.updated_at),
    }


def _iso(moment: Any) -> str:
    from datetime import UTC

    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return str(aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))


@bp.get("/proposals")
def proposal_list() -> ResponseReturnValue:
    args = request.args
    filters = Filters(
        slug=args.get("taxonomy", ""),
        status=args.get("status", ""),
        agency=args.get("agency", ""),
        concept=args.get("concept", ""),
        text=args.get("q", "")[:200],
    )
    found = proposal_views.listing(g.actor, filters)
    return jsonify(
        {"proposals": [summary(p) for p in found.proposals], "counts": dict(found.counts)}
    )


@bp.get("/proposals/<int:proposal_id>")
def proposal_detail(proposal_id: int) -> ResponseReturnValue:
    proposal = proposal_views.view(g.actor, proposal_id).proposal
    return jsonify(
        {
            **summary(proposal),
            "rationale": proposal.rationale,
            "author": proposal.author.display_name if proposal.author else None,
            "created_at": _iso(proposal.created_at),
            "change_set": list(proposal.changes),
            "history": [
                {
                    "from": e.from_status,
                    "to": e.to_status,
                    "at": _iso(e.at),
                    "note": e.note,
                }
                for e in proposal.events
            ],
        }
    )
