"""Exports: each format opens, carries REF and the marking, and never holds a live formula."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casereview.chronologies.checks import check_chronology
from casereview.chronologies.exports import ExportError, write_annotated, write_merged
from casereview.chronologies.merge import merge
from casereview.chronologies.proforma import read_chronology
from casereview.chronologies.tests.builders import (
    LONG,
    TODAY,
    _test_settings,  # noqa: F401 -- see it
    write_csv,
)
from casereview.core.csvcells import sanitise_csv_cell, unquote_csv_cell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
HOSTILE = [
    '=HYPERLINK("http://example.invalid","click")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
]


@pytest.fixture
def merged(samples, tmp_path):
    hostile_rows = [["01/12/2023", text, LONG, "", "", "", ""] for text in HOSTILE]
    hostile = read_chronology(write_csv(tmp_path / "hostile.csv", hostile_rows), "Test Agency")
    return merge([*(read_chronology(p) for p in samples), hostile], gap_days=30, today=TODAY)


def test_xlsx_has_frozen_header_filter_marking_and_no_formula(merged, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "m.xlsx"
    write_merged(merged, out, reference="SCR-2026-07")
    book = load_workbook(out)
    sheet = book["Merged chronology"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert sheet.oddHeader.center.text == "SCR-2026-07 \u2014 OFFICIAL-SENSITIVE"
    assert sheet.page_setup.orientation == "landscape"
    headings = [cell.value for cell in sheet[1]]
    assert headings[:3] == ["DATE", "DATE AS WRITTEN", "AGENCY"]
    assert "PROBLEMS" in headings
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = {c.value for c in cells}
    assert set(HOSTILE) <= values
    assert book.properties.creator == "Casereview"
    assert sheet["E2"].alignment.wrap_text
    with zipfile.ZipFile(out) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_csv_is_rfc4180_quoted_and_sanitised(merged, tmp_path):
    out = tmp_path / "m.csv"
    write_merged(merged, out, reference="SCR-2026-07")
    raw = out.read_bytes()
    assert b"\r\n" in raw
    records = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert records[0][0] == "SCR-2026-07 \u2014 OFFICIAL-SENSITIVE"
    assert records[1][:3] == ["DATE", "DATE AS WRITTEN", "AGENCY"]
    assert len({len(r) for r in records}) == 1
    cells = [cell for record in records for cell in record]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    assert '\'=HYPERLINK("http://example.invalid","click")' in cells
    assert {unquote_csv_cell(c) for c in cells} >= set(HOSTILE)


def test_csv_export_reads_back_as_a_chronology_with_the_same_rows(merged, tmp_path):
    out = tmp_path / "m.csv"
    write_merged(merged, out)
    records = list(csv.reader(io.StringIO(out.read_text("utf-8"), newline="")))
    assert len(records) == 2 + len(merged.rows)


@pytest.mark.parametrize("text", ["=1", "+1", "-1", "@x", "\tx", "\rx", "\0x", "'=1"])
def test_csv_sanitiser_quotes_each_formula_start(text):
    assert sanitise_csv_cell(text) == "'" + text


@given(st.text())
def test_csv_sanitiser_never_starts_with_a_formula_character_and_round_trips(text):
    cell = sanitise_csv_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert unquote_csv_cell(cell) == text


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_csv_round_trip_through_the_csv_module(cells):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerow([sanitise_csv_cell(c) for c in cells])
    back = next(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert [unquote_csv_cell(c) for c in back] == cells


def test_docx_is_landscape_with_ref_and_marking_in_every_page_header(merged, tmp_path):
    import docx
    from docx.enum.section import WD_ORIENT

    out = tmp_path / "m.docx"
    write_merged(merged, out, reference="SCR-2026-07")
    document = docx.Document(out)
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width > section.page_height
    header = section.header.paragraphs[0].text
    assert header.startswith("SCR-2026-07 \u2014 OFFICIAL-SENSITIVE \u2014 page")
    assert not section.different_first_page_header_footer
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["DATE", "AGENCY", "CONTACT WITH CHILD"]
    assert document.core_properties.author == "Casereview"
    assert document.core_properties.last_modified_by == "Casereview"
    text = "\n".join(cell.text for row in table.rows for cell in row.cells)
    assert "No agency recorded any contact" in text  # a gap is made explicit
    assert "is not a complete date. Give the day, month and year." in text
    assert any("\n" in cell.text for row in table.rows for cell in row.cells)  # line breaks kept


def _pdf_page_headers(merged):
    import weasyprint

    from casereview.chronologies.exports import _pdf_html

    document = weasyprint.HTML(
        string=_pdf_html(merged, "SCR-2026-07", "OFFICIAL-SENSITIVE")
    ).render()
    headers = []
    for page in document.pages:
        for box in page._page_box.children:
            if getattr(box, "at_keyword", None) == "@top-center":
                headers.append(" ".join(b.text for b in box.descendants() if hasattr(b, "text")))
    return document, headers


def test_pdf_has_the_running_header_on_every_page(merged, tmp_path):
    out = tmp_path / "m.pdf"
    write_merged(merged, out, reference="SCR-2026-07")
    assert out.read_bytes().startswith(b"%PDF")
    document, headers = _pdf_page_headers(merged)
    pages = len(document.pages)
    assert headers == [
        f"SCR-2026-07 \u2014 OFFICIAL-SENSITIVE \u2014 page {n} of {pages}"
        for n in range(1, pages + 1)
    ]
    assert document.metadata.authors == ["Casereview"]


def test_pdf_reference_cannot_break_out_of_the_css_string(merged):
    import weasyprint

    from casereview.chronologies.exports import _pdf_html

    html = _pdf_html(merged, 'X"; } body { display: none } @page { content: "', "OFFICIAL")
    document = weasyprint.HTML(string=html).render()
    assert len(document.pages) >= 1


def test_unknown_output_format_is_refused(merged, tmp_path):
    with pytest.raises(ExportError):
        write_merged(merged, tmp_path / "m.odt")


def test_annotated_workbook_puts_problems_beside_rows_at_their_numbers(samples, tmp_path):
    from openpyxl import load_workbook

    chron = read_chronology(samples[0])
    problems = check_chronology(chron, TODAY)
    out = tmp_path / "annotated.xlsx"
    write_annotated(chron, problems, out)
    sheet = load_workbook(out).active
    assert [sheet["A1"].value, sheet["B1"].value] == ["Agency:", "Southvale Primary School"]
    header = [cell.value for cell in sheet[2]]
    assert header[-1] == "PROBLEMS"
    assert sheet.cell(row=2 + 3, column=1).value == "December 2023"
    assert sheet.cell(row=2 + 3, column=len(header)).value.startswith("Row 3, DATE")
    assert sheet.oddHeader.center.text.endswith("OFFICIAL-SENSITIVE")
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    again = read_chronology(out)  # the author can fix it and send it back
    assert [r.number for r in again.rows] == [r.number for r in chron.rows]
    assert again.extra_columns == ("PROBLEMS",)
