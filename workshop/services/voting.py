"""Voting rounds: the facilitator opens one on an agenda item (its electorate frozen),
each agency casts one ballot (any of its representatives, as often as it likes until
close), the round closes (by the facilitator or its countdown) with the pure rules'
outcome frozen, and the proposal becomes approved or rejected.

One ballot per agency is the database's doing: a unique key on (round, agency) and an
upsert whose row is written only while the round is open, checked in the same statement.
On PostgreSQL a ballot also holds a share lock on its round, and closing takes the round's
row first: a ballot in flight when the round closes is either in the tally or refused,
never acknowledged and then left out. SQLite has one writer at a time, so the conditional
upsert is enough there."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from ..consensus import Choice, Mover, Outcome, Rule, Status, Tally, allowed, decide, structural
from ..models import (
    AgendaItem,
    Ballot,
    BallotEvent,
    Proposal,
    Round,
    as_utc,
    db,
    utcnow,
)
from . import audit, ballot_statements, proposals, workshops
from .errors import Closed, NotFound, PermissionDenied, ServiceError
from .permissions import SYSTEM, Actor, Permission
from .unit_of_work import use_case

MAX_REASON = 2_000
VOTERS = ("present", "alternate")


def get_round(round_id: int) -> Round:
    found = db.session.get(Round, round_id) if 0 < round_id < 2**31 else None
    if found is None:
        raise NotFound(str(_l("No such round.")))
    return found


def open_round_of(workshop_id: int) -> Round | None:
    """The workshop's round that is open now, if any."""
    return db.session.scalar(
        select(Round)
        .join(AgendaItem)
        .where(AgendaItem.workshop_id == workshop_id, Round.closed_at.is_(None))
        .order_by(Round.id.desc())
    )


@use_case(Permission.FACILITATE)
def open_round(actor: Actor, item_id: int, seconds: int | None = None, note: str = "") -> Round:
    """Open a vote on an agenda item: its electorate (the workshop's agencies) and how many
    are present are frozen now; the proposal goes to the vote."""
    item = db.session.get(AgendaItem, item_id) if 0 < item_id < 2**31 else None
    if item is None:
        raise NotFound(str(_l("No such agenda item.")))
    workshop = item.workshop
    if open_round_of(workshop.id) is not None:
        raise ServiceError(str(_l("Close the round that is open first.")))
    proposal = item.proposal
    if proposal.status != Status.VOTING.value:
        _move(actor, proposal, Status.VOTING, Mover.COORDINATOR)
    tree = proposals.base_tree(proposal)
    top = {c for c in tree.roots}
    electorate = [seat.agency_id for seat in workshop.seats]
    present = sum(1 for seat in workshop.seats if seat.attendance in VOTERS)
    now = utcnow()
    opened = Round(
        item=item,
        number=len(item.rounds) + 1,
        electorate=electorate,
        present=present,
        structural=structural(proposals.changes_of(proposal), top.__contains__),
        opened_at=now,
        closes_at=now + timedelta(seconds=seconds) if seconds else None,
        note=note.strip()[:2000],
    )
    db.session.add(opened)
    item.status = "voting"
    workshop.status = "live"
    db.session.flush()
    workshops.moved_on(workshop.id)
    audit.record(actor, "round.opened", f"workshop {workshop.id}", round=opened.id, item=item.id)
    return opened


@use_case(Permission.FACILITATE)
def reopen(actor: Actor, item_id: int, reason: str, seconds: int | None = None) -> Round:
    """Vote again on a decided item, in a new round (the earlier round and its outcome
    stay as they were); the reason is kept with the round and in the activity log."""
    item = db.session.get(AgendaItem, item_id) if 0 < item_id < 2**31 else None
    if item is None:
        raise NotFound(str(_l("No such agenda item.")))
    if item.status != "decided":
        raise ServiceError(str(_l("Only a decided item can be voted on again.")))
    if not reason.strip():
        raise ServiceError(str(_l("Say why the vote is reopened.")), "reason")
    proposal = item.proposal
    if proposal.status in (Status.APPROVED.value, Status.REJECTED.value):
        _move(actor, proposal, Status.VOTING, Mover.COORDINATOR, reason.strip())
    opened = open_round(actor, item_id, seconds, note=reason)
    audit.record(actor, "round.reopened", f"workshop {item.workshop_id}", item=item_id)
    return opened


