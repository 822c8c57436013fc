"""The statements of a ballot, built once: the round it is cast in (with a share lock on
PostgreSQL), the agency's ballot as an upsert written only while the round is open, and
the cast's event. services/voting.cast runs them."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Select, bindparam, exists, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..models import AgendaItem, Ballot, BallotEvent, Round, Workshop

BALLOT_COLUMNS = ("round_id", "agency_id", "choice", "reason", "cast_by_id", "cast_at")


@functools.cache
def round_of_ballot() -> Select[list[int], int, bool]:
    """The round's electorate, workshop and secrecy (built once)."""
    return (
        select(Round.electorate, AgendaItem.workshop_id, Workshop.secret)
        .join(AgendaItem, Round.item_id == AgendaItem.id)
        .join(Workshop, AgendaItem.workshop_id == Workshop.id)
        .where(Round.id == bindparam("round_id"))
        .with_for_update(read=True, of=Round)
    )


# The event of a cast takes the ballot's own values: who cast it, when, and what.
_EVENT_FROM_BALLOT = {
    "round_id": "round_id",
    "agency_id": "agency_id",
    "user_id": "cast_by_id",
    "choice": "choice",
    "at": "cast_at",
}


def _event_fields() -> list[Any]:
    table = BallotEvent.__table__.c
    return [bindparam(v, type_=table[k].type) for k, v in _EVENT_FROM_BALLOT.items()]


@functools.cache
def ballot_event() -> Any:
    """The cast kept with who and when (built once)."""
    return BallotEvent.__table__.insert().from_select(
        list(_EVENT_FROM_BALLOT), select(*_event_fields())
    )


@functools.cache
def ballot_with_event() -> Any:
    """PostgreSQL: the ballot's upsert and, for the row it wrote (none once the round has
    closed), the cast's event, in one statement that returns the ballot's id."""
    written = ballot_upsert("postgresql").cte("written")
    event = (
        BallotEvent.__table__.insert()
        .from_select(list(_EVENT_FROM_BALLOT), select(*_event_fields()).select_from(written))
        .cte("event")
    )
    return select(written.c.id).add_cte(event)


@functools.cache
def ballot_upsert(dialect: str) -> Any:
    """The agency's ballot, written only while the round is open, in one statement: a
    unique key on (round, agency) and ON CONFLICT make it one row per agency, however many
    representatives press at once (built once per dialect)."""
    table = Ballot.__table__.c
    fields = [bindparam(name, type_=table[name].type) for name in BALLOT_COLUMNS]
    still_open = exists().where(
        Round.id == bindparam("round_id"),
        Round.closed_at.is_(None),
        (Round.closes_at.is_(None)) | (Round.closes_at > bindparam("cast_at")),
    )
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Ballot).from_select(list(BALLOT_COLUMNS), select(*fields).where(still_open))
    statement = statement.on_conflict_do_update(
        index_elements=["round_id", "agency_id"],
        set_={k: statement.excluded[k] for k in ("choice", "reason", "cast_by_id", "cast_at")},
    )
    return statement.returning(Ballot.id)
