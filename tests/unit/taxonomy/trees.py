"""Small named trees and hypothesis strategies for the engine tests."""

from __future__ import annotations

from hypothesis import strategies as st

from workshop.taxonomy import changes as ch
from workshop.taxonomy.build import build
from workshop.taxonomy.details import NO_DETAILS, Details, make_details
from workshop.taxonomy.model import Status, Tree, make_concept

ARABIC_WORDS = [
    "الصحة",
    "التعليم",
    "الإسكان",
    "العمل",
    "النقل",
    "البيئة",
    "العدل",
    "الزكاة",
    "المرور",
    "الجوازات",
    "التأمين",
    "الـتـراخيص",
    "المياه",
    "الكهرباء",
]
ENGLISH_WORDS = [
    "Health",
    "Education",
    "Housing",
    "Work",
    "Transport",
    "Environment",
    "Justice",
    "Zakat",
    "Traffic",
    "Passports",
    "Insurance",
    "Licences",
    "Water",
]


def services() -> Tree:
    """A small bilingual services tree used by the example tests."""
    return build(
        [
            make_concept("health", {"ar": "الصحة", "en": "Health"}),
            make_concept("education", {"ar": "التعليم", "en": "Education"}, position=1),
            make_concept("housing", {"ar": "الإسكان", "en": "Housing"}, position=2),
            make_concept("hospitals", {"ar": "المستشفيات", "en": "Hospitals"}, parent="health"),
            make_concept(
                "clinics", {"ar": "العيادات", "en": "Clinics"}, parent="health", position=1
            ),
            make_concept(
                "insurance",
                {"ar": "التأمين الصحي", "en": "Health insurance"},
                {"ar": "تشمل بطاقات الضمان", "en": "Includes coverage cards"},
                parent="health",
                position=2,
            ),
            make_concept("schools", {"ar": "المدارس", "en": "Schools"}, parent="education"),
            make_concept(
                "public-schools",
                {"ar": "المدارس الحكومية", "en": "Public schools"},
                parent="schools",
            ),
            make_concept(
                "old-grants",
                {"ar": "المنح القديمة", "en": "Old grants"},
                status=Status.RETIRED,
                replaced_by="education",
            ),
        ]
    )


@st.composite
def trees(draw: st.DrawFn, max_size: int = 60) -> Tree:
    """Random valid bilingual trees: parents come before children, labels unique."""
    size = draw(st.integers(min_value=1, max_value=max_size))
    concepts = []
    for i in range(size):
        parent = draw(
            st.one_of(st.none(), st.integers(0, i - 1).map(lambda p: f"c{p}")) if i else st.none()
        )
        word = draw(st.integers(0, len(ARABIC_WORDS) - 1))
        note = draw(st.sampled_from([None, "ملاحظة\nمن سطرين", "Scope: includes permits"]))
        concepts.append(
            make_concept(
                f"c{i}",
                {"ar": f"{ARABIC_WORDS[word]} {i}", "en": f"{ENGLISH_WORDS[word % 13]} {i}"},
                {"ar": note} if note else None,
                parent,
                position=draw(st.integers(0, 5)),
                details=draw(details(f"c{i}")),
            )
        )
    retired = draw(st.integers(0, 3))
    concepts.extend(
        make_concept(
            f"r{j}",
            {"ar": f"متقاعد {j}", "en": f"Retired {j}"},
            status=Status.RETIRED,
            replaced_by="c0" if j % 2 else None,
            details=draw(details(f"r{j}")),
        )
        for j in range(retired)
    )
    return build(concepts)


@st.composite
def details(draw: st.DrawFn, n: int | str) -> Details:
    """Mostly none; otherwise some of each kind of detail, in Arabic and English."""
    if not draw(st.booleans()):
        return NO_DETAILS
    word = draw(st.integers(0, len(ARABIC_WORDS) - 1))
    return make_details(
        alt_labels=draw(
            st.sampled_from([{}, {"ar": [ARABIC_WORDS[word]]}, {"en": [ENGLISH_WORDS[word % 13]]}])
        ),
        hidden_labels=draw(st.sampled_from([{}, {"ar": ["الصحه"]}])),
        notations=draw(st.sampled_from([[], [f"0{n}"], [f"{n}", f"X{n}"]])),
        related=draw(st.sampled_from([[], ["c0"], ["c1", "c2"]])),
        mappings=draw(st.sampled_from([{}, {"exact": [f"http://example.org/cofog/{n}"]}])),
        other_notes=draw(
            st.sampled_from(
                [{}, {"definition": {"en": ["Defined"]}}, {"note": {"ar": ["أ | ب", "C:\\x\\"]}}]
            )
        ),
        iri=draw(st.sampled_from([None, f"http://example.org/t/{n}"])),
    )


@st.composite
def change_lists(draw: st.DrawFn, tree: Tree, max_changes: int = 12) -> list[ch.Change]:
    """Random changes, valid or not, that refer to the tree's concepts and some new ones."""
    ids = sorted(tree.concepts)
    pool = [*ids, "new-a", "new-b", "missing"]
    count = draw(st.integers(0, max_changes))
    result: list[ch.Change] = []
    for n in range(count):
        op = draw(st.sampled_from(ch.OPS))
        target = draw(st.sampled_from(pool))
        other = draw(st.one_of(st.none(), st.sampled_from(pool)))
        position = draw(st.integers(0, 6))
        word = draw(st.integers(0, len(ARABIC_WORDS) - 1))
        labels = {
            "ar": f"{ARABIC_WORDS[word]} {draw(st.integers(0, 3))}",
            "en": f"{ENGLISH_WORDS[word % 13]} x{n}",
        }
        if op == "add":
            result.append(ch.add(f"n{n}-{target}", other, position, labels))
        elif op == "relabel":
            result.append(
                ch.relabel(
                    target,
                    draw(st.sampled_from([labels, {"en": labels["en"]}, {"ar": labels["ar"]}])),
                )
            )
        elif op == "move":
            result.append(ch.Move(target, other, position))
        elif op == "retire":
            policy = draw(st.sampled_from(list(ch.ChildPolicy)))
            result.append(ch.Retire(target, policy, other))
        elif op == "annotate":
            result.append(
                ch.annotate(
                    target,
                    **draw(
                        st.sampled_from(
                            [
                                {"notations": [f"N{n}"]},
                                {"alt_labels": {"ar": [labels["ar"]]}, "related": []},
                                {"mappings": {}, "iri": f"http://example.org/x/{n}"},
                            ]
                        )
                    ),
                )
            )
        elif op == "reinstate":
            result.append(ch.Reinstate(target, other, position))
        else:
            result.append(ch.Merge(target, other or "c0"))
    return result