@use_case(Permission.VOTE)
def cast(
    actor: Actor, round_id: int, choice: str, reason: str = "", workshop_id: int | None = None
) -> int:
    """The actor's agency's ballot in the round, cast or changed; its id. 409 (Closed)
    after close, or when the round is not the workshop's (`workshop_id`, as the panel
    showed it); 403 for an agency outside the electorate."""
    try:
        chosen = Choice(choice)
    except ValueError:
        raise ServiceError(str(_l("Choose approve, reject or abstain.")), "choice") from None
    reason = reason.strip()
    if chosen is Choice.REJECT and not reason:
        raise ServiceError(str(_l("A rejection is an objection: say why.")), "reason")
    if len(reason) > MAX_REASON:
        raise ServiceError(
            str(_l("A reason has at most %(count)d characters.", count=MAX_REASON)), "reason"
        )
    # A share lock on PostgreSQL (closing waits for this ballot); nothing on SQLite. The
    # workshop's id and secrecy come with it: a burst of 53 ballots passes one at a time
    # through SQLite's writer, so each statement saved is saved 53 times.
    found = (
        db.session.execute(ballot_statements.round_of_ballot(), {"round_id": round_id}).first()
        if 0 < round_id < 2**31
        else None
    )
    if found is None and workshop_id is not None:  # not the round the panel showed
        raise _too_late()
    if found is None:
        raise NotFound(str(_l("No such round.")))
    electorate, held_by, secret = found
    if workshop_id is not None and held_by != workshop_id:
        raise _too_late()
    if actor.agency_id is None or actor.agency_id not in electorate:
        raise PermissionDenied(str(_l("Your agency does not vote in this round.")))
    now = utcnow()
    values = {
        "round_id": round_id,
        "agency_id": actor.agency_id,
        "choice": chosen.value,
        "reason": reason if chosen is Choice.REJECT else "",
        "cast_by_id": actor.id,
        "cast_at": now,
    }
    connection = db.session.connection()
    # RETURNING says whether the row was written (the ORM's rowcount is -1 on PostgreSQL).
    # There, the ballot and its event are one statement: a round trip less for each ballot
    # of a burst. SQLite writes no rows inside a WITH clause.
    if connection.dialect.name == "postgresql":
        written = connection.execute(ballot_statements.ballot_with_event(), values).all()
    else:
        written = connection.execute(
            ballot_statements.ballot_upsert(connection.dialect.name), values
        ).all()
        if len(written) == 1:
            connection.execute(ballot_statements.ballot_event(), values)
    if len(written) != 1:
        raise _too_late()
    # What the audit log keeps of a choice: nothing in a secret vote. Chained now, with the
    # workshop's revision moved on in the same statement, and committed in the same query
    # string: on PostgreSQL both are locks held to the commit, which every ballot of a
    # burst passes through one at a time.
    audit.commit_chained(
        actor,
        "ballot.cast",
        f"round {round_id}",
        workshops.next_revision(),
        {"workshop_id": held_by},
        choice="secret" if secret else chosen.value,
    )
    return int(written[0][0])


def _too_late() -> Closed:
    return Closed(str(_l("The vote has closed: your ballot was not counted.")))


@use_case(Permission.FACILITATE)
def close(actor: Actor, round_id: int) -> Round:
    return _close(actor, round_id, Mover.COORDINATOR)


def close_due(workshop_id: int) -> None:
    """Close the workshop's open round if its countdown has run out (whoever looks first:
    the conditional update lets one do it)."""
    open_now = open_round_of(workshop_id)
    ends = open_now.closes_at if open_now is not None else None
    if open_now is not None and ends is not None and as_utc(ends) <= utcnow():
        _close_as_system(SYSTEM, open_now.id)


