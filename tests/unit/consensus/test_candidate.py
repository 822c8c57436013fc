"""The merge report the coordinator reads (consensus.candidate), on random trees and
random proposals: one entry per proposal in merge order, the counts add up, rivals are
earlier accepted proposals on the same concepts, the record round-trips, and the same
inputs give the same fingerprint."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.taxonomy.trees import change_lists, services, trees
from workshop.consensus import Entry, fingerprint, footprint, summarize
from workshop.taxonomy import changes as ch
from workshop.taxonomy.merge import Proposal, merge

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(st.data())
def test_the_report_follows_the_merge(data):
    base = data.draw(trees())
    proposals = [
        Proposal(n, data.draw(change_lists(base, max_changes=6)), base)
        for n in range(1, data.draw(st.integers(1, 5)) + 1)
    ]
    footprints = {p.id: footprint(p.changes) for p in proposals}
    report = merge(base, proposals)
    entries = summarize(report, footprints)
    assert [e.proposal for e in entries] == [p.id for p in proposals]
    accepted_before: list[int] = []
    for entry, proposal, merged in zip(entries, proposals, report.proposals, strict=True):
        assert entry.accepted == merged.accepted
        assert entry.applied + entry.already + len(entry.conflicts) == len(proposal.changes)
        if entry.accepted:
            assert not entry.conflicts and entry.rivals == ()
            accepted_before.append(entry.proposal)
        else:
            assert entry.conflicts and all(c.words["ar"] and c.words["en"] for c in entry.conflicts)
            assert set(entry.rivals) <= set(accepted_before)
            assert all(footprints[r] & footprints[entry.proposal] for r in entry.rivals)
        assert Entry.from_record(entry.record()) == entry
    order = [p.id for p in proposals]
    again = summarize(merge(base, proposals), footprints)
    assert fingerprint(1, order, entries) == fingerprint(1, order, again)
    assert fingerprint(1, order, entries) != fingerprint(2, order, entries)


def test_the_order_decides_which_of_two_rival_relabels_goes_in():
    base = services()
    teeth = Proposal(1, [ch.Relabel("clinics", {"en": "Teeth"})], base)
    oral = Proposal(2, [ch.Relabel("clinics", {"en": "Oral care"})], base)
    footprints = {p.id: footprint(p.changes) for p in (teeth, oral)}
    first = summarize(merge(base, [teeth, oral]), footprints)
    second = summarize(merge(base, [oral, teeth]), footprints)
    assert [(e.proposal, e.accepted, e.rivals) for e in first] == [(1, True, ()), (2, False, (1,))]
    assert [(e.proposal, e.accepted, e.rivals) for e in second] == [(2, True, ()), (1, False, (2,))]
    assert fingerprint(1, [1, 2], first) != fingerprint(1, [2, 1], second)
