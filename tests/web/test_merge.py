"""The merge: a candidate from the approved proposals, conflicts held back or decided,
publication in one transaction, and a version undone by a new one."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from workshop.models import AuditEntry, Candidate, Proposal, Version, db
from workshop.services import candidates, proposals, publication
from workshop.services.audit import check_chain
from workshop.services.errors import ServiceError
from workshop.storage import revisions


def approved(author, coordinator, title: str, *changes) -> int:
    """A proposal of `author`'s agency, opened, voted on and approved."""
    proposal = proposals.create(author, "gov", title, "لأن")
    revision = proposal.revision
    for change in changes:
        revision = proposals.add_change(author, proposal.id, revision, change).revision
    proposals.move(author, proposal.id, "open")
    proposals.move(coordinator, proposal.id, "voting")
    proposals.move(coordinator, proposal.id, "approved")
    return proposal.id


def relabel(concept: str, english: str) -> dict:
    return {"op": "relabel", "id": concept, "labels": {"en": english}}


@pytest.fixture
def two_sides(people, published):
    """Two approved proposals that relabel "dental" differently: the second conflicts."""
    coordinator = people["coordinator"]
    first = approved(people["representative"], coordinator, "أسنان", relabel("dental", "Teeth"))
    second = approved(
        people["other_representative"], coordinator, "طب الفم", relabel("dental", "Oral care")
    )
    return first, second


def tree_of(number: int):
    from workshop.services import taxonomies

    taxonomy = taxonomies.get_taxonomy("gov")
    return revisions.read_tree(taxonomy, taxonomies.get_version(taxonomy, number))


def test_a_conflict_is_reported_in_both_languages_with_its_rival(two_sides, people):
    first, second = two_sides
    candidate = candidates.build(people["coordinator"], "gov")
    entries = {e.proposal: e for e in candidates.entries_of(candidate)}
    assert candidate.order == [first, second] and candidate.base_number == 2
    assert entries[first].accepted and entries[first].applied == 1
    assert not entries[second].accepted and entries[second].rivals == (first,)
    [note] = entries[second].conflicts
    assert note.concept == "dental" and "Teeth" in note.words["en"] and note.words["ar"]
    with pytest.raises(ServiceError, match=f"#{second} conflict"):
        publication.publish(people["coordinator"], candidate.id)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Version)) == 2


def test_building_twice_gives_the_same_candidate(two_sides, people):
    one = candidates.build(people["coordinator"], "gov")
    two = candidates.build(people["coordinator"], "gov")
    assert one.fingerprint == two.fingerprint and one.report == two.report
    assert db.session.get(Candidate, one.id).status == "replaced"
    assert candidates.current(one.taxonomy).id == two.id


def test_another_order_needs_a_reason(two_sides, people):
    first, second = two_sides
    with pytest.raises(ServiceError, match="Say why"):
        candidates.build(people["coordinator"], "gov", [second, first])
    db.session.rollback()
    with pytest.raises(ServiceError, match="each approved proposal once"):
        candidates.build(people["coordinator"], "gov", [second], "خطأ")
    db.session.rollback()
    candidate = candidates.build(people["coordinator"], "gov", [second, first], "الأقدم أولا")
    entries = {e.proposal: e for e in candidates.entries_of(candidate)}
    assert entries[second].accepted and not entries[first].accepted  # order decides
    assert candidate.order_note == "الأقدم أولا"


def test_holding_back_returns_the_proposal_to_open_and_publishing_merges(two_sides, people):
    first, second = two_sides
    coordinator = people["coordinator"]
    candidate = candidates.build(coordinator, "gov")
    with pytest.raises(ServiceError, match="Say why"):
        publication.hold_back(coordinator, candidate.id, second, " ")
    db.session.rollback()
    rebuilt, _agenda = publication.hold_back(coordinator, candidate.id, second, "يتعارض مع #1")
    held = db.session.get(Proposal, second)
    assert held.status == "open" and held.events[-1].note == "يتعارض مع #1"
    assert rebuilt.order == [first] and all(e.accepted for e in candidates.entries_of(rebuilt))
    version = publication.publish(coordinator, rebuilt.id, "ورشة 2")
    assert version.number == 3 and version.proposal_ids == [first] and version.note == "ورشة 2"
    assert db.session.get(Proposal, first).status == "merged"
    assert tree_of(3)["dental"].labels == {"ar": "طب الأسنان", "en": "Teeth"}
    assert version.audit_head and check_chain().ok
    assert db.session.get(Candidate, rebuilt.id).version_id == version.id
    # The agency of the proposal held back reads why on its dashboard.
    from workshop.services import dashboard

    board = dashboard.for_user(people["other_representative"])
    assert [(p.id, note) for p, note in board.held_back] == [(second, "يتعارض مع #1")]


