"""What the live screens of a workshop show (the facilitator's console, a participant's
ballot panel, the projector): the current item as a tree diff, the rule in words, who has
cast, the tally once it may be shown, and the outcome."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Connection, Integer, Select, bindparam, select
from sqlalchemy.orm import contains_eager, joinedload

from ..consensus import Choice, Outcome, Rule, Tally
from ..models import (
    Agency,
    AgendaItem,
    Ballot,
    Proposal,
    Round,
    Seat,
    Workshop,
    as_utc,
    db,
    utcnow,
)
from ..models.base import BilingualName
from ..taxonomy import Change, Tree, apply
from . import proposals, voting, workshops
from .errors import NotFound
from .permissions import Actor, Permission, require


@dataclass
class Live:
    workshop: Workshop
    item: AgendaItem | None  # the item voted on now, or the last one decided
    round: Round | None
    proposal: Proposal | None
    cast: set[int] = field(default_factory=set)  # agencies that have cast
    ballots: dict[int, Ballot] = field(default_factory=dict)  # shown after close, if open vote
    outcome: Outcome | None = None
    rule: Rule = field(default_factory=Rule)
    tally: Tally | None = None  # while open, when the workshop shows results live
    seconds_left: int | None = None
    objections: list[Ballot] = field(default_factory=list)

    @functools.cached_property
    def _diff(self) -> tuple[list[Change], Tree | None, Tree | None]:
        """The item as a tree diff: read when a screen draws the item, which the live parts
        keep drawn for the round (web/live_parts.py), not on every ballot's revision."""
        if self.proposal is None:
            return [], None, None
        changes = proposals.changes_of(self.proposal)
        base = proposals.base_tree(self.proposal)
        return changes, base, apply(base, changes, base=base).tree

    @property
    def changes(self) -> list[Change]:
        return self._diff[0]

    @property
    def base(self) -> Tree | None:
        return self._diff[1]

    @property
    def result(self) -> Tree | None:
        return self._diff[2]

    @property
    def is_open(self) -> bool:
        return self.round is not None and self.round.closed_at is None

    @property
    def quorum(self) -> int:
        if self.round is None:
            return 0
        return self.rule.quorum(len(self.round.electorate), self.round.present)

    def rule_words(self, language: str) -> str:
        if self.round is None:
            seats = self.workshop.seats
            present = sum(1 for s in seats if s.attendance in voting.VOTERS)
            return self.rule.words(language, len(seats), present)
        return self.rule.words(
            language, len(self.round.electorate), self.round.present, self.round.structural
        )


@functools.cache
def _revision_query() -> Select[int, datetime | None, str]:
    """The poll's one query, built once (building a statement costs more than running it)."""
    due = (
        select(Round.closes_at)
        .join(AgendaItem)
        .where(
            AgendaItem.workshop_id == bindparam("workshop_id"),
            Round.closed_at.is_(None),
            Round.closes_at.is_not(None),
        )
        .limit(1)
        .scalar_subquery()
    )
    return select(Workshop.revision, due, Workshop.join_code).where(
        Workshop.id == bindparam("workshop_id")
    )


def revision(workshop_id: int) -> str:
    """What polling screens compare: one indexed read (with the countdown of an open round,
    which is closed first when it has run out, so that the revision moves on). The join
    code makes it unique to the workshop, whose id a new database may give another."""
    query = _revision_query()
    row = db.session.connection().execute(query, {"workshop_id": workshop_id}).one_or_none()
    if row is None:
        raise NotFound(str(_l("No such workshop.")))
    if row[1] is not None and as_utc(row[1]) <= utcnow():
        voting.close_due(workshop_id)
        return revision(workshop_id)
    return f"{row[2]}.{row[0]}"


@dataclass(frozen=True)
class Peeked:
    """A workshop's revision as `revision` gives it, and when its open round's countdown
    ends (None: no countdown)."""

    revision: str
    closes_at: datetime | None

    def current(self) -> str | None:
        """The revision, or None once the countdown has run out (the full request then
        closes the round, which moves the revision on)."""
        if self.closes_at is not None and as_utc(self.closes_at) <= utcnow():
            return None
        return self.revision


def peek(connection: Connection, workshop_id: int) -> Peeked | None:
    """The revision read on a bare connection (no session, no request): None for a
    workshop that does not exist (the full request then says so)."""
    row = connection.execute(_revision_query(), {"workshop_id": workshop_id}).one_or_none()
    return Peeked(f"{row[2]}.{row[0]}", row[1]) if row is not None else None


@dataclass(frozen=True)
class Mine:
    """The reader's agency's ballot in the workshop's open round (round_id None: no round
    is open): whether it has cast, and its choice."""

    round_id: int | None
    cast: bool
    choice: str | None

    @property
    def open(self) -> bool:
        return self.round_id is not None


