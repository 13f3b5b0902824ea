"""Builders for chronology files in every format, written into tmp_path by the tests.

Synthetic data only: invented agencies and "Child A"-style people.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from casereview.samples import SAMPLES as _SAMPLES

SAMPLES = _SAMPLES
TODAY = date(2026, 11, 23)
PERIOD = (date(2023, 1, 1), date(2024, 12, 31))

HEADER = [
    "DATE",
    "CONTACT WITH CHILD (inc direct contact, medical information, reports, observations)",
    "CONTACT WITH PARENTS/CARERS and other family members",
    "INTER/INTRA-AGENCY COMMUNICATION Internal / interagency phone calls/letters etc",
    "SOURCE OF RECORD",
    "STAFF INVOLVED",
    "COMMENT",
]

LONG = "Child A seen at the clinic with Mother A for a routine check; no concerns raised."

# One row for each problem code a CSV can show (merged cells need XLSX or DOCX), with the row
# number each lands on: a blank row sits between rows 6 and 8, so row 7 is skipped.
EVERY_CODE_ROWS: list[list[str]] = [
    ["", LONG, "", "", "Notes", "AB", ""],  # 1 date-missing
    [
        "12/03/2024",
        "\u201d",
        "Mother A seen at home and agreed to a referral.",
        "",
        "Notes",
        "AB",
        "",
    ],
    ["March 2024", LONG, "", "", "Notes", "AB", ""],  # 3 date-partial
    ["June - July 2024", LONG, "", "", "Notes", "AB", ""],  # 4 date-range
    ["12/03/2024 14:30", LONG, "", "", "Notes", "AB", ""],  # 5 date-has-time
    ["31/06/2024", LONG, "", "", "Notes", "AB", ""],  # 6 date-invalid
    ["", "", "", "", "", "", ""],  # 7 blank: skipped, still counted
    ["14/03/2024", "Meeting with X", "", "", "Notes", "AB", ""],  # 8 too-brief
    ["1/2/24", LONG, "", "", "Notes", "AB", ""],  # 9 date-two-digit-year
    ["12/03/2030", LONG, "", "", "Notes", "AB", ""],  # 10 date-future
    ["12/03/2020", LONG, "", "", "Notes", "AB", ""],  # 11 outside-period
    ["15/03/2024", LONG, "", "", "Notes", "AB", ""],  # 12
    ["15/03/2024", LONG, "", "", "Notes", "AB", ""],  # 13 duplicate of 12
    [
        "16/03/2024",
        "Home visit, exact date not known; Child A asleep in the cot.",
        "",
        "",
        "N",
        "AB",
        "",
    ],
]
EVERY_CODE_EXPECTED = {
    (1, "date", "date-missing"),
    (2, "child", "ditto"),
    (3, "date", "date-partial"),
    (4, "date", "date-range"),
    (5, "date", "date-has-time"),
    (6, "date", "date-invalid"),
    (8, None, "too-brief"),
    (9, "date", "date-two-digit-year"),
    (10, "date", "date-future"),
    (11, "date", "outside-period"),
    (13, None, "duplicate"),
    (14, None, "date-estimated"),
}


def write_csv(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    above: Sequence[Sequence[str]] = (),
    header: Sequence[str] = HEADER,
    delimiter: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
) -> Path:
    """A delimited file with optional title/agency lines above the header."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for line in above:
        writer.writerow(line)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    above: Sequence[Sequence[object]] = (),
    header: Sequence[str] = HEADER,
    merges: Sequence[str] = (),
    hidden_first_sheet: bool = False,
    date_format: str = "dd/mm/yyyy",
) -> Path:
    """A workbook whose first visible sheet holds the table (optionally behind a hidden one)."""
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    if hidden_first_sheet:
        sheet.title = "Old"
        sheet.append(header)
        sheet.append(["01/01/2020", "Hidden sheet row that must not be read.", "", "", "", "", ""])
        sheet.sheet_state = "hidden"
        sheet = book.create_sheet("Chronology")
    for line in above:
        sheet.append(list(line))
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, datetime | date):
                cell.number_format = date_format
    book.save(path)
    return path


def write_docx(
    path: Path,
    rows: Sequence[Sequence[str]],
    *,
    paragraphs: Sequence[str] = (),
    header: Sequence[str] = HEADER,
    vertical_merges: Sequence[tuple[int, int, int]] = (),
    horizontal_merges: Sequence[tuple[int, int, int]] = (),
    continuation: Sequence[Sequence[str]] = (),
) -> Path:
    """A Word document: paragraphs, then the table; merges as (first row, last row, column)
    or (row, first column, last column) counted in table rows (0 = header)."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    _docx_table(document, header, rows, vertical_merges, horizontal_merges)
    if continuation:
        document.add_paragraph("Continued")
        _docx_table(document, header, continuation, (), ())
    document.save(path)
    return path


def _docx_table(document, header, rows, vertical_merges, horizontal_merges):
    table = document.add_table(rows=1 + len(rows), cols=len(header))
    for column, text in enumerate(header):
        table.cell(0, column).text = text
    for index, row in enumerate(rows, start=1):
        for column, text in enumerate(row):
            table.cell(index, column).text = text
    for first, last, column in vertical_merges:
        text = table.cell(first, column).text
        merged = table.cell(first, column).merge(table.cell(last, column))
        merged.text = text
    for row, first, last in horizontal_merges:
        text = table.cell(row, first).text
        merged = table.cell(row, first).merge(table.cell(row, last))
        merged.text = text
    return table


@pytest.fixture(autouse=True)
def _test_settings():
    """Stands in for the project-wide autouse fixture of the same name in the modules that
    import it: these tests touch no Django settings, so they also run with ``-p no:django``."""
    return
