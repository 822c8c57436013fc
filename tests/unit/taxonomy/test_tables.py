"""Spreadsheets as agencies keep them: level columns and linked tables."""

from __future__ import annotations

import io

from openpyxl import Workbook

from workshop.taxonomy.formats import ColumnMapping, read, read_linked

LEVELS = """Sector,Division,Service,Service note
الصحة,المستشفيات,حجز موعد,عبر التطبيق
الصحة,المستشفيات,نقل ملف,
الصحة,العيادات,,
التعليم,المدارس,التسجيل,
""".encode()

MINISTRIES = (
    "id,label_ar,label_en\nm1,وزارة الصحة,Ministry of Health\n"
    "m2,وزارة التعليم,Ministry of Education\n"
).encode()
AGENCIES = "id,parent,label_ar\n1,m1,هيئة الدواء\n2,m2,هيئة المناهج\n".encode()
SERVICES = "id,parent,label_ar,alt_ar\n1,1,تسجيل دواء,ترخيص دواء\n2,2,اعتماد كتاب,\n".encode()


def test_level_columns_make_one_concept_per_path():
    mapping = ColumnMapping(levels=("Sector", "Division", "Service"), level_language="ar")
    imported = read(LEVELS, "csv", mapping)
    tree = imported.tree
    assert [tree[c].labels["ar"] for c in tree.roots] == ["الصحة", "التعليم"]
    health = tree.roots[0]
    assert [tree[c].labels["ar"] for c in tree.children_of(health)] == ["المستشفيات", "العيادات"]
    hospitals = tree.children_of(health)[0]
    booking = tree.children_of(hospitals)[0]
    assert tree[booking].labels == {"ar": "حجز موعد"}
    assert tree.active_count() == 8
    assert imported.metadata["ids_generated"] is True  # paired by label on the next edition


def test_level_columns_with_codes_use_the_codes_as_ids():
    data = b"S,Sc,D,Dc\nHealth,07,Hospitals,07.3\nHealth,07,Clinics,07.2\n"
    mapping = ColumnMapping(levels=("S", "D"), level_codes=("Sc", "Dc"), level_language="en")
    imported = read(data, "csv", mapping)
    assert imported.tree.children_of("07") == ("07.3", "07.2")
    assert imported.metadata["ids_generated"] is False


def test_linked_csv_tables_with_clashing_ids_are_prefixed_and_said_so():
    imported = read_linked(
        [("ministries", MINISTRIES), ("agencies", AGENCIES), ("services", SERVICES)], "csv"
    )
    tree = imported.tree
    assert tree["services/1"].parent == "agencies/1"
    assert tree["agencies/1"].parent == "ministries/m1"
    assert tree["services/1"].alt_labels == {"ar": ("ترخيص دواء",)}
    [note] = [w for w in imported.warnings if w.rule == "ids_prefixed"]
    assert "services" in note.text("ar")


def test_linked_tables_keep_their_ids_when_they_do_not_clash():
    agencies = AGENCIES.replace(b"\n1,", b"\na1,").replace(b"\n2,", b"\na2,")
    services = "id,parent,label_ar\ns1,a1,تسجيل دواء\n".encode()
    imported = read_linked([("m", MINISTRIES), ("a", agencies), ("s", services)], "csv")
    assert imported.tree["s1"].parent == "a1" and imported.tree["a1"].parent == "m1"
    assert not [w for w in imported.warnings if w.rule == "ids_prefixed"]


def test_one_workbook_with_a_sheet_per_level():
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, data in (("ministries", MINISTRIES), ("agencies", AGENCIES)):
        sheet = workbook.create_sheet(name)
        for line in data.decode().splitlines():
            sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    tree = read_linked([("book", buffer.getvalue())], "xlsx").tree
    assert tree["1"].parent == "m1" and tree["2"].labels == {"ar": "هيئة المناهج"}