@functools.cache
def _mine_query() -> Select[int, int | None, str | None]:
    """The open round and the agency's ballot in it, in one query (built once)."""
    return (
        select(Round.id, Ballot.id, Ballot.choice)
        .join(AgendaItem, Round.item_id == AgendaItem.id)
        .outerjoin(
            Ballot,
            (Ballot.round_id == Round.id)
            & (Ballot.agency_id == bindparam("agency_id", type_=Integer)),
        )
        .where(AgendaItem.workshop_id == bindparam("workshop_id"), Round.closed_at.is_(None))
        .order_by(Round.id.desc())
        .limit(1)
    )


def mine(actor: Actor, workshop_id: int) -> Mine:
    """The reader's agency's ballot in the current round (one indexed read: a hall's
    phones ask for it after every ballot)."""
    row = (
        db.session.connection()
        .execute(_mine_query(), {"workshop_id": workshop_id, "agency_id": actor.agency_id})
        .first()
    )
    if row is None:
        return Mine(None, False, None)
    return Mine(row[0], row[1] is not None, row[2])


def live(actor: Actor, workshop_id: int) -> Live:
    require(actor, Permission.VIEW_WORKSHOPS)
    workshop = workshops.get(workshop_id)
    current = voting.open_round_of(workshop.id) or _last_round(workshop)
    state = Live(workshop, None, current, None, rule=Rule.from_record(workshop.rule))
    if current is None:
        return state
    state.item = current.item
    state.proposal = current.item.proposal
    if current.closed_at is None and current.closes_at is not None:
        state.seconds_left = max(0, int((as_utc(current.closes_at) - utcnow()).total_seconds()))
    if current.outcome:
        ballots = list(
            db.session.scalars(
                select(Ballot)
                .where(Ballot.round_id == current.id)
                .options(joinedload(Ballot.agency))  # the objections name their agency
            )
        )
        state.cast = {b.agency_id for b in ballots}
        state.outcome = Outcome.from_record(current.outcome)
        if not workshop.secret:
            state.ballots = {b.agency_id: b for b in ballots}
            state.objections = [b for b in ballots if b.choice == Choice.REJECT.value]
        return state
    # While the round is open (every revision of a burst of ballots): plain rows.
    cast = db.session.execute(_cast_query(), {"round_id": current.id}).all()
    state.cast = {agency_id for agency_id, _choice in cast}
    if not workshop.results_hidden and not workshop.secret:
        state.tally = Tally.of(Choice(choice) for _agency_id, choice in cast if choice)
    return state


@functools.cache
def _cast_query() -> Select[int, str | None]:
    return select(Ballot.agency_id, Ballot.choice).where(
        Ballot.round_id == bindparam("round_id", type_=Integer)
    )


def _last_round(workshop: Workshop) -> Round | None:
    return db.session.scalar(
        select(Round)
        .join(AgendaItem)
        .where(AgendaItem.workshop_id == workshop.id)
        .order_by(Round.closed_at.desc(), Round.id.desc())
    )


def seats(workshop: Workshop) -> list[Seat]:
    """The electorate by agency code, the agencies loaded with them (one query: a lazy load
    per tile cost 53 queries on every render of a live screen)."""
    return list(
        db.session.scalars(
            select(Seat)
            .join(Agency, Agency.id == Seat.agency_id)
            .where(Seat.workshop_id == workshop.id)
            .options(contains_eager(Seat.agency))
            .order_by(Agency.code)
        )
    )


@dataclass(frozen=True)
class TileAgency:
    """What a projector's tile shows of an agency (read as plain rows on every revision of
    a burst, not as 106 ORM objects)."""

    code: str
    name_ar: str
    name_en: str

    name = BilingualName.name  # as the Agency it stands for names itself


@dataclass(frozen=True)
class Tile:
    agency_id: int
    agency: TileAgency


def tiles(workshop_id: int) -> list[Tile]:
    """The electorate by agency code, as the projector's tiles show it."""
    rows = db.session.execute(_tiles_query(), {"workshop_id": workshop_id})
    return [Tile(row[0], TileAgency(row[1], row[2], row[3])) for row in rows]


@functools.cache
def _tiles_query() -> Select[int, str, str, str]:
    return (
        select(Seat.agency_id, Agency.code, Agency.name_ar, Agency.name_en)
        .join(Agency, Agency.id == Seat.agency_id)
        .where(Seat.workshop_id == bindparam("workshop_id", type_=Integer))
        .order_by(Agency.code)
    )


def agenda_choices(workshop: Workshop) -> list[Proposal]:
    """Open proposals of the taxonomy not waiting on the agenda already."""
    waiting = {i.proposal_id for i in workshop.items if i.status == "waiting"}
    return [
        p
        for p in db.session.scalars(
            select(Proposal)
            .where(Proposal.taxonomy_id == workshop.taxonomy_id, Proposal.status == "open")
            .order_by(Proposal.id)
        )
        if p.id not in waiting
    ]
