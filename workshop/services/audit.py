"""The audit log: every state change is written in the same transaction as the change, and
chained to the entry before it when that transaction commits (consensus.chain)."""

from __future__ import annotations

import functools
import json
import typing
from collections.abc import Generator
from typing import Any

import orjson
import psycopg
from sqlalchemy import LargeBinary, Text, bindparam, cast, event, func, literal, select, text
from sqlalchemy.orm import Session

from ..consensus import GENESIS, Link, Verdict, digest, middle, verify
from ..models import AuditEntry, Version, db, utcnow
from ..taxonomy import paused_gc
from .permissions import Actor
from .unit_of_work import committed_early, mark_audited, outermost

PENDING = "workshop.audit.pending"  # entries of this transaction not chained yet
CHAIN_LOCK = 0x6175_6469_74  # PostgreSQL advisory lock: one transaction chains at a time


def record(actor: Actor | None, action: str, target: str = "", **details: Any) -> None:
    """Add an audit entry to the current unit of work (which commits it with the change)."""
    session = db.session()
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,  # None for the command line
        agency_id=actor.agency_id if actor is not None else None,
        action=action,
        target=target,
        details=_as_stored(details),
    )
    session.add(entry)
    session.info.setdefault(PENDING, []).append(entry)
    mark_audited()


def _as_stored(details: dict[str, Any]) -> Any:
    """The details as the JSON column gives them back, so that the hash reads the same later."""
    return json.loads(json.dumps(details, default=str))


def commit_chained(
    actor: Actor | None,
    action: str,
    target: str,
    along: Any,
    along_values: dict[str, Any],
    **details: Any,
) -> None:
    """`record` and `seal` for a use case's one entry, as its last step, with `along` (an
    UPDATE that belongs at the same moment) run last. On PostgreSQL, after the chain lock,
    one statement reads the head, hashes and inserts the entry and runs `along`; in the
    outermost unit of work the COMMIT follows in the same query string. Every transaction
    that chains waits for that lock, so a burst of 53 ballots passes it one at a time: the
    server releases it the moment the entry is durable, not a round trip and a wait for the
    process's interpreter lock later. Nothing may follow it in the unit (the unit of work
    refuses to end otherwise); inside a larger unit, that unit commits as usual."""
    session = db.session()
    if session.get_bind().dialect.name != "postgresql" or session.info.get(PENDING):
        record(actor, action, target, **details)
        seal(session)
        session.connection().execute(along, along_values)
        return
    commit = outermost()
    if commit:
        session.flush()  # what the ORM holds goes into the same commit
    values = {
        "at": utcnow(),
        "actor_id": actor.id if actor is not None else None,
        "agency_id": actor.agency_id if actor is not None else None,
        "action": action,
        "target": target,
        "details": _as_stored(details),
        "note": "",
    }
    link = Link(id=0, seq=None, prev_hash=None, entry_hash=None, **values)
    connection = session.connection()
    compiled = _compiled(along, connection.dialect, commit)
    bound = {**values, "details": orjson.dumps(values["details"]).decode()}
    bound.update(along_values, middle=middle(link))
    parameters = {**compiled.construct_params(bound), "key": CHAIN_LOCK}
    # The lock and the statement in one query string: the server runs the statement the
    # moment the lock is granted (with a snapshot of its own, taken then), with no round
    # trip back to this process in between. Only client-side binding takes two statements.
    raw = typing.cast(psycopg.Connection[Any], connection.connection.dbapi_connection)
    with psycopg.ClientCursor(raw) as cursor:
        cursor.execute(compiled.string, parameters)
        cursor.nextset()
        chained = cursor.fetchall()
    if len(chained) != 1:
        raise RuntimeError("the audit entry was not written")
    mark_audited()
    if commit:
        committed_early(raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE)


@functools.cache
def _compiled(along: Any, dialect: Any, commit: bool) -> Any:
    statement = _chained_insert(along)
    compiled = statement.compile(dialect=dialect)
    compiled.string = f"SELECT pg_advisory_xact_lock(%(key)s);\n{compiled.string}"
    if commit:
        compiled.string += ";\nCOMMIT"
    return compiled


_CHAIN_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


