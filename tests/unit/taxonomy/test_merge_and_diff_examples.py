"""Merging proposals in order; diffs and the matcher for trees without shared ids."""

from __future__ import annotations

from tests.unit.taxonomy.trees import services
from workshop.taxonomy import changes as ch
from workshop.taxonomy.apply import Result, apply
from workshop.taxonomy.build import build
from workshop.taxonomy.diff import diff
from workshop.taxonomy.match import adopt_ids, match
from workshop.taxonomy.merge import Proposal, merge
from workshop.taxonomy.model import Status, make_concept


def test_merge_applies_proposals_in_order_and_holds_back_a_conflicting_one_whole():
    base = services()
    first = Proposal(12, [ch.relabel("clinics", {"en": "Primary care"})], base)
    second = Proposal(
        15,
        [
            ch.add("dental", "health", 0, {"ar": "الأسنان", "en": "Dental"}),
            ch.relabel("clinics", {"en": "Care"}),
        ],
        base,
    )
    third = Proposal(16, [ch.Move("housing", None, 0)], base)
    report = merge(base, [first, second, third])
    assert report.accepted == [12, 16] and report.held_back == [15]
    assert "dental" not in report.tree  # nothing of the held-back proposal
    assert report.tree["clinics"].labels["en"] == "Primary care"
    assert report.tree.roots[0] == "housing"
    held = report.proposals[1]
    assert [o.result for o in held.outcomes] == [Result.APPLIED, Result.CONFLICT]


def test_a_held_back_proposal_leaves_no_trace_even_after_renumbering_siblings():
    base = services()
    report = merge(
        base,
        [
            Proposal(
                1, [ch.add("a", "health", 0, {"ar": "أ"}), ch.relabel("nowhere", {"ar": "ب"})], base
            )
        ],
    )
    assert report.tree == base


def test_merge_is_deterministic():
    base = services()
    proposals = [Proposal(i, [ch.relabel("clinics", {"en": f"Care {i}"})], base) for i in range(5)]
    assert merge(base, proposals) == merge(base, proposals)


def test_diff_recognises_relabels_and_moves():
    a = services()
    b = apply(
        a,
        [
            ch.relabel("clinics", {"en": "Care"}),
            ch.Move("schools", "health", 0),
            ch.add("dental", "housing", 0, {"ar": "الأسنان"}),
            ch.Retire("insurance", replaced_by="hospitals"),
        ],
    ).tree
    changes = diff(a, b)
    assert sorted(c.op for c in changes) == ["add", "move", "relabel", "retire"]
    assert apply(a, changes).tree == b
    assert diff(a, a) == []


def test_a_retired_concept_that_comes_back_is_reinstated_in_either_direction():
    a = services()
    b = build(
        [
            *(c for c in a.concepts.values() if c.id != "old-grants"),
            make_concept("old-grants", {"ar": "المنح"}, parent="education", position=9),
        ]
    )
    forward = diff(a, b)
    assert [(c.op, c.id) for c in forward] == [
        ("reinstate", "old-grants"),
        ("relabel", "old-grants"),
    ]
    assert apply(a, forward).tree == b
    backward = diff(b, a)
    assert [(c.op, c.id) for c in backward] == [("relabel", "old-grants"), ("retire", "old-grants")]
    assert apply(b, backward).tree == a


def test_a_concept_retired_on_both_sides_gets_the_later_labels_details_and_replacement():
    a = services()
    retired = a["old-grants"]
    b = build(
        [
            *(c for c in a.concepts.values() if c.id != "old-grants"),
            make_concept(
                "old-grants",
                {"ar": "المنح", "en": "Grants"},
                status=Status.RETIRED,
                replaced_by="schools",
                alt_labels={"en": ["Bursaries"]},
            ),
        ]
    )
    changes = diff(a, b)
    assert [c.op for c in changes] == ["relabel", "annotate", "retire"]
    assert apply(a, changes).tree == b
    assert apply(b, diff(b, a)).tree["old-grants"] == retired


def test_a_proposal_cannot_relabel_or_annotate_a_concept_retired_since_it_was_written():
    a = services()
    later = apply(a, [ch.Retire("clinics")]).tree
    for change in (ch.relabel("clinics", {"en": "Care"}), ch.annotate("clinics", notations=["7"])):
        outcome = apply(later, [change], base=a).outcomes[0]
        assert outcome.result is Result.CONFLICT
        assert outcome.conflict.kind == "concept_retired"


