"""Examples of applying each operation, and of each kind of conflict."""

from __future__ import annotations

import pytest

from tests.unit.taxonomy.invariants import check_invariants
from tests.unit.taxonomy.trees import services
from workshop.taxonomy import changes as ch
from workshop.taxonomy.apply import Result, apply
from workshop.taxonomy.findings import Severity
from workshop.taxonomy.model import Status
from workshop.taxonomy.validate import Policy


def only(applied):
    assert len(applied.outcomes) == 1
    return applied.outcomes[0]


def test_add_places_a_new_concept_and_renumbers_its_siblings():
    result = apply(services(), [ch.add("dental", "health", 1, {"ar": "الأسنان", "en": "Dental"})])
    tree = result.tree
    assert tree.children_of("health") == ("hospitals", "dental", "clinics", "insurance")
    assert [tree[c].position for c in tree.children_of("health")] == [0, 1, 2, 3]
    assert check_invariants(tree) == []


def test_add_clamps_a_position_past_the_end():
    tree = apply(services(), [ch.add("dental", "health", 99, {"ar": "الأسنان"})]).tree
    assert tree.children_of("health")[-1] == "dental"


def test_relabel_changes_only_the_languages_it_names():
    tree = apply(services(), [ch.relabel("clinics", {"en": "Primary care"})]).tree
    assert dict(tree["clinics"].labels) == {"ar": "العيادات", "en": "Primary care"}


def test_relabel_with_none_removes_a_note():
    tree = apply(services(), [ch.relabel("insurance", notes={"en": None})]).tree
    assert dict(tree["insurance"].notes) == {"ar": "تشمل بطاقات الضمان"}


def test_move_to_another_parent_and_back_within_one_parent():
    tree = apply(services(), [ch.Move("clinics", "education", 0), ch.Move("housing", None, 0)]).tree
    assert tree.children_of("education") == ("clinics", "schools")
    assert tree.roots == ("housing", "health", "education")
    assert check_invariants(tree) == []


def test_retire_with_promote_puts_the_children_in_its_place():
    tree = apply(services(), [ch.Retire("health", ch.ChildPolicy.PROMOTE, "education")]).tree
    assert tree.roots == ("hospitals", "clinics", "insurance", "education", "housing")
    assert tree["health"].status is Status.RETIRED and tree["health"].replaced_by == "education"
    assert tree["health"].parent is None


def test_retire_with_cascade_retires_the_descendants_too():
    tree = apply(services(), [ch.Retire("education", ch.ChildPolicy.CASCADE)]).tree
    assert {c.id for c in tree.retired()} == {
        "old-grants",
        "education",
        "schools",
        "public-schools",
    }
    assert check_invariants(tree) == []


def test_merge_moves_the_children_and_retires_with_a_pointer():
    tree = apply(services(), [ch.Merge("education", "housing")]).tree
    assert tree.children_of("housing") == ("schools",)
    assert tree["education"].replaced_by == "housing" and not tree["education"].active


def test_json_form_round_trips_every_operation():
    base = services()
    changes = [
        ch.add("dental", "health", 1, {"ar": "الأسنان", "en": "Dental"}, {"en": "Teeth"}),
        ch.relabel("clinics", {"en": "Primary care", "ar": None}, {"en": "note"}),
        ch.Move("clinics", "education", 0),
        ch.Retire("education", ch.ChildPolicy.CASCADE, "housing"),
        ch.Merge("hospitals", "clinics"),
    ]
    for change in changes:
        seen = ch.with_seen(change, base)
        assert ch.from_json(ch.to_json(seen)) == seen
        assert ch.from_json(ch.to_json(change)) == change


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"op": "rename", "id": "x"}, "unknown op"),
        ({"op": "add", "id": ""}, "'id'"),
        ({"op": "add", "id": "x", "position": -1, "labels": {"ar": "س"}}, "'position'"),
        ({"op": "relabel", "id": "x"}, "give 'labels' or 'notes'"),
        ({"op": "relabel", "id": "x", "labels": {"ar": 5}}, "'labels'"),
        ({"op": "retire", "id": "x", "children": "orphan"}, "'children'"),
        ({"op": "merge", "id": "x"}, "'into'"),
        ("add", "JSON object"),
    ],
)
def test_bad_json_changes_are_rejected_naming_the_field(data, message):
    with pytest.raises(ch.ChangeFormatError, match=message):
        ch.from_json(data)


# -- conflicts -----------------------------------------------------------------------------

CONFLICTS = [
    ("unknown_concept", [ch.relabel("nowhere", {"en": "X"})]),
    ("concept_retired", [ch.Move("old-grants", "health", 0)]),
    ("id_taken", [ch.add("old-grants", None, 0, {"ar": "جديد"})]),
    ("dangling_parent", [ch.add("x", "nowhere", 0, {"ar": "جديد"})]),
    ("parent_retired", [ch.add("x", "old-grants", 0, {"ar": "جديد"})]),
    ("cycle", [ch.Move("education", "public-schools", 0)]),
    ("no_label", [ch.add("x", None, 0, {})]),
    ("unprintable_label", [ch.add("x", None, 0, {"ar": "جديد\u0007"})]),
    ("duplicate_label", [ch.relabel("clinics", {"en": "  hospitals "})]),
    ("invalid_replacement", [ch.Retire("education", ch.ChildPolicy.CASCADE, "schools")]),
    (
        "changed_since_base",
        [ch.relabel("clinics", {"en": "Care"}, seen=ch.RelabelSeen({"en": "Clinic"}, {}))],
    ),
    (
        "children_changed",
        [
            ch.Retire(
                "education", ch.ChildPolicy.CASCADE, seen=ch.RetireSeen(Status.ACTIVE, ("schools",))
            )
        ],
    ),
]


