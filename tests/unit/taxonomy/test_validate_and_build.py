"""Validation rules, one example each, and building trees from loose concepts."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.taxonomy.invariants import check_invariants
from tests.unit.taxonomy.trees import services, trees
from workshop.taxonomy.build import assemble, build
from workshop.taxonomy.details import make_details
from workshop.taxonomy.findings import Severity, TreeError
from workshop.taxonomy.model import Status, make_concept
from workshop.taxonomy.text import clean, label_key
from workshop.taxonomy.validate import RULES, Policy, validate


def rules(findings):
    return sorted((f.rule, f.concept) for f in findings)


def test_the_example_tree_is_valid():
    tree = services()
    assert validate(tree) == [] and check_invariants(tree) == []


@pytest.mark.parametrize(
    ("concepts", "expected"),
    [
        ([make_concept("a", {"ar": "أ"}), make_concept("a", {"ar": "ب"})], [("duplicate_id", "a")]),
        (
            [
                make_concept("a", {"ar": "أ"}, parent="b"),
                make_concept("b", {"ar": "ب"}, parent="a"),
            ],
            [("cycle", "a"), ("cycle", "b")],
        ),
        ([make_concept("a", {"ar": "أ"}, parent="a")], [("cycle", "a")]),
        ([make_concept("a", {"ar": "أ"}, parent="ghost")], [("dangling_parent", "a")]),
        (
            [
                make_concept("a", {"ar": "أ"}, status=Status.RETIRED),
                make_concept("b", {"ar": "ب"}, parent="a"),
            ],
            [("parent_retired", "b")],
        ),
    ],
    ids=["duplicate id", "cycle of two", "own parent", "dangling parent", "retired parent"],
)
@pytest.mark.parametrize("make", [build, assemble])
def test_structural_faults_always_block(concepts, expected, make):
    with pytest.raises(TreeError) as error:
        make(concepts)
    assert rules(error.value.findings) == expected
    assert all(f.severity is Severity.ERROR for f in error.value.findings)


def test_a_cycle_below_a_valid_root_is_found_and_the_root_is_not_blamed():
    with pytest.raises(TreeError) as error:
        build(
            [
                make_concept("root", {"ar": "ج"}),
                make_concept("a", {"ar": "أ"}, parent="b"),
                make_concept("b", {"ar": "ب"}, parent="a"),
                make_concept("c", {"ar": "ت"}, parent="a"),
            ]
        )
    assert rules(error.value.findings) == [("cycle", "a"), ("cycle", "b")]


def test_positions_are_renumbered_densely_in_the_order_given():
    tree = build(
        [
            make_concept("b", {"ar": "ب"}, position=7),
            make_concept("a", {"ar": "أ"}, position=3),
            make_concept("c", {"ar": "ت"}, position=7),
        ]
    )
    assert tree.roots == ("a", "b", "c")
    assert [tree[c].position for c in tree.roots] == [0, 1, 2]


@pytest.mark.parametrize(
    ("concept", "rule", "severity"),
    [
        (make_concept("x", {}), "no_label", Severity.ERROR),
        (make_concept("x", {"en": "English only"}), "missing_language", Severity.WARNING),
        (make_concept("x", {"ar": "نص\u200bخفي"}), "unprintable_label", Severity.ERROR),
        (
            make_concept("x", {"ar": "أ"}, replaced_by="ghost"),
            "dangling_reference",
            Severity.WARNING,
        ),
    ],
)
def test_each_concept_rule(concept, rule, severity):
    findings = validate(build([concept]))
    assert [(f.rule, f.severity) for f in findings] == [(rule, severity)]
    assert findings[0].text("ar") and findings[0].text("en")


def test_duplicate_sibling_labels_are_errors_in_the_tool_and_warnings_on_import():
    tree = build(
        [
            make_concept("a", {"ar": "الصحة", "en": "Health"}),
            make_concept("b", {"ar": "الصحـة", "en": "Care"}, position=1),
        ]
    )
    assert [(f.rule, f.severity) for f in validate(tree)] == [("duplicate_label", Severity.ERROR)]
    imported = validate(tree, Policy().for_import())
    assert [(f.rule, f.severity) for f in imported] == [("duplicate_label", Severity.WARNING)]


def test_the_same_label_under_different_parents_is_fine():
    tree = build(
        [
            make_concept("a", {"ar": "أ"}),
            make_concept("b", {"ar": "ب"}, position=1),
            make_concept("a1", {"ar": "عام"}, parent="a"),
            make_concept("b1", {"ar": "عام"}, parent="b"),
        ]
    )
    assert validate(tree) == []


def test_two_concepts_with_one_iri_are_an_error_that_names_both():
    iri = "https://example.org/t/health"
    tree = build(
        [
            make_concept("a", {"ar": "أ"}, details=make_details(iri=iri)),
            make_concept("b", {"ar": "ب"}, position=1, details=make_details(iri=iri)),
        ]
    )
    findings = validate(tree)
    assert [(f.rule, f.severity, f.concept) for f in findings] == [
        ("duplicate_iri", Severity.ERROR, "b")
    ]
    assert "a" in findings[0].text("en") and iri in findings[0].text("ar")


def test_every_rule_has_an_example_here():
    exercised = {
        "duplicate_iri",
        "duplicate_id",
        "cycle",
        "dangling_parent",
        "parent_retired",
        "no_label",
        "missing_language",
        "unprintable_label",
        "dangling_reference",
        "duplicate_label",
    }
    assert set(RULES) == exercised


def test_text_is_nfc_normalised_and_stripped_on_the_way_in():
    decomposed = "e\u0301"  # e + combining acute
    concept = make_concept(" x ", {"en": f"  Caf{decomposed} "})
    assert concept.id == "x" and concept.labels["en"] == "Caf\u00e9"
    assert clean("\u0627\u0653") == "\u0622"  # alef + madda -> alef with madda


def test_label_keys_ignore_case_spacing_and_tatweel_but_not_letters():
    assert label_key("  الـصـحـة   العامة ") == label_key("الصحة العامة")
    assert label_key("Health  Care") == label_key("health care")
    assert label_key("الصحة") != label_key("الصحه")


def test_tree_lookups():
    tree = services()
    assert tree.ancestors("public-schools") == ["schools", "education"]
    assert tree.path("public-schools") == ["education", "schools", "public-schools"]
    assert tree.depth("public-schools") == 2 and tree.depth("health") == 0
    assert tree.descendants("education") == ["schools", "public-schools"]
    assert [c.id for c in tree.walk()][:4] == ["health", "hospitals", "clinics", "insurance"]
    assert tree.active_count() == 8 and len(tree) == 9


@settings(max_examples=150, deadline=None)
@given(tree=trees(), data=st.data())
def test_assembling_a_stored_order_gives_what_build_gives(tree, data):
    """assemble() takes concepts as a stored version reads back (positions dense among
    siblings, retired ones without a place); what it gives is build()'s tree, in the same
    order; given anything else (shuffled, or a position off), it still gives build()'s."""
    concepts = list(tree.concepts.values())
    made = assemble(concepts)
    assert made == build(concepts) and list(made.concepts) == list(tree.concepts)
    assert {k: v for k, v in made.children.items() if v} == {
        k: v for k, v in tree.children.items() if v
    }
    check_invariants(made)
    shuffled = data.draw(st.permutations(concepts))
    assert assemble(shuffled) == build(shuffled)
    if concepts:
        n = data.draw(st.integers(0, len(concepts) - 1))
        off = [replace(c, position=c.position + 1) if i == n else c for i, c in enumerate(concepts)]
        assert assemble(off) == build(off)


def test_assemble_finds_a_cycle_that_hangs_below_nothing():
    """Every parent present and active, positions dense: only reachability tells."""
    concepts = [
        make_concept("root", {"ar": "ج"}),
        make_concept("a", {"ar": "أ"}, parent="b"),
        make_concept("b", {"ar": "ب"}, parent="a"),
    ]
    with pytest.raises(TreeError) as error:
        assemble(concepts)
    assert rules(error.value.findings) == [("cycle", "a"), ("cycle", "b")]
