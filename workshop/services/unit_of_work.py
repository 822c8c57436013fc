"""One unit of work per use case: check the permission, do the work, write the audit entry,
commit; on any error roll everything back. The same from the web, the CLI and the tests."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from ..models import db
from .errors import Busy
from .permissions import Actor, Permission, require

P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A", bound=Actor | None)

DEPTH = "workshop.unit_of_work.depth"
WROTE = "workshop.unit_of_work.wrote"
AUDITED = "workshop.unit_of_work.audited"
COMMITTED = "workshop.unit_of_work.committed"  # by its last statement (audit.commit_chained)
READS_ONLY = "workshop.unit_of_work.reads_only"  # the session runs without a transaction


class Unaudited(RuntimeError):
    """A use case wrote to the database without an audit entry (a programming error)."""


@contextmanager
def unit_of_work(audited: bool = True) -> Iterator[Session]:
    """A transaction that commits when the outermost block ends without an error.

    Nested blocks join the outer one. Any error rolls back the whole unit at once, so
    nothing of a failed use case can be committed later by someone catching the error.
    With `audited`, a unit that wrote rows but recorded no audit entry is refused.
    """
    session = db.session()
    if session.info.get(READS_ONLY):
        raise RuntimeError("a unit of work began in a request that only reads")
    depth = session.info.get(DEPTH, 0)
    if depth == 0:
        session.info[WROTE] = session.info[AUDITED] = session.info[COMMITTED] = False
    session.info[DEPTH] = depth + 1
    try:
        yield session
        if depth == 0:
            session.flush()
            if audited and session.info[WROTE] and not session.info[AUDITED]:
                raise Unaudited("a use case wrote without an audit entry")
            if session.info[COMMITTED] and _in_transaction(session):
                # Whatever ran after the commit would be a transaction of its own.
                raise RuntimeError("a use case went on after its committing last step")
            session.commit()
    except OperationalError as error:
        session.rollback()
        if "locked" not in str(error):
            raise
        # SQLite waited its busy timeout for another writer (a long publish): a clear
        # "try again" rather than an error page.
        raise Busy(
            str(_l("The server is busy publishing a version. Try again in a moment."))
        ) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[DEPTH] = depth


def use_case(
    permission: Permission | None = None, audited: bool = True
) -> Callable[[Callable[Concatenate[A, P], R]], Callable[Concatenate[A, P], R]]:
    """Run the decorated service (whose first argument is the actor) as one unit of work,
    after checking `permission`."""

    def decorate(function: Callable[Concatenate[A, P], R]) -> Callable[Concatenate[A, P], R]:
        @functools.wraps(function)
        def run(actor: A, /, *args: P.args, **kwargs: P.kwargs) -> R:
            with unit_of_work(audited):
                if permission is not None:
                    require(actor, permission)
                return function(actor, *args, **kwargs)

        return run

    return decorate


def outermost() -> bool:
    """Whether the current unit of work is the outermost one (its end commits)."""
    return bool(db.session().info.get(DEPTH) == 1)


def committed_early(idle: bool) -> None:
    """Called when the unit's last statement has committed it (`idle`: the connection says
    no transaction is open any more)."""
    if not idle:
        raise RuntimeError("the committing statement left a transaction open")
    db.session().info[COMMITTED] = True


def reads_only() -> None:
    """What follows in this request only reads: on PostgreSQL, its statements then run
    without a transaction. At READ COMMITTED each statement takes its own snapshot anyway,
    so they read what they read before, without the BEGIN and the ROLLBACK, a round trip
    each, which cost the database more than the polls of a hall's phones did. A unit of
    work or an ORM flush after it is a programming error, refused (it would not be atomic).
    Nothing changes once the request has begun a transaction, or on SQLite."""
    session = db.session()
    if session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    session.info[READS_ONLY] = True


def _in_transaction(session: Session) -> bool:
    raw = session.connection().connection.dbapi_connection
    status = getattr(getattr(raw, "info", None), "transaction_status", None)
    return status is not None and status.name != "IDLE"


def mark_audited() -> None:
    """Called by the audit log when it adds an entry to the current unit."""
    db.session().info[AUDITED] = True


@event.listens_for(Session, "before_flush")
def _refuse_writes_without_transaction(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(READS_ONLY) and (session.new or session.dirty or session.deleted):
        raise RuntimeError("an ORM write in a request that only reads")


@event.listens_for(Session, "after_transaction_end")
def _end_reads_only(session: Session, transaction: Any) -> None:
    if transaction.parent is None:
        session.info.pop(READS_ONLY, None)


@event.listens_for(Session, "after_flush")
def _note_writes(session: Session, _context: Any) -> None:
    if session.info.get(DEPTH):
        session.info[WROTE] = True
