"""A workshop's minutes: who was there, and for each agenda item every round with its
rule, tally, outcome, the objections and (in an open vote) each agency's ballot. The page,
the JSON and the consensus document all read them from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..consensus import Outcome, Rule
from ..models import AgendaItem, Ballot, Proposal, Round, Seat, Workshop, db, utc_iso
from . import voting_views, workshops
from .permissions import Actor, Permission, require


@dataclass(frozen=True)
class RoundMinutes:
    round: Round
    outcome: Outcome | None
    cast: int  # agencies that took part
    ballots: list[Ballot]  # who chose what: empty in a secret vote
    objections: list[str]  # the reasons given with a rejection (erased with a secret vote)

    def rule_words(self, rule: Rule, language: str) -> str:
        return rule.words(
            language, len(self.round.electorate), self.round.present, self.round.structural
        )


@dataclass(frozen=True)
class ItemMinutes:
    item: AgendaItem
    rounds: list[RoundMinutes]


@dataclass(frozen=True)
class Minutes:
    workshop: Workshop
    rule: Rule
    seats: list[Seat]
    items: list[ItemMinutes]

    @property
    def held_on(self) -> date:
        return self.workshop.held_on

    @property
    def present(self) -> list[Seat]:
        return [s for s in self.seats if s.attendance in ("present", "alternate")]

    def record(self) -> dict[str, Any]:
        """The minutes as JSON (the API and the consensus document's JSON)."""
        w = self.workshop
        return {
            "workshop": {
                "id": w.id,
                "title": {"ar": w.title_ar, "en": w.title_en},
                "held_on": w.held_on.isoformat(),
                "place": w.place,
                "status": w.status,
                "secret": w.secret,
                "rule": self.rule.record(),
            },
            "attendance": [
                {
                    "agency": s.agency.code,
                    "name": {"ar": s.agency.name_ar, "en": s.agency.name_en},
                    "attendance": s.attendance,
                    "alternate": s.alternate,
                }
                for s in self.seats
            ],
            "items": [_item_record(self.rule, i) for i in self.items],
        }


def _item_record(rule: Rule, item: ItemMinutes) -> dict[str, Any]:
    proposal = item.item.proposal
    return {
        "position": item.item.position,
        "status": item.item.status,
        "proposal": {
            "id": proposal.id,
            "title": proposal.title,
            "agency": proposal.agency.code if proposal.agency else None,
            "status": proposal.status,
        },
        "rounds": [
            {
                "number": r.round.number,
                "opened_at": utc_iso(r.round.opened_at),
                "closed_at": utc_iso(r.round.closed_at) if r.round.closed_at else None,
                "electorate": len(r.round.electorate),
                "present": r.round.present,
                "structural": r.round.structural,
                "reopened_because": r.round.note,
                "rule": {"ar": r.rule_words(rule, "ar"), "en": r.rule_words(rule, "en")},
                "cast": r.cast,
                "outcome": r.outcome.record() if r.outcome else None,
                "ballots": [
                    {"agency": b.agency.code, "choice": b.choice, "reason": b.reason}
                    for b in r.ballots
                ],
                "objections": r.objections,
            }
            for r in item.rounds
        ],
    }


def of(actor: Actor, workshop_id: int) -> Minutes:
    require(actor, Permission.VIEW_WORKSHOPS)
    return build(workshops.get(workshop_id))


def build(workshop: Workshop) -> Minutes:
    """The minutes of one workshop, read in the same few queries whatever its size."""
    agenda = list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.workshop_id == workshop.id)
            .order_by(AgendaItem.position)
            .options(
                selectinload(AgendaItem.rounds),
                joinedload(AgendaItem.proposal).joinedload(Proposal.agency),
            )
        )
    )
    ballots: dict[int, list[Ballot]] = {r.id: [] for item in agenda for r in item.rounds}
    if ballots:
        for ballot in db.session.scalars(
            select(Ballot)
            .where(Ballot.round_id.in_(list(ballots)))
            .options(joinedload(Ballot.agency))
            .order_by(Ballot.agency_id)
        ):
            ballots[ballot.round_id].append(ballot)
    items = [
        ItemMinutes(item, [_round(r, ballots[r.id], workshop.secret) for r in item.rounds])
        for item in agenda
    ]
    seats = voting_views.seats(workshop)
    return Minutes(workshop, Rule.from_record(workshop.rule), seats, items)


def _round(voting: Round, ballots: list[Ballot], secret: bool) -> RoundMinutes:
    decided = voting.closed_at is not None
    outcome = Outcome.from_record(voting.outcome) if voting.outcome else None
    return RoundMinutes(
        round=voting,
        outcome=outcome,
        cast=len(ballots),
        # While a round is open nobody's choice is shown; after close only in an open vote.
        ballots=sorted(ballots, key=lambda b: b.agency.code) if decided and not secret else [],
        objections=[b.reason for b in ballots if b.reason] if decided else [],
    )
