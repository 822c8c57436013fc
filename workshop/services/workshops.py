"""Workshops: their setting-up by a coordinator (title, date, place, electorate, rules),
the roll call, and the agenda of proposals. Each change moves the workshop's revision on,
so that every screen polling it sees the change (services/voting.py runs the votes)."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from ..consensus import LIVE, QuorumBase, Rule, Status
from ..models import Agency, AgendaItem, Seat, Workshop, db
from . import audit, proposals, taxonomies
from .errors import NotFound, ServiceError
from .permissions import Actor, Permission, require
from .unit_of_work import use_case

ATTENDANCE = ("unknown", "present", "absent", "alternate")
STATUSES = ("planned", "live", "closed")


@dataclass(frozen=True)
class Setting:
    """What the coordinator fills in for a workshop."""

    slug: str
    title_ar: str
    title_en: str
    held_on: date
    place: str = ""
    quorum_percent: int = 50
    quorum_base: str = QuorumBase.PRESENT.value
    threshold: str = "2/3"
    structural_threshold: str = ""
    consent: bool = False
    secret: bool = False
    results_hidden: bool = True
    agencies: Sequence[int] = ()  # the electorate; empty: every agency


def rule_of(setting: Setting) -> Rule:
    try:
        return Rule(
            quorum_percent=setting.quorum_percent,
            quorum_base=QuorumBase(setting.quorum_base),
            threshold=Fraction(setting.threshold),
            structural_threshold=(
                Fraction(setting.structural_threshold) if setting.structural_threshold else None
            ),
            consent=setting.consent,
        )
    except (ValueError, ZeroDivisionError):
        raise ServiceError(
            str(_l("A threshold is a share such as 2/3 (from 1/2 to 1); a quorum 0 to 99%.")),
            field="threshold",
        ) from None


@use_case(Permission.FACILITATE)
def create(actor: Actor, setting: Setting) -> Workshop:
    taxonomy = taxonomies.get_taxonomy(setting.slug)
    title_ar, title_en = setting.title_ar.strip(), setting.title_en.strip()
    if not title_ar or not title_en:
        raise ServiceError(
            str(_l("A workshop needs its title in Arabic and in English.")), "title_ar"
        )
    rule = rule_of(setting)
    workshop = Workshop(
        taxonomy=taxonomy,
        title_ar=title_ar[:200],
        title_en=title_en[:200],
        held_on=setting.held_on,
        place=setting.place.strip()[:200],
        rule=rule.record(),
        secret=setting.secret,
        results_hidden=setting.results_hidden,
        join_code=_join_code(),
        revision=1,
    )
    wanted = set(setting.agencies)
    agencies = db.session.scalars(select(Agency.id).order_by(Agency.id)).all()
    workshop.seats = [Seat(agency_id=a) for a in agencies if not wanted or a in wanted]
    if not workshop.seats:
        raise ServiceError(str(_l("A workshop needs at least one agency.")), "agencies")
    db.session.add(workshop)
    db.session.flush()
    audit.record(actor, "workshop.created", f"workshop {workshop.id}", taxonomy=setting.slug)
    return workshop


def _join_code() -> str:
    """Six characters to type on a phone: no 0/O or 1/I to confuse."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


def get(workshop_id: int) -> Workshop:
    found = db.session.get(Workshop, workshop_id) if 0 < workshop_id < 2**31 else None
    if found is None:
        raise NotFound(str(_l("No such workshop.")))
    return found


def by_code(actor: Actor, code: str) -> Workshop:
    require(actor, Permission.VIEW_WORKSHOPS)
    found = db.session.scalar(select(Workshop).where(Workshop.join_code == code.strip().upper()))
    if found is None:
        raise NotFound(str(_l("No workshop has this code.")))
    return found


def listing(actor: Actor) -> list[Workshop]:
    require(actor, Permission.VIEW_WORKSHOPS)
    return list(db.session.scalars(select(Workshop).order_by(Workshop.held_on.desc())))