def test_taking_the_other_side_holds_back_the_rival(two_sides, people):
    first, _second = two_sides
    coordinator = people["coordinator"]
    candidate = candidates.build(coordinator, "gov")
    rebuilt, _ = publication.hold_back(coordinator, candidate.id, first, "نأخذ بالتسمية الأخرى")
    publication.publish(coordinator, rebuilt.id)
    assert tree_of(3)["dental"].labels["en"] == "Oral care"


def test_a_change_to_a_concept_an_earlier_proposal_retired_conflicts(people, published):
    coordinator = people["coordinator"]
    retire = approved(
        people["representative"], coordinator, "دمج", {"op": "retire", "id": "dental"}
    )
    later = approved(people["other_representative"], coordinator, "تسمية", relabel("dental", "X"))
    entries = {e.proposal: e for e in candidates.entries_of(candidates.build(coordinator, "gov"))}
    assert entries[retire].accepted and not entries[later].accepted
    assert entries[later].rivals == (retire,)


def test_a_proposal_three_versions_old_merges_three_way(people, published):
    """Approved against version 2, merged onto version 5: what it touches unchanged since
    goes in; what changed since is a conflict, told, never overwritten."""
    from dataclasses import replace

    from tests.web.taxonomy_files import VERSION_2, csv_bytes, publish_version
    from workshop.services import taxonomies
    from workshop.services.permissions import SYSTEM
    from workshop.taxonomy import build

    coordinator, rep = people["coordinator"], people["representative"]
    old = approved(rep, coordinator, "قديم", relabel("hospitals", "Hospital services"))
    stale = approved(rep, coordinator, "قديم أيضا", relabel("clinics", "Clinics again"))
    concepts = dict(VERSION_2.concepts)
    for n, concept in enumerate(("education", "housing", "clinics")):
        labels = {**concepts[concept].labels, "en": f"Step {n}"}
        concepts[concept] = replace(concepts[concept], labels=labels)
        publish_version(SYSTEM, "gov", csv_bytes(build(concepts.values())), f"step{n}.csv")
    assert revisions.latest(taxonomies.get_taxonomy("gov")).number == 5
    candidate = candidates.build(coordinator, "gov")
    entries = {e.proposal: e for e in candidates.entries_of(candidate)}
    assert candidate.base_number == 5
    assert entries[old].accepted  # hospitals is untouched since version 2
    assert not entries[stale].accepted
    assert "Step 2" in entries[stale].conflicts[0].words["en"]


def test_a_candidate_is_stale_once_another_version_is_published(two_sides, people):
    first, second = two_sides
    coordinator = people["coordinator"]
    candidate = candidates.build(coordinator, "gov")
    publication.hold_back(coordinator, candidate.id, second, "لاحقا")
    rebuilt = candidates.current(candidate.taxonomy)
    from tests.web.taxonomy_files import VERSION_1, csv_bytes, publish_version
    from workshop.services.permissions import SYSTEM

    publish_version(SYSTEM, "gov", csv_bytes(VERSION_1), "v1-again.csv")
    with pytest.raises(ServiceError, match="version 3 was published after"):
        publication.publish(coordinator, rebuilt.id)
    db.session.rollback()
    assert db.session.get(Proposal, first).status == "approved"