def test_annotate_is_three_way_per_field():
    a = services()
    mine = ch.annotate("clinics", alt_labels={"en": ["Health centres"]}, notations=["1.2"])
    theirs = apply(a, [ch.annotate("clinics", notations=["01.2"])]).tree
    outcome = apply(theirs, [mine], base=a).outcomes[0]
    assert outcome.result is Result.CONFLICT
    assert outcome.conflict.params["field"] == "notations"
    same = apply(theirs, [ch.annotate("clinics", notations=["01.2"])], base=a)
    assert same.outcomes[0].result is Result.NOOP
    other = apply(a, [ch.annotate("clinics", related=["hospitals"])]).tree
    merged = apply(other, [mine], base=a)
    assert merged.ok
    assert merged.tree["clinics"].details.related == ("hospitals",)
    assert merged.tree["clinics"].details.notations == ("1.2",)


def test_diff_retires_what_the_second_tree_lacks():
    a = services()
    b = build([c for c in a.concepts.values() if c.id != "insurance"])
    changes = diff(a, b)
    assert [(c.op, c.id) for c in changes] == [("retire", "insurance")]


def test_the_matcher_pairs_trees_without_shared_ids_by_label_and_path():
    old = services()
    uploaded = build(
        [
            make_concept("1", {"ar": "الصحة", "en": "Health"}),
            make_concept("1.1", {"ar": "المستشفيات", "en": "Hospitals"}, parent="1"),
            make_concept("1.2", {"ar": "مراكز الرعاية", "en": "Care centres"}, parent="1"),
            make_concept("2", {"ar": "التعليم", "en": "Education"}, position=1),
            make_concept("2.1", {"ar": "العيادات", "en": "Clinics"}, parent="2"),  # moved
        ]
    )
    found = match(old, uploaded)
    assert found.pairs == {"1": "health", "1.1": "hospitals", "2": "education", "2.1": "clinics"}
    assert found.unmatched_new == ["1.2"]
    assert "insurance" in found.unmatched_old
    rekeyed = adopt_ids(old, uploaded, found)
    assert rekeyed["clinics"].parent == "education"
    changes = diff(old, rekeyed)
    moved = [c for c in changes if isinstance(c, ch.Move) and c.id == "clinics"]
    assert moved and moved[0].parent == "education"


def test_retired_concepts_keep_their_ids_after_a_diff():
    a = services()
    b = apply(a, [ch.Merge("housing", "health")]).tree
    after = apply(a, diff(a, b)).tree
    assert after["housing"].status is Status.RETIRED
    assert after["housing"].replaced_by == "health"


def flat(count: int):
    """One parent with `count` children (a category of thousands of services)."""
    from workshop.taxonomy import build, make_concept

    return build(
        [
            make_concept("all", {"ar": "الكل", "en": "All"}),
            *(
                make_concept(f"s{i}", {"ar": f"خدمة {i}", "en": f"Service {i}"}, None, "all", i)
                for i in range(count)
            ),
        ]
    )


def test_moving_one_of_many_siblings_out_is_one_move_not_a_shift_of_all():
    from workshop.taxonomy import Move, apply, diff

    a = flat(2000)
    b = apply(a, [Move("s0", None, 1)]).tree
    changes = diff(a, b)
    assert [(c.op, c.id) for c in changes] == [("move", "s0")]
    assert apply(a, changes).tree == b


def test_adding_at_the_front_of_many_siblings_renumbers_them_once():
    from workshop.taxonomy import apply, changes

    a = flat(2000)
    added = [
        changes.add(f"new{i}", "all", 0, {"ar": f"جديد {i}", "en": f"New {i}"}) for i in range(50)
    ]
    b = apply(a, added).tree
    assert b.children_of("all")[:2] == ("new49", "new48")
    assert [b[c].position for c in b.children_of("all")] == list(range(2050))
    assert [(c.op, c.id) for c in diff(a, b)] == [("add", f"new{i}") for i in range(49, -1, -1)]


def test_a_reversed_sibling_list_moves_all_but_one():
    from workshop.taxonomy import Move, apply, build, diff, make_concept

    a = flat(6)
    b = build(
        [
            a["all"],
            *(make_concept(f"s{i}", a[f"s{i}"].labels, None, "all", 5 - i) for i in range(6)),
        ]
    )
    changes = diff(a, b)
    assert sum(isinstance(c, Move) for c in changes) == 5
    assert apply(a, changes).tree == b


def test_a_sibling_that_kept_its_index_while_others_moved_around_it_is_still_placed():
    from workshop.taxonomy import Move, apply, build, diff, make_concept
    from workshop.taxonomy import changes as ch

    a = build(make_concept(c, {"en": c.upper()}, None, None, i) for i, c in enumerate("abcd"))
    b = apply(a, [ch.add("n", None, 0, {"en": "N"}), Move("a", None, 2)]).tree
    assert b.roots == ("n", "b", "a", "c", "d") and b["b"] is a["b"]  # b kept index 1
    assert apply(a, diff(a, b)).tree == b
