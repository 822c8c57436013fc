"""The votes that decided proposals: for each, its last closed round, with the workshop and
the outcome (the tally). The merge, the changelog and the consensus document cite them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..consensus import Outcome
from ..models import AgendaItem, Round, Workshop, db


@dataclass(frozen=True)
class Decision:
    workshop: Workshop
    round: Round
    outcome: Outcome

    def record(self) -> dict[str, object]:
        return {
            "workshop": self.workshop.id,
            "held_on": self.workshop.held_on.isoformat(),
            "round": self.round.number,
            **self.outcome.record(),
        }


def all_for(proposal_id: int) -> list[Decision]:
    """Every closed round on the proposal, oldest first (a vote may be held again)."""
    rounds = db.session.scalars(
        select(Round)
        .join(AgendaItem)
        .where(AgendaItem.proposal_id == proposal_id, Round.outcome.is_not(None))
        .options(joinedload(Round.item).joinedload(AgendaItem.workshop))
        .order_by(Round.closed_at, Round.id)
    )
    return [
        Decision(r.item.workshop, r, Outcome.from_record(r.outcome))
        for r in rounds
        if r.outcome is not None
    ]


def last_decisions(proposal_ids: Sequence[int]) -> dict[int, Decision]:
    if not proposal_ids:
        return {}
    rounds = db.session.scalars(
        select(Round)
        .join(AgendaItem)
        .where(AgendaItem.proposal_id.in_(list(proposal_ids)), Round.outcome.is_not(None))
        .options(joinedload(Round.item).joinedload(AgendaItem.workshop))
        .order_by(Round.closed_at, Round.id)
    )
    found: dict[int, Decision] = {}
    for voting in rounds:
        assert voting.outcome is not None
        found[voting.item.proposal_id] = Decision(
            voting.item.workshop, voting, Outcome.from_record(voting.outcome)
        )
    return found
