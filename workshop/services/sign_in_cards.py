"""Sign-in cards for a workshop: a one-time password for each representative of its
electorate who has not yet chosen a password of their own, printed with the workshop's join
code. Someone who already signs in with their own password keeps it: a card never takes
an account away from the person using it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from ..models import Role, User, Workshop, db
from . import audit, workshops
from .accounts import Issued, temporary_password
from .permissions import Actor, Permission, require
from .unit_of_work import use_case


@dataclass(frozen=True)
class Representatives:
    workshop: Workshop
    without_password: list[User]  # a card is issued for each of these
    with_password: list[User]  # they sign in as they already do


def representatives(actor: Actor, workshop_id: int) -> Representatives:
    require(actor, Permission.MANAGE_ACCOUNTS)
    workshop = workshops.get(workshop_id)
    agencies = [seat.agency_id for seat in workshop.seats]
    users = list(
        db.session.scalars(
            select(User)
            .where(
                User.role == Role.REPRESENTATIVE,
                User.active.is_(True),
                User.agency_id.in_(agencies),
            )
            .order_by(User.agency_id, User.username)
        )
    )
    return Representatives(
        workshop,
        [u for u in users if u.must_change_password],
        [u for u in users if not u.must_change_password],
    )


@use_case(Permission.MANAGE_ACCOUNTS)
def issue(actor: Actor, workshop_id: int) -> tuple[Workshop, list[Issued]]:
    """New one-time passwords for the representatives who have not chosen their own (an
    earlier card of theirs stops working); shown once, then only their hashes remain."""
    found = representatives(actor, workshop_id)
    issued = []
    for user in found.without_password:
        password = temporary_password()
        user.password_hash = generate_password_hash(password)
        user.end_sessions()
        issued.append(Issued(user, password))
    audit.record(
        actor,
        "workshop.cards_issued",
        f"workshop {workshop_id}",
        accounts=[i.user.username for i in issued],
    )
    return found.workshop, issued
