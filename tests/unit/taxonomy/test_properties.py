"""Property-based tests: random trees and random change sets keep every invariant."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.unit.taxonomy.invariants import check_invariants
from tests.unit.taxonomy.trees import change_lists, trees
from workshop.taxonomy import changes as ch
from workshop.taxonomy.apply import Result, apply
from workshop.taxonomy.diff import diff
from workshop.taxonomy.formats import csv_format, json_export, json_format, skos_format
from workshop.taxonomy.merge import Proposal, merge
from workshop.taxonomy.model import Tree
from workshop.taxonomy.validate import validate

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def label_errors(tree):
    return [f for f in validate(tree) if f.rule == "duplicate_label"]


@SETTINGS
@given(st.data())
def test_random_changes_keep_every_invariant(data):
    tree = data.draw(trees(max_size=300))
    changes = data.draw(change_lists(tree, max_changes=40))
    result = apply(tree, changes)
    assert check_invariants(result.tree) == []
    assert label_errors(result.tree) == []
    assert len(result.outcomes) == len(changes)
    # ids are never lost or reused: every old concept is still there
    assert set(tree.concepts) <= set(result.tree.concepts)
    # A retired concept is edited only by a change that says it knew it was retired (none
    # of these do): it keeps its labels and details unless it was brought back.
    for concept_id, old in tree.concepts.items():
        now = result.tree[concept_id]
        if not old.active and not now.active:
            assert (now.labels, now.notes, now.details) == (old.labels, old.notes, old.details)


@SETTINGS
@given(st.data())
def test_diff_then_apply_gives_the_second_tree(data):
    a = data.draw(trees())
    b = apply(a, data.draw(change_lists(a))).tree
    assert apply(a, diff(a, b)).tree == b


@SETTINGS
@given(st.data())
def test_diff_between_two_unrelated_edits_of_a_tree_applies_in_either_direction(data):
    origin = data.draw(trees())
    a = apply(origin, data.draw(change_lists(origin, max_changes=6))).tree
    b = apply(origin, data.draw(change_lists(origin, max_changes=6))).tree
    assert becomes(apply(a, diff(a, b)).tree, b)
    assert becomes(apply(b, diff(b, a)).tree, a)
    assert diff(b, b) == []


def becomes(result, target) -> bool:
    """What diff promises: every concept of the target exactly as it is there (reinstated,
    relabelled, re-pointed, whatever it takes); ids are never deleted, so a concept the
    target never had is retired."""
    extra = result.concepts.keys() - target.concepts.keys()
    return all(result.get(c) == concept for c, concept in target.concepts.items()) and not any(
        result[c].active for c in extra
    )


@SETTINGS
@given(st.data())
def test_three_way_apply_on_an_unchanged_base_equals_plain_apply(data):
    tree = data.draw(trees())
    changes = data.draw(change_lists(tree))
    plain, three_way = apply(tree, changes), apply(tree, changes, base=tree)
    assert three_way.tree == plain.tree
    assert [o.result for o in three_way.outcomes] == [o.result for o in plain.outcomes]


@SETTINGS
@given(st.data())
def test_merge_is_deterministic_and_never_overwrites_a_concurrent_change(data):
    base = data.draw(trees())
    proposals = [
        Proposal(i, data.draw(change_lists(base, max_changes=6)), base)
        for i in range(data.draw(st.integers(1, 4)))
    ]
    first, second = merge(base, proposals), merge(base, proposals)
    assert first == second
    assert check_invariants(first.tree) == [] and label_errors(first.tree) == []
    # A label that an accepted proposal changed is never changed again by a later accepted
    # proposal written on the same base: it did not see that value, so it must conflict.
    changed_by: dict[tuple[str, str], object] = {}
    for report, proposal in zip(first.proposals, proposals, strict=True):
        if not report.accepted:
            continue
        final: dict[tuple[str, str], object] = {}
        for outcome, change in zip(report.outcomes, proposal.changes, strict=True):
            if isinstance(change, ch.Relabel) and outcome.result is Result.APPLIED:
                for language, value in change.labels.items():
                    final[(change.id, language)] = value
        for (concept_id, language), value in final.items():
            concept = base.get(concept_id)
            if concept is not None and concept.labels.get(language) == value:
                continue  # set back to what the base had: nothing concurrent was lost
            assert (concept_id, language) not in changed_by, "a concurrent change was lost"
            changed_by[(concept_id, language)] = value
    for (concept_id, language), value in changed_by.items():
        concept = first.tree.get(concept_id)
        assert concept is not None and concept.labels.get(language) == value


@SETTINGS
@given(trees())
def test_json_round_trip_is_lossless(tree):
    document = json_format.export_document(
        tree, {"slug": "t", "name": {"ar": "تصنيف"}}, {"number": 1}
    )
    assert json_format.read(json_format.dumps(document)).tree == tree


@SETTINGS
@given(trees())
def test_csv_round_trip_is_lossless(tree):
    assert csv_format.read(csv_format.write(tree)).tree == tree


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees(max_size=25))
def test_skos_round_trip_is_lossless(tree):
    assert skos_format.read(skos_format.write(tree, "t")).tree == tree


@SETTINGS
@given(st.data())
def test_one_move_is_diffed_as_at_most_one_move(data):
    a = data.draw(trees())
    active = sorted(c for c in a.concepts if a[c].active)
    assume(active)
    moved = data.draw(st.sampled_from(active))
    parent = data.draw(st.sampled_from([None, *active]))
    position = data.draw(st.integers(0, 30))
    applied = apply(a, [ch.Move(moved, parent, position)])
    assume(applied.ok)
    changes = diff(a, applied.tree)
    # (Swapping two siblings is one move of either: both are as small.)
    assert len(changes) <= 1 and all(isinstance(c, ch.Move) for c in changes)
    assert apply(a, changes).tree == applied.tree


@SETTINGS
@given(st.data())
def test_exports_and_diffs_do_not_depend_on_the_order_concepts_were_read_in(data):
    """A version read alone and one read beside another hold their concepts in the order
    of their rows, which the database does not promise: the same version must export the
    same bytes (its strong ETag says so) and diff the same either way."""
    from workshop.taxonomy.model import Status, Tree, make_concept

    a = data.draw(trees())
    b = apply(a, data.draw(change_lists(a))).tree
    born_retired = [  # (new since a and retired already: a file can say so)
        make_concept(f"late-{n}", {"en": f"Late {n}"}, status=Status.RETIRED)
        for n in range(data.draw(st.integers(0, 3)))
    ]
    b = Tree(concepts={**b.concepts, **{c.id: c for c in born_retired}}, children=b.children)
    order = data.draw(st.permutations(list(b.concepts)))
    shuffled = Tree(concepts={c: b.concepts[c] for c in order}, children=b.children)
    meta = ({"slug": "t"}, {"number": 1})
    assert json_format.export_bytes(shuffled, *meta) == json_format.export_bytes(b, *meta)
    assert json_export._stream(shuffled, *meta) == json_export._stream(b, *meta)
    assert csv_format.write(shuffled) == csv_format.write(b)
    assert diff(a, shuffled) == diff(a, b)


@SETTINGS
@given(st.data())
def test_the_streamed_json_export_equals_the_nested_one(data):
    tree = data.draw(trees())
    meta = ({"slug": "t"}, {"number": 1})
    nested = json_format.dumps(json_format.export_document(tree, *meta))
    assert json_export._stream(tree, *meta) == nested


@SETTINGS
@given(st.data())
def test_the_json_export_is_the_nested_document_encoded(data):
    """export_bytes writes structs, not export_document()'s dicts: the bytes must be the
    same, details, retired concepts, emptied parents and any text included."""
    built = data.draw(trees())
    tree = apply(built, data.draw(change_lists(built))).tree
    texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
    meta = (
        {"slug": "t", "name": {"ar": data.draw(texts)}},
        {"number": 1, "note": data.draw(texts)},
    )
    relabelled = Tree(
        concepts={
            i: replace(
                c, labels={**c.labels, "en": data.draw(texts)}, notes={"x": data.draw(texts)}
            )
            for i, c in tree.concepts.items()
        },
        children=tree.children,
    )
    for one in (built, tree, relabelled):
        assert json_format.export_bytes(one, *meta) == json_format.dumps(
            json_format.export_document(one, *meta)
        )
