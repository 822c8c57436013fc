"""Excel workbooks with the same columns as the CSV format (openpyxl)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.reader import excel as excel_reader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from ..model import Tree
from . import FormatError, Imported, problem
from .csv_format import ColumnMapping, read_linked, read_rows, table
from .limits import DEFAULT_LIMITS, Limits, unzipped_size_problem


class _UnsizedSheet(ReadOnlyWorksheet):
    """A read-only sheet that does not look for its declared size. openpyxl looks for the
    <dimension> element until the end of <sheetData>: a sheet without one is parsed whole
    before the first row is read (48 s for a 900 KB zip bomb). The size is not used here."""

    def _get_size(self) -> None:
        return None


# openpyxl makes its read-only sheets from this name; nothing else here reads sheets.
excel_reader.ReadOnlyWorksheet = _UnsizedSheet  # type: ignore[attr-defined]


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


def read(
    data: bytes,
    mapping: ColumnMapping | None = None,
    linked: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Imported:
    """The first sheet, read like a CSV file (line numbers are spreadsheet rows); with
    `linked`, every sheet is a table of one level, the top level first. Rows are streamed,
    only as wide as the header: a sheet may declare a million rows of 16,384 columns."""
    if not data:
        raise FormatError([problem("empty_file")])
    too_large = unzipped_size_problem(data, limits)
    if too_large is not None:
        raise FormatError([too_large])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FormatError([problem("bad_file", format="XLSX", reason=str(error))]) from None
    try:
        sheets = workbook.worksheets if linked else workbook.worksheets[:1]
        named = [(sheet.title, _rows(sheet)) for sheet in sheets]
        if not named:
            raise FormatError([problem("empty_file")])
        if linked:
            return read_linked(named, mapping or ColumnMapping(), limits)
        return read_rows(named[0][1], mapping or ColumnMapping(), limits)
    finally:
        workbook.close()


def _rows(sheet: Any) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) pairs, the header first; nothing after the last row that
    holds a cell, and no cell right of the header's last one."""
    header = [_text(v) for v in next(sheet.iter_rows(max_row=1, values_only=True), ())]
    while header and not header[-1].strip():
        header.pop()
    yield 1, header
    if not header:
        return
    rows = sheet.iter_rows(min_row=2, max_col=len(header), values_only=True)
    for number, values in enumerate(rows, start=2):
        yield number, [_text(v) for v in values]


def _text(value: object) -> str:
    return "" if value is None else str(value)
