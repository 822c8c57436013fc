"""Excel workbooks with the same columns as the CSV format (openpyxl)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from ..model import Tree
from . import FormatError, Imported, problem
from .csv_format import ColumnMapping, read_linked, read_rows, table


def write(tree: Tree) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("concepts")
    header, rows = table(tree)
    sheet.append(header)
    for row in rows:
        # A text starting with "=" is a formula to Excel unless it is stored as text: a
        # label like =HYPERLINK(...) must stay a label.
        sheet.append([_as_text(sheet, v) if v.startswith("=") else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _as_text(sheet: Any, value: str) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def read(data: bytes, mapping: ColumnMapping | None = None, linked: bool = False) -> Imported:
    """The first sheet, read like a CSV file (line numbers are spreadsheet rows); with
    `linked`, every sheet is a table of one level, the top level first."""
    if not data:
        raise FormatError([problem("empty_file")])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FormatError([problem("bad_file", format="XLSX", reason=str(error))]) from None
    try:
        sheets = [
            (
                sheet.title,
                [
                    (number, ["" if cell is None else str(cell) for cell in values])
                    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
                ],
            )
            for sheet in (workbook.worksheets if linked else workbook.worksheets[:1])
        ]
    finally:
        workbook.close()
    if linked:
        return read_linked(sheets, mapping or ColumnMapping())
    return read_rows(sheets[0][1], mapping or ColumnMapping())
