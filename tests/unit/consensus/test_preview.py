"""The proposal's mini-tree: touched concepts, the paths above them, marks, and counts of
what is left out."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.consensus.preview import Branch, Mark, around
from workshop.taxonomy import apply, build, make_concept
from workshop.taxonomy import changes as ch
from workshop.taxonomy.model import Tree

from ..taxonomy.trees import change_lists, trees


def tree() -> Tree:
    #  health ─ hospitals ─ wards
    #         └ clinics
    #  education ─ schools
    #  transport
    rows = [
        ("health", None, "الصحة", "Health"),
        ("hospitals", "health", "المستشفيات", "Hospitals"),
        ("wards", "hospitals", "الأجنحة", "Wards"),
        ("clinics", "health", "العيادات", "Clinics"),
        ("education", None, "التعليم", "Education"),
        ("schools", "education", "المدارس", "Schools"),
        ("transport", None, "النقل", "Transport"),
    ]
    return build(
        make_concept(i, {"ar": ar, "en": en}, parent=p, position=n)
        for n, (i, p, ar, en) in enumerate(rows)
    )


def drawn(branches: tuple[Branch, ...], depth: int = 0) -> list[str]:
    lines = []
    for b in branches:
        marks = ",".join(b.marks)
        lines.append(
            "  " * depth
            + b.id
            + (f" [{marks}]" if marks else "")
            + (f" +{b.others}" if b.others else "")
        )
        lines.extend(drawn(b.children, depth + 1))
    return lines


def picture(changes: list[ch.Change]) -> list[str]:
    base = tree()
    result = apply(base, changes, base=base)
    assert not result.conflicts
    preview = around(base, result.tree, changes)
    return [*drawn(preview.roots), f"others at the top: {preview.others}"]


def test_an_addition_is_shown_under_its_parent_with_the_path_above():
    assert picture([ch.add("pharmacies", "clinics", 0, {"ar": "الصيدليات"})]) == [
        "health +1",
        "  clinics",
        "    pharmacies [added]",
        "others at the top: 2",
    ]


def test_a_move_shows_the_concept_at_its_new_place():
    assert picture([ch.Move("schools", "health", 0), ch.relabel("wards", {"en": "Ward"})]) == [
        "health +1",
        "  schools [moved]",
        "  hospitals",
        "    wards [relabelled]",
        "others at the top: 2",
    ]


def test_a_retired_concept_stays_where_it_was_struck_through():
    lines = picture([ch.Retire("hospitals", ch.ChildPolicy.CASCADE)])
    assert lines == ["health +1", "  hospitals [retired]", "others at the top: 2"]


def test_a_merge_marks_both_ends():
    lines = picture([ch.Merge("clinics", "hospitals")])
    assert lines == [
        "health",
        "  hospitals [receives] +1",
        "  clinics [retired]",
        "others at the top: 2",
    ]


def test_the_picture_is_cut_at_the_limit_and_says_how_many_it_shows():
    base = tree()
    changes = [ch.add(f"n{i}", "transport", i, {"en": f"New {i}"}) for i in range(30)]
    result = apply(base, changes, base=base).tree
    preview = around(base, result, changes, limit=10)
    assert (preview.touched, preview.shown) == (30, 10)
    (transport,) = preview.roots
    assert len(transport.children) == 10 and transport.others == 20


def test_a_chain_5000_deep_is_drawn_without_recursion():
    concepts = [make_concept("c0", {"en": "c0"})]
    concepts += [make_concept(f"c{i}", {"en": f"c{i}"}, parent=f"c{i - 1}") for i in range(1, 5000)]
    base = build(concepts)
    changes = [ch.relabel("c4999", {"en": "deepest"})]
    preview = around(base, apply(base, changes, base=base).tree, changes)
    depth, branch = 0, preview.roots[0]
    while branch.children:
        depth, branch = depth + 1, branch.children[0]
    assert (depth, branch.id, branch.marks) == (4999, "c4999", (Mark.RELABELLED,))
    rows = preview.rows()
    assert [d for d, _b in rows] == list(range(5000)) and rows[-1][1] is branch


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_every_touched_concept_is_shown_once_under_its_place(data):
    base = data.draw(trees())
    changes = data.draw(change_lists(base))
    applied = apply(base, changes, base=base)
    kept = [o.change for o in applied.outcomes if o.conflict is None]
    result = apply(base, kept, base=base).tree
    preview = around(base, result, kept)
    seen: dict[str, str | None] = {}

    def visit(branches: tuple[Branch, ...], parent: str | None) -> None:
        for b in branches:
            assert b.id not in seen, "a concept drawn twice"
            seen[b.id] = parent
            assert b.active == result[b.id].active
            if b.active:
                assert result[b.id].parent == parent  # an active concept is at its real place
            else:
                assert not b.children
            visit(b.children, b.id)

    visit(preview.roots, None)
    assert [b.id for _d, b in preview.rows()] == list(seen)  # the lines in the same order
    touched = {c.id for c in kept if c.id in result}
    assert touched <= set(seen)
    assert preview.touched >= len(touched)