def moved_on(workshop_id: int) -> None:
    """Screens polling the workshop see something new (one indexed update, on the session's
    connection: a burst of ballots runs it 53 times, and the ORM's update cost three times
    the statement)."""
    db.session.connection().execute(next_revision(), {"workshop_id": workshop_id})


@functools.cache
def next_revision() -> Any:
    """The UPDATE that moves a workshop's revision on (its id bound as `workshop_id`)."""
    table = Workshop.__table__
    return (
        table.update()
        .where(table.c.id == bindparam("workshop_id"))
        .values(revision=table.c.revision + 1)
    )


@use_case(Permission.FACILITATE)
def set_status(actor: Actor, workshop_id: int, status: str) -> Workshop:
    workshop = get(workshop_id)
    if status not in STATUSES:
        raise ServiceError(str(_l("Unknown status %(status)s.", status=status)))
    workshop.status = status
    moved_on(workshop.id)
    audit.record(actor, "workshop.status", f"workshop {workshop.id}", to=status)
    return workshop


@use_case(Permission.FACILITATE)
def roll_call(actor: Actor, workshop_id: int, marks: dict[int, tuple[str, str]]) -> Workshop:
    """Mark agencies present, absent or represented by an alternate (agency id ->
    (attendance, the alternate's name))."""
    workshop = get(workshop_id)
    seats = {seat.agency_id: seat for seat in workshop.seats}
    for agency_id, (attendance, alternate) in marks.items():
        if agency_id not in seats or attendance not in ATTENDANCE:
            raise ServiceError(str(_l("That agency is not in this workshop's electorate.")))
        seats[agency_id].attendance = attendance
        seats[agency_id].alternate = alternate.strip()[:200] if attendance == "alternate" else ""
    moved_on(workshop.id)
    audit.record(actor, "workshop.roll_call", f"workshop {workshop.id}", marked=len(marks))
    return workshop


@use_case(Permission.FACILITATE)
def add_item(actor: Actor, workshop_id: int, proposal_id: int) -> AgendaItem:
    """Put a proposal open for discussion (or being voted on) on the agenda, last."""
    workshop = get(workshop_id)
    proposal = proposals.get(proposal_id)
    if proposal.taxonomy_id != workshop.taxonomy_id or Status(proposal.status) not in LIVE:
        raise ServiceError(
            str(_l("Only an open proposal of this taxonomy goes on the agenda.")),
            "proposal",
        )
    if any(i.proposal_id == proposal_id and i.status == "waiting" for i in workshop.items):
        raise ServiceError(str(_l("This proposal is on the agenda already.")), "proposal")
    item = AgendaItem(proposal_id=proposal_id, position=len(workshop.items), status="waiting")
    workshop.items.append(item)
    db.session.flush()
    moved_on(workshop.id)
    audit.record(actor, "workshop.item_added", f"workshop {workshop.id}", proposal=proposal_id)
    return item


@use_case(Permission.FACILITATE)
def move_item(actor: Actor, workshop_id: int, item_id: int, step: int) -> Workshop:
    """One place earlier (-1) or later (+1) on the agenda."""
    workshop = get(workshop_id)
    items = list(workshop.items)
    index = next((n for n, i in enumerate(items) if i.id == item_id), None)
    if index is None or step not in (-1, 1) or not 0 <= index + step < len(items):
        raise NotFound(str(_l("No such agenda item.")))
    items[index], items[index + step] = items[index + step], items[index]
    for position, item in enumerate(items):
        item.position = position
    moved_on(workshop.id)
    audit.record(actor, "workshop.item_moved", f"workshop {workshop.id}", item=item_id, step=step)
    return workshop


def seat_of(workshop: Workshop, agency_id: int | None) -> Seat | None:
    return next((s for s in workshop.seats if s.agency_id == agency_id), None)
