"""Voting in a workshop: one ballot per agency per round whatever happens at once, 409
after close, 403 outside the electorate, outcomes by the rules, secret ballots forgotten."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from tests.conftest import Factory
from workshop.models import Agency, Ballot, BallotEvent, Proposal, Role, Round, User, Workshop, db
from workshop.services import audit, proposals, voting, workshops
from workshop.services.audit import check_chain
from workshop.services.errors import Closed, PermissionDenied, ServiceError
from workshop.services.unit_of_work import unit_of_work, use_case


def open_proposal(author) -> int:
    proposal = proposals.create(author, "gov", "طب الأسنان", "أوضح")
    proposals.add_change(
        author, proposal.id, 1, {"op": "relabel", "id": "dental", "labels": {"en": "Teeth"}}
    )
    proposals.move(author, proposal.id, "open")
    return proposal.id


def workshop_with(coordinator, proposal_id: int, **options) -> tuple[int, int]:
    workshop = workshops.create(
        coordinator,
        workshops.Setting("gov", "ورشة التصنيف", "Taxonomy workshop", date(2026, 12, 1), **options),
    )
    item = workshops.add_item(coordinator, workshop.id, proposal_id)
    return workshop.id, item.id


@pytest.fixture
def hall(people, published):
    coordinator, rep = people["coordinator"], people["representative"]
    workshop_id, item_id = workshop_with(coordinator, open_proposal(rep))
    present = {s.agency_id: ("present", "") for s in workshops.get(workshop_id).seats}
    workshops.roll_call(coordinator, workshop_id, present)
    return workshop_id, item_id


def test_a_round_from_open_to_outcome(hall, people):
    workshop_id, item_id = hall
    coordinator, moh, moe = (
        people["coordinator"],
        people["representative"],
        people["other_representative"],
    )
    before = workshops.get(workshop_id).revision
    opened = voting.open_round(coordinator, item_id)
    assert (opened.present, sorted(opened.electorate)) == (
        2,
        sorted([moh.agency_id, moe.agency_id]),
    )
    assert (
        db.session.get(Proposal, workshops.get(workshop_id).items[0].proposal_id).status == "voting"
    )
    voting.cast(moh, opened.id, "reject", "ليس واضحًا")
    voting.cast(moh, opened.id, "approve")  # changed: still one ballot
    with pytest.raises(ServiceError, match="say why"):
        voting.cast(moe, opened.id, "reject", "  ")
    db.session.rollback()
    voting.cast(moe, opened.id, "approve")
    assert workshops.get(workshop_id).revision > before
    closed = voting.close(coordinator, opened.id)
    assert closed.outcome["result"] == "passed" and closed.outcome["approve"] == 2
    assert db.session.get(Proposal, closed.item.proposal_id).status == "approved"
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 2
    assert db.session.scalar(select(func.count()).select_from(BallotEvent)) == 3  # all kept
    events = db.session.execute(
        select(
            BallotEvent.round_id, BallotEvent.agency_id, BallotEvent.user_id, BallotEvent.choice
        ).order_by(BallotEvent.id)
    ).all()
    assert [tuple(e) for e in events] == [
        (opened.id, moh.agency_id, moh.id, "reject"),
        (opened.id, moh.agency_id, moh.id, "approve"),
        (opened.id, moe.agency_id, moe.id, "approve"),
    ]
    last_event = db.session.scalar(select(func.max(BallotEvent.at)))
    assert last_event == max(db.session.scalars(select(Ballot.cast_at)))  # the same moment
    with pytest.raises(Closed):
        voting.cast(moe, opened.id, "reject", "متأخر")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(BallotEvent)) == 3


def test_who_may_vote(hall, people):
    _workshop_id, item_id = hall
    opened = voting.open_round(people["coordinator"], item_id)
    for role in ("coordinator", "observer"):
        with pytest.raises(PermissionDenied):
            voting.cast(people[role], opened.id, "approve")
        db.session.rollback()
    outsider = Factory(people["representative"].password_hash).user(
        "rep-out", Role.REPRESENTATIVE, Factory("x").agency("OUT", "جهة أخرى", "Another")
    )
    with pytest.raises(PermissionDenied, match="does not vote"):
        voting.cast(outsider, opened.id, "approve")  # joined after the round opened
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_a_countdown_closes_the_round(hall, people):
    workshop_id, item_id = hall
    opened = voting.open_round(people["coordinator"], item_id, seconds=60)
    voting.cast(people["representative"], opened.id, "approve")
    db.session.get(Round, opened.id).closes_at -= timedelta(seconds=61)
    db.session.commit()
    with pytest.raises(Closed):
        voting.cast(people["other_representative"], opened.id, "approve")
    db.session.rollback()
    voting.close_due(workshop_id)
    closed = db.session.get(Round, opened.id)
    assert closed.closed_at is not None
    # 1 of 2 present cast: quorum (more than half of 2 = 2) not reached
    assert closed.outcome["result"] == "no_quorum"


def test_a_secret_vote_keeps_participation_only(people, published):
    coordinator = people["coordinator"]
    _workshop_id, item_id = workshop_with(
        coordinator, open_proposal(people["representative"]), secret=True
    )
    opened = voting.open_round(coordinator, item_id)
    voting.cast(people["representative"], opened.id, "reject", "سبب")
    voting.cast(people["other_representative"], opened.id, "approve")
    closed = voting.close(coordinator, opened.id)
    assert (closed.outcome["approve"], closed.outcome["reject"]) == (1, 1)
    ballots = db.session.scalars(select(Ballot)).all()
    assert len(ballots) == 2 and {(b.choice, b.reason) for b in ballots} == {(None, "")}
    assert set(db.session.scalars(select(BallotEvent.choice))) == {None}


def test_sent_back_for_amendment_with_the_objections(hall, people):
    workshop_id, item_id = hall
    coordinator = people["coordinator"]
    opened = voting.open_round(coordinator, item_id)
    voting.cast(people["representative"], opened.id, "reject", "التسمية تحتاج توضيحًا")
    voting.close(coordinator, opened.id)
    item = voting.send_back(coordinator, item_id)
    proposal = db.session.get(Proposal, item.proposal_id)
    assert proposal.status == "open" and "التسمية تحتاج توضيحًا" in proposal.events[-1].note
    again = workshops.add_item(coordinator, workshop_id, proposal.id)  # on the agenda again
    assert voting.open_round(coordinator, again.id).number == 1


def many_agencies(count: int, password_hash: str) -> list[int]:
    """`count` agencies, each with one representative; their user ids."""
    ids = []
    for n in range(count):
        agency = Agency(code=f"A{n:02d}", name_ar=f"جهة {n}", name_en=f"Agency {n}")
        user = User(
            username=f"voter{n}",
            display_name=f"مصوّت {n}",
            password_hash=password_hash,
            role=Role.REPRESENTATIVE,
            agency=agency,
        )
        db.session.add(user)
        db.session.flush()
        ids.append(user.id)
    db.session.commit()
    return ids


@pytest.mark.parametrize("twice", [False, True])
def test_53_agencies_at_once_give_exactly_53_ballots(app, people, published, password_hash, twice):
    """53 threads (and, with `twice`, two representatives of each agency: 106) cast at the
    same moment while the round may be closed in the middle: every acknowledged ballot is
    in the tally, none twice, none after close."""
    coordinator = people["coordinator"]
    voters = many_agencies(53, password_hash)
    _workshop_id, item_id = workshop_with(coordinator, open_proposal(people["representative"]))
    round_id = voting.open_round(coordinator, item_id).id
    coordinator_id = coordinator.id
    db.session.remove()
    start = threading.Barrier(len(voters) * (2 if twice else 1) + (1 if twice else 0))
    acknowledged: list[int] = []
    refused: list[str] = []

    def vote(user_id: int) -> None:
        with app.app_context():
            user = db.session.get(User, user_id)
            db.session.close()  # its connection back to the pool while waiting
            start.wait(timeout=60)
            try:
                voting.cast(user, round_id, "approve")
                acknowledged.append(user.agency_id)
            except Closed:
                refused.append("closed")
            finally:
                db.session.remove()

    def close() -> None:
        with app.app_context():
            closer = db.session.get(User, coordinator_id)
            db.session.close()
            start.wait(timeout=60)
            voting.close(closer, round_id)
            db.session.remove()

    threads = [threading.Thread(target=vote, args=(u,)) for u in voters]
    if twice:
        threads += [threading.Thread(target=vote, args=(u,)) for u in voters]
        threads.append(threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if not twice:
        voting.close(db.session.get(User, coordinator_id), round_id)
    closed = db.session.get(Round, round_id)
    counted = db.session.scalars(select(Ballot.agency_id).where(Ballot.round_id == round_id)).all()
    assert len(counted) == len(set(counted))  # one per agency
    assert set(acknowledged) == set(counted)  # none lost, none stored unacknowledged
    assert closed.outcome["approve"] == len(counted)  # the tally is what was stored
    if not twice:
        assert len(counted) == 53 and not refused
    # Every ballot's audit entry is chained once: no fork, no gap under 53 writers.
    from workshop.services.audit import check_chain

    assert check_chain().ok


def test_a_decided_vote_is_reopened_with_a_reason(hall, people):
    _workshop_id, item_id = hall
    coordinator = people["coordinator"]
    first = voting.open_round(coordinator, item_id)
    voting.cast(people["representative"], first.id, "approve")
    voting.cast(people["other_representative"], first.id, "approve")
    voting.close(coordinator, first.id)
    with pytest.raises(ServiceError, match="Say why"):
        voting.reopen(coordinator, item_id, "  ")
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        voting.reopen(people["representative"], item_id, "خطأ في العدّ")
    db.session.rollback()
    second = voting.reopen(coordinator, item_id, "خطأ في العدّ")
    assert (second.number, second.note) == (2, "خطأ في العدّ")
    assert db.session.get(Round, first.id).outcome["result"] == "passed"  # kept as it was
    proposal = db.session.get(Proposal, second.item.proposal_id)
    assert proposal.status == "voting" and proposal.events[-1].note == "خطأ في العدّ"
    with pytest.raises(ServiceError, match="Only a decided item"):
        voting.reopen(coordinator, item_id, "مرة أخرى")


def test_a_ballot_inside_a_larger_unit_commits_with_it(app, people, published):
    """A ballot's last step commits on PostgreSQL (audit.commit_chained), but only as the
    outermost unit of work: inside another, the whole still rolls back together."""
    _workshop_id, item_id = workshop_with(
        people["coordinator"], open_proposal(people["representative"])
    )
    round_id = voting.open_round(people["coordinator"], item_id).id
    before = check_chain()
    with pytest.raises(RuntimeError, match="after the ballot"), unit_of_work():
        voting.cast(people["representative"], round_id, "approve")
        raise RuntimeError("after the ballot")
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0
    assert check_chain().entries == before.entries


def test_nothing_may_follow_a_committing_last_step(app, people, published):
    """On PostgreSQL what followed would be a transaction of its own: the unit refuses to
    end. On SQLite the unit commits as usual, all together."""
    workshop_id, _item = workshop_with(
        people["coordinator"], open_proposal(people["representative"])
    )
    coordinator = people["coordinator"]

    @use_case()
    def chained_then_more(actor, workshop_id):
        audit.commit_chained(
            actor, "test.chained", "", workshops.next_revision(), {"workshop_id": workshop_id}
        )
        db.session.execute(update(Workshop).values(place="بعد"))

    if db.engine.dialect.name == "postgresql":
        with pytest.raises(RuntimeError, match="went on after its committing last step"):
            chained_then_more(coordinator, workshop_id)
    else:
        chained_then_more(coordinator, workshop_id)
        assert db.session.get(Workshop, workshop_id).place == "بعد"