@functools.cache
def _chained_insert(along: Any) -> Any:
    """INSERT the entry after the head, hashed as consensus.chain.digest does; with `along`
    (PostgreSQL: statements in a WITH clause run together)."""
    table = AuditEntry.__table__
    chained = table.c.seq.is_not(None)
    newest = select(table.c.seq, table.c.entry_hash).where(chained).order_by(table.c.seq.desc())
    last = newest.limit(1).subquery("last")
    head = select(
        (func.coalesce(select(last.c.seq).scalar_subquery(), 0) + 1).label("seq"),
        func.coalesce(select(last.c.entry_hash).scalar_subquery(), GENESIS).label("prev"),
    ).cte("head")
    body = (
        func.convert_to(literal("[") + cast(head.c.seq, Text) + literal(","), "UTF8")
        .op("||")(bindparam("middle", type_=LargeBinary))
        .op("||")(func.convert_to(literal(',"') + head.c.prev + literal('"]'), "UTF8"))
    )
    columns = ("at", "actor_id", "agency_id", "action", "target", "details", "note")
    entry = (
        table.insert()
        .from_select(
            [*columns, "seq", "prev_hash", "entry_hash"],
            select(
                *(bindparam(c, type_=table.c[c].type) for c in columns),
                head.c.seq,
                head.c.prev,
                func.encode(func.sha256(body), "hex"),
            ),
        )
        .returning(table.c.entry_hash)
        .cte("entry")
    )
    return select(entry.c.entry_hash).add_cte(along.cte("along"))


def seal(session: Session | None = None) -> str:
    """Chain this transaction's new entries after the current head and return the new
    head. Runs by itself before every commit; a publication calls it earlier, to cite the
    head in its version."""
    session = session or db.session()
    pending: list[AuditEntry] = session.info.pop(PENDING, [])
    if not pending:
        return head(session)
    session.flush()  # on SQLite this takes the write lock: no other chain can move now
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_CHAIN_LOCK, {"key": CHAIN_LOCK})
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.entry_hash)
        .where(AuditEntry.seq.is_not(None))
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    ).first()
    seq: int = (last[0] or 0) if last is not None else 0
    prev: str = (last[1] or GENESIS) if last is not None else GENESIS
    for entry in pending:
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        prev = digest(_link(entry), seq, prev)
        entry.entry_hash = prev
    session.flush()
    return prev


def head(session: Session | None = None) -> str:
    session = session or db.session()
    found = session.scalar(
        select(AuditEntry.entry_hash)
        .where(AuditEntry.seq.is_not(None))
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    )
    return found or GENESIS


@event.listens_for(Session, "before_commit")
def _chain_before_commit(session: Session) -> None:
    if session.info.get(PENDING):
        seal(session)


@event.listens_for(Session, "after_rollback")
def _forget_on_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def _link(entry: AuditEntry) -> Link:
    return Link(
        id=entry.id,
        seq=entry.seq,
        at=entry.at,
        actor_id=entry.actor_id,
        agency_id=entry.agency_id,
        action=entry.action,
        target=entry.target or "",
        details=entry.details or {},
        note=entry.note or "",
        prev_hash=entry.prev_hash,
        entry_hash=entry.entry_hash,
    )


COLUMNS = (
    AuditEntry.id,
    AuditEntry.seq,
    AuditEntry.at,
    AuditEntry.actor_id,
    AuditEntry.agency_id,
    AuditEntry.action,
    AuditEntry.target,
    AuditEntry.details,
    AuditEntry.note,
    AuditEntry.prev_hash,
    AuditEntry.entry_hash,
)


def _links() -> Generator[Link]:
    """Every entry, chained ones in chain order, then any that never were (by id)."""
    rows = db.session.execute(
        select(*COLUMNS).order_by(AuditEntry.seq.is_(None), AuditEntry.seq, AuditEntry.id),
        execution_options={"yield_per": 5000},
    )
    try:
        yield from (_row_link(row) for row in rows)
    finally:
        rows.close()  # verify stops at the first break: the server-side cursor ends here


def _row_link(row: Any) -> Link:
    return Link(
        row.id,
        row.seq,
        row.at,
        row.actor_id,
        row.agency_id,
        row.action,
        row.target or "",
        row.details or {},
        row.note or "",
        row.prev_hash,
        row.entry_hash,
    )


def check_chain() -> Verdict:
    """Walk the whole chain (and the heads the published versions cite)."""
    cited = [(row[0], row[1]) for row in db.session.execute(select(Version.id, Version.audit_head))]
    links = _links()
    try:
        with paused_gc():  # 100,000 rows in flight: the collector would rescan them often
            return verify(links, cited)
    finally:
        links.close()
