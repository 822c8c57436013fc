"""File formats on the real classifications in ../shared/data, and on every kind of bad file."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.unit.taxonomy.trees import services
from workshop.taxonomy.build import build
from workshop.taxonomy.formats import (
    FormatError,
    csv_format,
    json_export,
    json_format,
    skos_format,
    xlsx_format,
)
from workshop.taxonomy.model import Status, make_concept
from workshop.taxonomy.text import clean

DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
COFOG_MAPPING = csv_format.ColumnMapping(
    {
        "id": "Code",
        "label_en": "Description_EN",
        "label_fr": "Description_FR",
        "label_es": "Description_ES",
        "note_en": "ExplanatoryNote",
    },
    dotted_codes=True,
)
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"shared data not found at {DATA}")


def isic_csv() -> bytes:
    """The ISIC Rev.4 nested JSON (one file per language) as one of our CSV files."""
    rows: dict[str, dict[str, str]] = {}
    for language in ("ar", "en"):
        document = json.loads((DATA / "isic-rev4-ar-en" / f"{language}.json").read_text("utf-8"))
        for section in document["sections"]:
            levels = [(section["section"].upper(), None, section)]
            for division in section["divisions"]:
                levels.append((division["division"], section["section"].upper(), division))
                for group in division["groups"]:
                    levels.append((group["group"], division["division"], group))
                    for item in group["classes"]:
                        levels.append((item["class"], group["group"], item))
            for code, parent, node in levels:
                row = rows.setdefault(code, {"id": code, "parent": parent or ""})
                row[f"label_{language}"] = node["description"]
    buffer = io.StringIO()
    import csv

    writer = csv.DictWriter(buffer, ["id", "parent", "label_ar", "label_en"])
    writer.writeheader()
    writer.writerows(rows.values())
    return buffer.getvalue().encode("utf-8")


@needs_data
def test_cofog_csv_with_a_column_mapping_and_dotted_codes():
    imported = csv_format.read((DATA / "cofog-1999" / "cofog.csv").read_bytes(), COFOG_MAPPING)
    tree = imported.tree
    assert len(tree) == 188 and len(tree.roots) == 10
    assert tree["01.1.2"].parent == "01.1" and tree["01.1"].parent == "01"
    assert tree["01.1.2"].labels["fr"] == "Affaires financières et fiscales (SC)"
    assert max(tree.depth(c) for c in tree.concepts) == 2
    # English-only: Arabic is missing everywhere, a warning to fix through proposals
    assert Counter(w.rule for w in imported.warnings) == {"missing_language": 188}


@needs_data
def test_isic_arabic_and_english_import_and_round_trip_byte_for_byte():
    data = isic_csv()
    imported = csv_format.read(data)
    tree = imported.tree
    assert len(tree) == 766 and len(tree.roots) == 21
    assert tree.path("0111") == ["A", "01", "011", "0111"]
    # the known flaw: unbalanced brackets in the Arabic label of class 0111, kept as is
    assert (
        tree["0111"].labels["ar"]
        == "زراعة الحبوب باستثناء الأرز( والمحاصيل البقولية والبذور الزيتية)"
    )
    for write, read in ((csv_format.write, csv_format.read), (xlsx_format.write, xlsx_format.read)):
        assert read(write(tree)).tree == tree
    document = json_format.export_document(
        tree, {"slug": "isic", "name": {"en": "ISIC"}}, {"number": 1}
    )
    assert json_format.read(json_format.dumps(document)).tree == tree
    assert skos_format.read(skos_format.write(tree, "isic")).tree == tree


@needs_data
def test_agift_skos_with_deprecated_concepts():
    imported = skos_format.read((DATA / "agift" / "agift.ttl").read_bytes())
    tree = imported.tree
    assert len(tree) == 584
    assert len(list(tree.retired())) == 27 and tree.active_count() == 557
    # 25 active top concepts, plus the 6 children of the deprecated PRIMARY-INDUSTRIES
    # (a former top concept), promoted to its place with a warning each
    assert len(tree.roots) == 31
    assert all(c.parent is None for c in tree.retired())
    community = tree["Community-policing"]
    assert community.parent == "Law-enforcement"
    assert "Local police" in community.alt_labels["en"]
    definition = community.details.other_notes["definition"]["en"][0]
    assert definition.startswith("Administering programs")
    assert community.details.iri == "https://data.naa.gov.au/def/agift/Community-policing"
    assert tree["Taxation"].details.hidden_labels == {"en": ("Tax exemptions",)}
    unkept = {
        w.params["property"]: w.params["count"]
        for w in imported.warnings
        if w.rule == "unkept_property"
    }
    assert unkept["dct:modified"] == 583  # (the 584th is on the scheme)
    promoted = [w for w in imported.warnings if w.rule.startswith("promoted_")]
    assert {w.rule for w in promoted} == {"promoted_to_top"}  # PRIMARY-INDUSTRIES was a top
    assert " -" not in promoted[0].text("ar") and "المستوى الأعلى" in promoted[0].text("ar")
    assert len(promoted) == 6 and "Quarantine" in {w.concept for w in promoted}
    assert skos_format.read(skos_format.write(tree, "agift")).tree == tree


def test_skos_several_broader_places_under_the_first_and_keeps_the_others_as_related():
    turtle = """
    @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix ex: <https://example.org/t/> .
    ex:a a skos:Concept ; skos:prefLabel "أ"@ar, "A"@en, "A-fr"@fr .
    ex:b a skos:Concept ; skos:prefLabel "ب"@ar .
    ex:c a skos:Concept ; skos:prefLabel "ت"@ar ; skos:broader ex:b, ex:a .
    """.encode()
    imported = skos_format.read(turtle)
    assert imported.tree["c"].parent == "a"
    assert imported.tree["c"].related == ("b",)
    assert imported.tree["a"].labels == {"ar": "أ", "en": "A", "fr": "A-fr"}
    assert [w.rule for w in imported.warnings] == ["several_parents"]


def test_every_json_export_is_valid_against_the_shipped_schema():
    tree = services()
    document = json_format.export_document(
        tree,
        {"slug": "gov-services", "name": {"ar": "دليل الخدمات", "en": "Services"}},
        {"number": 3, "published_at": "2026-11-29T10:00:00Z", "based_on": 2, "proposals": [12, 15]},
    )
    Draft202012Validator.check_schema(json_format.schema())
    parsed = json.loads(json_format.dumps(document))
    assert list(Draft202012Validator(json_format.schema()).iter_errors(parsed)) == []
    assert parsed["retired"] == [
        {
            "id": "old-grants",
            "labels": {"ar": "المنح القديمة", "en": "Old grants"},
            "notes": {},
            "replaced_by": "education",
        }
    ]
    assert parsed["concepts"][0]["children"][0]["id"] == "hospitals"


def test_csv_export_has_the_documented_header_and_a_byte_order_mark():
    data = csv_format.write(services())
    assert data.startswith("\ufeff".encode())
    header = data.decode("utf-8-sig").splitlines()[0]
    assert header.startswith(
        "id,parent,position,label_ar,label_en,note_ar,note_en,status,replaced_by"
    )


def test_concepts_without_ids_get_short_stable_ids_and_parents_may_be_named_by_label():
    data = (
        "label_ar,label_en,parent\n"
        "الصحة,Health,\n"
        "التأمين الصحي,Health insurance,الصحة\n"
        "الأسنان,,الصحة\n"
        "الصحة العامة,Health,\n"
    ).encode()
    tree = csv_format.read(data).tree
    assert tree.roots == ("health", "health-2")
    assert tree.children_of("health")[0] == "health-insurance"
    dental = tree.children_of("health")[1]
    assert dental.startswith("c-") and len(dental) == 10
    assert csv_format.read(data).tree == tree  # the same file gives the same ids


def test_a_table_without_positions_keeps_the_file_order():
    data = "id,parent,label_ar\nb,,ب\na,,أ\nb1,b,ب١\n".encode()
    tree = csv_format.read(data).tree
    assert tree.roots == ("b", "a") and tree["b1"].parent == "b"


BAD_CSV = {
    "cycle": (b"id,parent,label_ar\na,b,x\nb,a,y\n", {"cycle"}, [2, 3]),
    "duplicate id": (b"id,parent,label_ar\na,,x\na,,y\n", {"duplicate_id"}, [3]),
    "dangling parent": (b"id,parent,label_ar\na,ghost,x\n", {"dangling_parent"}, [2]),
    "no label at all": (b"id,parent,label_ar,label_en\na,,,\n", {"no_label"}, [2]),
    "invalid utf-8": ("id,parent,label_ar\na,,الصحة\n".encode("cp1256"), {"invalid_encoding"}, [2]),
    "wrong header": (b"code,name\n01,x\n", {"wrong_header"}, [1]),
    "empty file": (b"", {"empty_file"}, [None]),
    "blank file": (b"  \n\n", {"empty_file"}, [None]),
    "bad status": (b"id,label_ar,status\na,x,gone\n", {"bad_value"}, [2]),
    "bad position": (b"id,label_ar,position\na,x,first\n", {"bad_value"}, [2]),
}


@pytest.mark.parametrize("name", BAD_CSV)
def test_a_bad_table_is_rejected_naming_the_line(name):
    data, rules, lines = BAD_CSV[name]
    with pytest.raises(FormatError) as error:
        csv_format.read(data)
    assert {f.rule for f in error.value.findings} == rules
    assert sorted(f.line for f in error.value.findings if f.line) == [x for x in lines if x]
    for finding in error.value.findings:
        assert finding.text("ar") and finding.text("en")


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"{not json", "bad_file"),
        (b'{"format": "other"}', "schema_const"),
        (b"", "empty_file"),
        (b"\xff\xfe{}", "invalid_encoding"),
        (
            json.dumps(
                {
                    "format": "workshop-taxonomy/1",
                    "taxonomy": {"slug": "t", "name": {}},
                    "version": {"number": 1},
                    "concepts": [
                        {
                            "id": "a",
                            "labels": {"ar": "أ"},
                            "children": [{"id": "a", "labels": {"ar": "ب"}, "children": []}],
                        }
                    ],
                    "retired": [],
                }
            ).encode(),
            "duplicate_id",
        ),
    ],
    ids=["syntax", "schema", "empty", "encoding", "duplicate id"],
)
def test_a_bad_json_file_is_rejected(data, rule):
    with pytest.raises(FormatError) as error:
        json_format.read(data)
    assert rule in {f.rule for f in error.value.findings}


def test_schema_errors_are_in_the_readers_language_and_in_document_order():
    document = {
        "format": "workshop-taxonomy/1",
        "taxonomy": {"slug": "t", "name": {}},
        "version": {"number": 1},
        "concepts": [{"id": "a", "labels": {"ar": ""}, "children": [], "colour": "red"}]
        + [{"id": f"c{n}", "labels": {}, "children": []} for n in range(1, 11)]
        + [{"labels": {"ar": "ب"}, "children": []}],
        "retired": [],
    }
    with pytest.raises(FormatError) as error:
        json_format.read(json.dumps(document).encode())
    found = error.value.findings
    assert [f.params["at"] for f in found] == [
        "/concepts/0",
        "/concepts/0/labels/ar",
        "/concepts/11",
    ]
    assert found[0].text("ar") == "في /concepts/0: الحقل (الحقول) colour ليست من الصيغة."
    assert found[2].text("ar") == "في /concepts/11: ينقص الحقل (الحقول) id."


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"this is not turtle", "bad_file"),
        (b"", "empty_file"),
        (b"@prefix ex: <https://e/> . ex:a ex:b ex:c .", "bad_file"),
    ],
    ids=["syntax", "empty", "no concepts"],
)
def test_a_bad_skos_file_is_rejected(data, rule):
    with pytest.raises(FormatError) as error:
        skos_format.read(data)
    assert {f.rule for f in error.value.findings} == {rule}


def test_a_file_that_is_not_a_workbook_is_rejected():
    with pytest.raises(FormatError) as error:
        xlsx_format.read(b"PK\x03\x04 not really a zip")
    assert {f.rule for f in error.value.findings} == {"bad_file"}


def test_retired_concepts_survive_every_format():
    tree = services()
    for write, read in (
        (csv_format.write, csv_format.read),
        (xlsx_format.write, xlsx_format.read),
        (lambda t: skos_format.write(t, "s"), skos_format.read),
    ):
        again = read(write(tree)).tree
        assert again["old-grants"].status is Status.RETIRED
        assert again["old-grants"].replaced_by == "education"
        assert again == tree


def chain(depth: int):
    """A tree that is one chain `depth` concepts deep."""
    from workshop.taxonomy import build, make_concept

    return build(
        make_concept(
            f"c{i}", {"ar": f"مستوى {i}", "en": f"Level {i}"}, None, f"c{i - 1}" if i else None
        )
        for i in range(depth)
    )


def test_a_tree_deeper_than_orjson_nests_is_exported_as_json():
    import sys

    tree = chain(300)
    data = json_format.export_bytes(tree, {"slug": "deep"}, {"number": 1})
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(5000)
    try:
        document = json.loads(data)
    finally:
        sys.setrecursionlimit(limit)
    node, depth = document["concepts"][0], 1
    while node["children"]:
        node, depth = node["children"][0], depth + 1
    assert depth == 300 and node["labels"]["ar"] == "مستوى 299"


def test_a_chain_5000_deep_is_exported():
    data = json_format.export_bytes(chain(5000), {"slug": "deep"}, {"number": 1})
    assert data.count(b'"children":[') == 5000 and data.endswith(b',"retired":[]}')


def test_the_streamed_export_is_byte_for_byte_the_nested_one():
    from tests.unit.taxonomy.trees import services

    tree = services()
    meta = ({"slug": "gov", "name": {"ar": "الخدمات", "en": "Services"}}, {"number": 3})
    nested = json_format.dumps(json_format.export_document(tree, *meta))
    assert json_export._stream(tree, *meta) == nested


def test_every_character_is_exported_as_the_nested_document_writes_it():
    """The export's encoder escapes exactly as orjson does: every code point but the lone
    surrogates (which no UTF-8 text holds), in labels, notes and the metadata."""
    points = [chr(p) for p in range(0x110000) if not 0xD800 <= p <= 0xDFFF]
    chunks = ["".join(points[n : n + 4096]) for n in range(0, len(points), 4096)]
    tree = build(
        make_concept(f"c{n}", {"ar": text}, {"en": text[::-1]}) for n, text in enumerate(chunks)
    )
    meta = ({"slug": "t", "name": {"ar": chunks[0]}}, {"number": 1})
    exported = json_format.export_bytes(tree, *meta)
    assert exported == json_format.dumps(json_format.export_document(tree, *meta))
    assert json.loads(exported)["concepts"][0]["labels"]["ar"] == clean(chunks[0])


def test_a_parent_left_with_an_empty_list_of_children_is_exported_as_a_leaf():
    from workshop.taxonomy.model import Tree

    a, b = make_concept("a", {"en": "A"}), make_concept("b", {"en": "B"}, parent="a")
    tree = Tree(concepts={"a": a, "b": b}, children={None: ("a",), "a": ("b",), "b": ()})
    meta = ({"slug": "t"}, {"number": 1})
    exported = json_format.export_bytes(tree, *meta)
    assert exported == json_format.dumps(json_format.export_document(tree, *meta))
    assert json.loads(exported)["concepts"][0]["children"][0]["children"] == []


def test_labels_that_look_like_formulas_stay_text_in_csv_and_xlsx():
    import io
    import zipfile

    from openpyxl import load_workbook

    tree = build(
        [
            make_concept(
                "a", {"ar": '=HYPERLINK("http://evil.example","x")', "en": "+cmd|' /C calc'!A0"}
            ),
            make_concept("b", {"ar": "@SUM(1)", "en": "-2+3"}, position=1),
        ]
    )
    data = csv_format.write(tree)
    assert b"\r\na,,0,\"'=HYPERLINK" in data and b",'+cmd" in data and b",'@SUM" in data
    assert csv_format.read(data).tree == tree  # the apostrophe is taken off again
    workbook = xlsx_format.write(tree)
    sheet = zipfile.ZipFile(io.BytesIO(workbook)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    assert load_workbook(io.BytesIO(workbook))["concepts"]["D2"].data_type == "s"
    assert xlsx_format.read(workbook).tree == tree


def test_a_column_that_does_not_name_a_language_is_refused():
    data = 'id,label_ar,label_en" ; skos:related <urn:injected:evil> ; x "\na,أ,A\n'.encode()
    with pytest.raises(FormatError) as error:
        csv_format.read(data)
    [finding] = error.value.findings
    assert finding.rule == "bad_language" and "urn:injected" in finding.text("ar")
    assert csv_format.read(b"id,label_ar,label_fr-CA\na,x,y\n").tree["a"].labels["fr-ca"] == "y"


def test_a_quote_left_open_in_a_csv_file_is_named_by_its_line():
    data = 'id,label_ar\na,أ\nb,"ب\nc,ت\nd,ث\n'.encode()
    with pytest.raises(FormatError) as error:
        csv_format.read(data)
    [finding] = error.value.findings
    assert finding.line == 3 and "quote" in finding.text("en")
    # a quoted cell that spans lines is still fine, and rows keep the line they begin on
    tree = csv_format.read('id,label_ar,note_ar\na,أ,"سطر\nثان"\nb,ب,\n'.encode()).tree
    assert tree["a"].notes["ar"] == "سطر\nثان" and tree["b"].labels["ar"] == "ب"


def test_what_no_database_can_store_is_refused_at_preview_with_its_line():
    data = ("id,label_ar\n" + "x" * 250 + ",أ\nb,ب\x00ج\nc,ت\n").encode()
    with pytest.raises(FormatError) as error:
        csv_format.read(data)
    assert [(f.rule, f.line) for f in error.value.findings] == [
        ("id_too_long", 2),
        ("nul_character", 3),
    ]
    assert all(f.text("ar") and f.text("en") for f in error.value.findings)


def test_a_csv_field_over_the_limit_is_named_by_its_line():
    with pytest.raises(FormatError) as error:
        csv_format.read(("id,label_ar\na,أ\nb," + "x" * 140_000 + "\n").encode())
    [finding] = error.value.findings
    assert finding.line == 3 and "field limit" in finding.text("en")
    assert "quote" not in finding.text("en")