@use_case()
def _close_as_system(actor: Actor, round_id: int) -> Round:
    return _close(actor, round_id, Mover.SYSTEM)


def _close(actor: Actor, round_id: int, mover: Mover) -> Round:
    now = utcnow()
    closed = db.session.execute(
        update(Round)
        .where(Round.id == round_id, Round.closed_at.is_(None))
        .values(closed_at=now)
        .returning(Round.id)
    ).all()
    voting = get_round(round_id)
    db.session.refresh(voting)
    if not closed:
        return voting  # closed already (by the countdown or another click)
    workshop = voting.item.workshop
    ballots = list(db.session.scalars(select(Ballot).where(Ballot.round_id == round_id)))
    rule = Rule.from_record(workshop.rule)
    outcome = decide(
        rule,
        Tally.of(Choice(b.choice) for b in ballots if b.choice),
        len(voting.electorate),
        voting.present,
        voting.structural,
    )
    voting.outcome = outcome.record()
    voting.item.status = "decided"
    proposal = voting.item.proposal
    target = Status.APPROVED if outcome.passed else Status.REJECTED
    if proposal.status == Status.VOTING.value:
        # The outcome stays with the round, where each reader sees it in their language.
        _move(actor, proposal, target, mover)
    if workshop.secret:
        # The participation mark stays; who chose what is gone for good.
        for ballot in ballots:
            ballot.choice = None
            ballot.reason = ""
        db.session.execute(
            update(BallotEvent).where(BallotEvent.round_id == round_id).values(choice=None)
        )
    workshops.moved_on(workshop.id)
    audit.record(
        actor, "round.closed", f"workshop {workshop.id}", round=round_id, **outcome.record()
    )
    return voting


@use_case(Permission.FACILITATE)
def extend(actor: Actor, round_id: int, seconds: int) -> Round:
    voting = get_round(round_id)
    if voting.closed_at is not None:
        raise Closed(str(_l("The vote has closed.")))
    base = max(as_utc(voting.closes_at) if voting.closes_at else utcnow(), utcnow())
    voting.closes_at = base + timedelta(seconds=max(10, min(seconds, 3600)))
    workshops.moved_on(voting.item.workshop_id)
    audit.record(actor, "round.extended", f"round {round_id}", seconds=seconds)
    return voting


@use_case(Permission.FACILITATE)
def send_back(actor: Actor, item_id: int) -> AgendaItem:
    """Return the item's proposal for amendment, the objections of its last round
    attached; it may come back on the agenda and be voted on again."""
    item = db.session.get(AgendaItem, item_id) if 0 < item_id < 2**31 else None
    if item is None:
        raise NotFound(str(_l("No such agenda item.")))
    if any(r.closed_at is None for r in item.rounds):
        raise ServiceError(str(_l("Close the round that is open first.")))
    objections = []
    if item.rounds:
        last = item.rounds[-1]
        objections = [
            b.reason
            for b in db.session.scalars(select(Ballot).where(Ballot.round_id == last.id))
            if b.reason
        ]
    note = "\n".join(f"- {o}" for o in objections)
    proposal = item.proposal
    if proposal.status in (Status.VOTING.value, Status.REJECTED.value):
        _move(actor, proposal, Status.OPEN, Mover.COORDINATOR, note)
    item.status = "sent_back"
    workshops.moved_on(item.workshop_id)
    audit.record(actor, "workshop.sent_back", f"workshop {item.workshop_id}", item=item.id)
    return item


def _move(actor: Actor, proposal: Proposal, target: Status, mover: Mover, note: str = "") -> None:
    current = Status(proposal.status)
    if not allowed(current, target, mover):
        raise ServiceError(
            str(_l("The proposal cannot go from %(a)s to %(b)s.", a=current.value, b=target.value))
        )
    proposals.transition(actor, proposal, target, note)


def outcome_of(voting: Round) -> Outcome | None:
    return Outcome.from_record(voting.outcome) if voting.outcome else None
