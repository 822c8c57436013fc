"""Hostile and accidental files, made by the tests (never committed): the shapes that
once cost the server gigabytes or minutes."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["id", "parent", "label_ar", "label_en"]


def _workbook(rows: list[list[str]]) -> zipfile.ZipFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def dimension_bomb() -> bytes:
    """4.7 KB: one concept in a sheet that declares A1:XFD1048576 (16,384 x 1,048,576), with
    an empty formatted cell in its last row and column, as honest workbooks sometimes have."""
    source = _workbook([HEADER, ["a", "", "أ", "A"]])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == SHEET:
                data = re.sub(
                    rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:XFD1048576"/>', data
                )
                data = data.replace(
                    b"</sheetData>",
                    b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>',
                )
                assert data.count(b"XFD1048576") == 2
            target.writestr(info, data)
    return out.getvalue()


def zip_bomb(rows: int = 3_000_000) -> bytes:
    """About 900 KB that unpacks to about 300 MB: the same row, millions of times, and no
    <dimension> element (openpyxl would parse the whole sheet looking for it)."""
    source = _workbook([HEADER])
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c><c t="inlineStr"><is><t>y</t></is></c></row>'
    chunk = row * 10_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info, source.read(info.filename))
                continue
            with target.open(SHEET, "w", force_zip64=True) as part:
                part.write(
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c>'
                    b'<c r="B1" t="inlineStr"><is><t>label_en</t></is></c></row>'
                )
                for _ in range(rows // 10_000):
                    part.write(chunk)
                part.write(b"</sheetData></worksheet>")
    return out.getvalue()


def million_rows_csv(rows: int = 1_000_000) -> bytes:
    """About 16 MB, under the upload limit: a million one-line concepts."""
    return b"id,label_en\n" + b"".join(b"c%d,L%d\n" % (i, i) for i in range(rows))


def nested_json(depth: int) -> bytes:
    """Our JSON export of one chain `depth` concepts deep, nested as the format nests."""
    node = ""
    for i in reversed(range(depth)):
        node = f'{{"id":"c{i}","labels":{{"ar":"مستوى {i}","en":"Level {i}"}},"children":[{node}]}}'
    return (
        '{"format":"workshop-taxonomy/1","taxonomy":{"slug":"deep","name":{"ar":"عميق",'
        f'"en":"Deep"}}}},"version":{{"number":1}},"concepts":[{node}],"retired":[]}}'
    ).encode()