@pytest.mark.parametrize(("kind", "changes"), CONFLICTS, ids=[k for k, _ in CONFLICTS])
def test_each_conflict_kind_is_reported_and_nothing_is_applied(kind, changes):
    before = services()
    result = apply(before, changes)
    outcome = only(result)
    assert outcome.result is Result.CONFLICT
    assert outcome.conflict.kind == kind
    assert outcome.conflict.text("en") and outcome.conflict.text("ar") != outcome.conflict.text(
        "en"
    )
    assert result.tree == before


def test_missing_arabic_is_a_warning_by_default_and_an_error_when_the_taxonomy_says_so():
    change = [ch.add("x", None, 0, {"en": "English only"})]
    lenient = apply(services(), change)
    assert lenient.ok and [w.rule for w in lenient.warnings] == ["missing_language"]
    strict = apply(services(), change, policy=Policy(missing_language=Severity.ERROR))
    assert only(strict).conflict.kind == "missing_language"


def test_labels_compare_without_case_spacing_or_tatweel():
    result = apply(services(), [ch.add("x", "health", 0, {"ar": "المـسـتـشـفـيـات"})])
    assert only(result).conflict.kind == "duplicate_label"


def test_two_siblings_may_swap_labels_in_one_change_set():
    result = apply(
        services(),
        [ch.relabel("hospitals", {"en": "Clinics"}), ch.relabel("clinics", {"en": "Hospitals"})],
    )
    assert result.ok
    assert result.tree["hospitals"].labels["en"] == "Clinics"


def test_a_conflicting_change_is_skipped_whole_and_the_rest_applied():
    result = apply(
        services(),
        [
            ch.add("dental", "health", 0, {"ar": "الأسنان", "en": "Dental"}),
            ch.relabel("clinics", {"en": "Dental"}),  # clashes with the new sibling
            ch.relabel("housing", {"en": "Homes"}),
        ],
    )
    assert [o.result for o in result.outcomes] == [Result.APPLIED, Result.CONFLICT, Result.APPLIED]
    assert result.tree["clinics"].labels["en"] == "Clinics"
    assert result.tree["housing"].labels["en"] == "Homes"


# -- three-way -----------------------------------------------------------------------------


def test_three_way_applies_what_did_not_change_since_base():
    base = services()
    current = apply(base, [ch.relabel("housing", {"en": "Homes"})]).tree
    result = apply(current, [ch.relabel("clinics", {"en": "Care"})], base=base)
    assert result.ok and result.tree["clinics"].labels["en"] == "Care"


def test_three_way_is_a_noop_when_the_value_is_already_there():
    base = services()
    current = apply(base, [ch.relabel("clinics", {"en": "Care"})]).tree
    assert only(apply(current, [ch.relabel("clinics", {"en": "Care"})], base=base)).result is (
        Result.NOOP
    )


def test_three_way_conflicts_when_someone_else_changed_the_same_field():
    base = services()
    current = apply(base, [ch.relabel("clinics", {"en": "Primary care"})]).tree
    outcome = only(apply(current, [ch.relabel("clinics", {"en": "Care"})], base=base))
    assert outcome.conflict.kind == "changed_since_base"
    assert outcome.conflict.params["current"] == "Primary care"
    assert outcome.conflict.params["seen"] == "Clinics"


def test_a_move_conflicts_when_the_concept_was_moved_elsewhere_meanwhile():
    base = services()
    current = apply(base, [ch.Move("clinics", "education", 0)]).tree
    outcome = only(apply(current, [ch.Move("clinics", "housing", 0)], base=base))
    assert outcome.conflict.kind == "changed_since_base"
    assert outcome.conflict.params["field"] == "parent"


def test_a_move_already_done_by_someone_else_is_a_noop():
    base = services()
    current = apply(base, [ch.Move("clinics", "housing", 0)]).tree
    assert only(apply(current, [ch.Move("clinics", "housing", 3)], base=base)).result is (
        Result.NOOP
    )


def test_a_cascade_conflicts_when_a_child_was_added_meanwhile():
    base = services()
    current = apply(
        base, [ch.add("universities", "education", 1, {"ar": "الجامعات", "en": "Universities"})]
    ).tree
    outcome = only(apply(current, [ch.Retire("education", ch.ChildPolicy.CASCADE)], base=base))
    assert outcome.conflict.kind == "children_changed"
    assert current["universities"].active


def test_retiring_twice_the_same_way_is_a_noop_and_differently_a_conflict():
    base = services()
    current = apply(base, [ch.Retire("housing", replaced_by="health")]).tree
    same = apply(current, [ch.Retire("housing", replaced_by="health")], base=base)
    other = apply(current, [ch.Retire("housing", replaced_by="education")], base=base)
    assert only(same).result is Result.NOOP
    assert only(other).conflict.kind == "changed_since_base"
