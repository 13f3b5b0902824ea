"""The fast XLSX reader gives the values openpyxl gives, for every way a cell can be written."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import pytest

from casereview.chronologies import sheets
from casereview.chronologies.tests.builders import (
    _test_settings,  # noqa: F401 -- see it
)

VALUES = [
    "12/03/2024",
    "Text with <angle> & ampersand \u201cquotes\u201d",
    "  ",
    42,
    3.5,
    -1e-7,
    True,
    False,
    date(2024, 3, 12),
    datetime(2024, 3, 12, 14, 30),
    "=SUM(1,2)",  # openpyxl writes it as a formula with no cached value: read as empty
    "",
]


def _openpyxl_cells(path):
    from openpyxl import load_workbook

    book = load_workbook(path, data_only=True)
    return [
        {
            (cell.row, cell.column): cell.value
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None and cell.value != ""
        }
        for sheet in book.worksheets
    ]


def _fast_cells(path):
    book = sheets.open_workbook(str(path))
    try:
        return [
            {
                (row, column): value
                for row, cells in sheets.SheetRows(book, sheet)
                for column, value in cells.items()
            }
            for sheet in book.sheets
        ]
    finally:
        book.close()


@pytest.mark.parametrize("write_only", [False, True], ids=["shared strings", "inline strings"])
def test_every_kind_of_value_reads_as_openpyxl_reads_it(tmp_path, write_only):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("Chronology")
    for offset in range(3):
        row = []
        for value in VALUES[offset:] + VALUES[:offset]:
            cell = WriteOnlyCell(sheet, value=value) if write_only else value
            if write_only and isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"
            row.append(cell)
        sheet.append(row)
    if not write_only:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "dd/mm/yyyy"
        sheet.cell(row=7, column=30, value="far right")
        book.remove(book["Sheet"])
    path = tmp_path / "kinds.xlsx"
    book.save(path)
    expected = _openpyxl_cells(path)
    expected[0] = {k: v for k, v in expected[0].items() if not str(v).startswith("=")}
    assert _fast_cells(path) == expected


def test_prefixed_elements_single_quotes_and_rich_text_read_generically(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "odd.xlsx"
    Workbook().save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<x:sheetData>"
        b"<x:row r='2'><x:c t='inlineStr' r='B2'><x:is><x:r><x:t>Rich </x:t></x:r>"
        b"<x:r><x:t xml:space='preserve'>text &amp; more</x:t></x:r>"
        b"<x:rPh><x:t>phonetic</x:t></x:rPh></x:is></x:c>"
        b"<x:c r='D2'><x:v>7</x:v></x:c><x:c><x:v>8</x:v></x:c></x:row>"
        b"<x:row><x:c r='A3' t='b'><x:v>1</x:v></x:c></x:row>"
        b"</x:sheetData><x:mergeCells count='1'><x:mergeCell ref='A3:A4'/></x:mergeCells>"
        b"</x:worksheet>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    book = sheets.open_workbook(str(path))
    rows = sheets.SheetRows(book, book.sheets[0])
    assert list(rows) == [(2, {2: "Rich text & more", 4: 7, 5: 8}), (3, {1: True})]
    assert rows.merged == ["A3:A4"]
    book.close()


def test_rows_split_across_chunks_are_all_read(tmp_path, monkeypatch):
    from openpyxl import Workbook

    monkeypatch.setattr(sheets, "_CHUNK", 97)  # a prime: chunks end anywhere in the XML
    book = Workbook()
    for n in range(1, 300):
        book.active.append([f"row {n}", n, None, "x" * (n % 13)])
    book.active.merge_cells("C5:C9")
    path = tmp_path / "chunks.xlsx"
    book.save(path)
    assert _fast_cells(path) == _openpyxl_cells(path)
    workbook = sheets.open_workbook(str(path))
    rows = sheets.SheetRows(workbook, workbook.sheets[0])
    list(rows)
    assert rows.merged == ["C5:C9"]
    workbook.close()
