"""Overlap between proposals: the same concept, or a concept and its subtree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.consensus import Kind, Overlap, footprint, overlapping, overlaps
from workshop.consensus.overlap import ancestors
from workshop.taxonomy.changes import Add, Merge, Move, Relabel, Retire

#  health ─ hospitals ─ wards
#         └ clinics
#  education ─ schools
PARENTS = {
    "health": None,
    "hospitals": "health",
    "wards": "hospitals",
    "clinics": "health",
    "education": None,
    "schools": "education",
}


def parent_of(concept):
    return PARENTS.get(concept)


def test_a_footprint_holds_each_concept_a_change_touches():
    changes = [
        Add("new", "clinics", 0, {"ar": "جديد"}),
        Relabel("wards", {"en": "Wards"}),
        Move("schools", "health", 0),
        Merge("clinics", "hospitals"),
        Retire("education"),
    ]
    assert footprint(changes) == {"clinics", "wards", "schools", "health", "hospitals", "education"}


def test_same_inside_and_around():
    mine = footprint([Relabel("hospitals", {"en": "Hospitals"})])
    others = {
        7: footprint([Relabel("hospitals", {"ar": "المستشفيات"})]),
        8: footprint([Relabel("wards", {"en": "Wards"})]),
        9: footprint([Retire("health")]),
        10: footprint([Relabel("schools", {"en": "Schools"})]),
    }
    assert overlaps(mine, others, parent_of) == [
        Overlap(7, Kind.SAME, "hospitals", "hospitals"),
        Overlap(8, Kind.AROUND, "hospitals", "wards"),
        Overlap(9, Kind.INSIDE, "hospitals", "health"),
    ]
    assert overlapping(overlaps(mine, others, parent_of)) == [7, 8, 9]


def test_an_addition_overlaps_through_its_parent():
    mine = footprint([Add("pharmacies", "clinics", 0, {"ar": "صيدليات"})])
    assert overlapping(overlaps(mine, {1: frozenset({"health"})}, parent_of)) == [1]
    assert overlapping(overlaps(mine, {2: frozenset({"education"})}, parent_of)) == []


trees = st.dictionaries(
    st.sampled_from([f"c{n}" for n in range(30)]), st.integers(0, 29), min_size=1
).map(lambda links: {c: (f"c{p}" if int(c[1:]) > p else None) for c, p in links.items()})


@settings(max_examples=200)
@given(trees, st.data())
def test_overlap_is_found_exactly_when_footprints_meet_on_a_path(parents, data):
    """Against a brute force over all pairs: the same set of (proposal, kind, ours, theirs),
    and it is symmetric (what is inside for one is around for the other)."""
    concepts = sorted(parents)
    pick = st.frozensets(st.sampled_from(concepts), max_size=4)
    mine = data.draw(pick)
    others = {n: data.draw(pick) for n in range(data.draw(st.integers(0, 5)))}
    found = set(overlaps(mine, others, parents.get))
    expected = set()
    for other, theirs in others.items():
        for a in mine:
            for b in theirs:
                if a == b:
                    expected.add(Overlap(other, Kind.SAME, a, b))
                elif a in ancestors(b, parents.get):
                    expected.add(Overlap(other, Kind.AROUND, a, b))
                elif b in ancestors(a, parents.get):
                    expected.add(Overlap(other, Kind.INSIDE, a, b))
    assert found == expected
    # Walking mine's subtrees down finds the same as walking each concept's path up.
    children: dict[str, list[str]] = {}
    for concept, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(concept)
    assert set(overlaps(mine, others, parents.get, lambda c: children.get(c, []))) == expected
    for other, theirs in others.items():
        back = {(o.kind, o.theirs, o.ours) for o in overlaps(theirs, {-1: mine}, parents.get)}
        flip = {Kind.SAME: Kind.SAME, Kind.INSIDE: Kind.AROUND, Kind.AROUND: Kind.INSIDE}
        assert back == {(flip[o.kind], o.ours, o.theirs) for o in found if o.other == other}