def test_two_publishers_at_once_one_wins_the_other_is_told(app, two_sides, people):
    _first, second = two_sides
    coordinator = people["coordinator"]
    candidate = candidates.build(coordinator, "gov")
    rebuilt, _ = publication.hold_back(coordinator, candidate.id, second, "لاحقا")
    candidate_id, coordinator_id = rebuilt.id, coordinator.id
    db.session.remove()
    start = threading.Barrier(2)
    results: list[str] = []

    def publish() -> None:
        with app.app_context():
            from workshop.models import User

            user = db.session.get(User, coordinator_id)
            db.session.close()
            start.wait(timeout=30)
            try:
                results.append(f"v{publication.publish(user, candidate_id).number}")
            except ServiceError as error:
                results.append(error.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert "v3" in results and len(results) == 2
    assert any("published or replaced a moment ago" in r for r in results)
    assert db.session.scalar(select(func.count()).select_from(Version)) == 3


def test_two_builds_at_once_leave_one_current_candidate(app, two_sides, people):
    """Both builds succeed, one after the other: the later replaces the earlier, and the
    database holds one built candidate per taxonomy (a unique index, whatever the code)."""
    coordinator_id = people["coordinator"].id
    db.session.remove()
    start = threading.Barrier(2)
    built: list[int] = []

    def build() -> None:
        with app.app_context():
            from workshop.models import User

            user = db.session.get(User, coordinator_id)
            db.session.close()
            start.wait(timeout=30)
            try:
                built.append(candidates.build(user, "gov").id)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = dict(db.session.execute(select(Candidate.id, Candidate.status)).all())
    assert sorted(statuses) == sorted(built)
    assert sorted(statuses.values()) == ["built", "replaced"]
    assert statuses[max(built)] == "built"
    db.session.add(
        Candidate(
            taxonomy_id=db.session.get(Candidate, max(built)).taxonomy_id,
            base_number=1,
            order=[],
            report=[],
            fingerprint="x",
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


STEPS = [
    ("workshop.services.candidates.trees", "the merge"),
    ("workshop.storage.writing.write_version", "the concept rows"),
    ("workshop.services.audit.seal", "the audit chain"),
    ("workshop.services.versions.publish_tree", "the version"),
    ("workshop.services.proposals.transition", "marking the proposals merged"),
]


@pytest.mark.parametrize(("target", "step"), STEPS, ids=[s for _t, s in STEPS])
def test_a_failure_at_any_step_of_publishing_leaves_nothing(
    two_sides, people, monkeypatch, target, step
):
    first, second = two_sides
    coordinator = people["coordinator"]
    candidate = candidates.build(coordinator, "gov")
    rebuilt, _ = publication.hold_back(coordinator, candidate.id, second, "لاحقا")
    audit_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    module_name, name = target.rsplit(".", 1)
    import importlib

    module = importlib.import_module(module_name)
    real = getattr(module, name)

    def broken(*args, **kwargs):
        real(*args, **kwargs)  # the step does its work, then the process "crashes"
        raise RuntimeError(f"injected failure: {step}")

    monkeypatch.setattr(module, name, broken)
    with pytest.raises(RuntimeError, match="injected"):
        publication.publish(coordinator, rebuilt.id)
    monkeypatch.setattr(module, name, real)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Version)) == 2
    assert db.session.get(Proposal, first).status == "approved"
    assert db.session.get(Candidate, rebuilt.id).status == "built"
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before
    assert check_chain().ok
    # Nothing half-written stands in the way: the same candidate publishes now.
    assert publication.publish(coordinator, rebuilt.id).number == 3


def test_a_version_is_undone_by_a_new_one(two_sides, people):
    _first, second = two_sides
    coordinator = people["coordinator"]
    rebuilt, _ = publication.hold_back(
        coordinator, candidates.build(coordinator, "gov").id, second, "لاحقا"
    )
    publication.publish(coordinator, rebuilt.id)
    with pytest.raises(ServiceError, match="Say why"):
        publication.revert(coordinator, "gov", 3, "")
    db.session.rollback()
    undo = publication.revert(coordinator, "gov", 3, "قرار خاطئ")
    assert undo.number == 4 and undo.note == "قرار خاطئ"
    assert tree_of(4).concepts == tree_of(2).concepts
    assert tree_of(3)["dental"].labels["en"] == "Teeth"  # the undone version is kept
    with pytest.raises(ServiceError, match="undone already"):
        publication.revert(coordinator, "gov", 3, "مرة أخرى")
