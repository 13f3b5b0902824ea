"""Write the merged chronology as XLSX, CSV, DOCX or PDF, and an agency's rows annotated.

Every export carries the review's reference and the board's marking in its page header
(CONTRACTS "Chronologies"), names "Casereview" as its author (never a person: SECURITY.md DOC-1),
and follows the formula-injection rule EX-1: no live formula in XLSX, and a leading ``'`` in CSV
before a cell starting with ``= + - @``, tab, CR or NUL. The heavy libraries are imported only by
the format that needs them, so a CSV merge starts fast.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from casereview.chronologies.checks import Problem
from casereview.chronologies.dates import format_date
from casereview.chronologies.merge import Merged, MergedRow
from casereview.chronologies.proforma import COLUMNS, HEADINGS, Chronology
from casereview.core.csvcells import FORMULA_STARTS, needs_quote

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"
AUTHOR = "Casereview"
FORMATS = (".xlsx", ".csv", ".docx", ".pdf")

# Characters XML 1.0 cannot hold: Word and Excel files refuse them, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class ExportError(ValueError):
    """The export cannot be written as asked (an unknown format)."""


# -- the merged chronology's table --------------------------------------------------------------


def page_heading(reference: str, marking: str) -> str:
    """The words at the top of every page: "REF — MARKING"."""
    return f"{reference} \u2014 {marking}" if reference else marking


# The merged chronology is the pro forma's: an agency's own extra columns stay in its version
# (its page and annotated copy), never in the merge, whose width is then fixed whatever the
# agencies send (ISSUE 7: one submission of 20,000 columns made every XLSX export fail).
MERGED_HEADINGS = (
    "DATE",
    "DATE AS WRITTEN",
    "AGENCY",
    "AGENCY ROW",
    *(HEADINGS[key] for key in COLUMNS[1:]),
    "PROBLEMS",
    "NOTES",
)


def row_notes(merged: Merged) -> dict[int, list[str]]:
    """Notes for the panel on each merged row (by position): gaps before it and discrepancies."""
    position_of = {id(row): n for n, row in enumerate(merged.rows)}
    notes: dict[int, list[str]] = {}
    starts: dict[date, int] = {}
    for position, row in enumerate(merged.rows):
        if row.date is not None:
            starts.setdefault(row.date, position)
    for gap in merged.gaps:
        notes.setdefault(starts[gap.end], []).append(gap_sentence(gap.start, gap.end, gap.days))
    for pair in merged.discrepancies:
        for this, other in ((pair.a, pair.b), (pair.b, pair.a)):
            notes.setdefault(position_of[id(this)], []).append(
                f"Possible discrepancy with {other.agency} row {other.number}"
                f" ({format_date(other.date) if other.date else 'no date'}): {pair.reason}"
            )
    return notes


def gap_sentence(start: date, end: date, days: int) -> str:
    """A gap in plain words."""
    return (
        f"No agency recorded any contact for {days} days, from {format_date(start)} to"
        f" {format_date(end)}."
    )


def _problem_text(problems: Iterable[Problem]) -> str:
    return "\n".join(problem.message for problem in problems)


def _merged_records(merged: Merged) -> Iterable[list[object]]:
    """The merged rows as cells: a date (or None), then text and numbers."""
    notes = row_notes(merged)
    for position, row in enumerate(merged.rows):
        cells = row.row.cells
        record: list[object] = [row.date, row.row.date_text, row.agency, row.number]
        record.extend([cells.get(key, "") for key in _TEXT_KEYS])
        record.append(_problem_text(row.problems) if row.problems else "")
        record.append("\n".join(notes[position]) if position in notes else "")
        yield record


_TEXT_KEYS = COLUMNS[1:]


def write_merged(
    merged: Merged, out_path: str | Path, reference: str = "", marking: str = DEFAULT_MARKING
) -> None:
    """Write the merged chronology in the format named by ``out_path``'s extension."""
    suffix = Path(out_path).suffix.lower()
    writers = {".xlsx": write_xlsx, ".csv": write_csv, ".docx": write_docx, ".pdf": write_pdf}
    if suffix not in writers:
        raise ExportError(f"{out_path}: the output must end in {', '.join(FORMATS)}")
    writers[suffix](merged, out_path, reference, marking)


# -- CSV ----------------------------------------------------------------------------------------


def write_csv(
    merged: Merged, out_path: str | Path, reference: str = "", marking: str = DEFAULT_MARKING
) -> None:
    """RFC 4180 CSV (CRLF, quotes as needed), a marking line first, formula cells quoted."""
    headings = MERGED_HEADINGS
    with open(out_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        marking_line = [page_heading(reference, marking), "Merged chronology"]
        writer.writerow(_csv_cells(marking_line + [""] * (len(headings) - len(marking_line))))
        writer.writerow(_csv_cells(headings))
        shown: dict[date, str] = {}  # a chronology has far fewer dates than rows
        for record in _merged_records(merged):
            when = record[0]
            if when:
                record[0] = shown.get(when) or shown.setdefault(when, format_date(when))  # type: ignore[arg-type]
            else:
                record[0] = ""
            record[3] = str(record[3])
            writer.writerow(_csv_text_cells(record))  # type: ignore[arg-type]


_RISKY_FIRST = frozenset([*FORMULA_STARTS, "'"])


def _csv_text_cells(record: list[str]) -> list[str]:
    """Cells that are all text already, quoted where a formula could start (EX-1)."""
    # Only a cell whose first character could start a formula needs the full test.
    return [
        "'" + text if text and text[0] in _RISKY_FIRST and needs_quote(text) else text
        for text in record
    ]


def _csv_cells(record: Sequence[object]) -> list[str]:
    out: list[str] = []
    for value in record:
        text = value if isinstance(value, str) else str(value)
        # Only a cell whose first character could start a formula needs the full test.
        if text and text[0] in _RISKY_FIRST and needs_quote(text):
            text = "'" + text
        out.append(text)
    return out


# -- XLSX ---------------------------------------------------------------------------------------


def write_xlsx(
    merged: Merged, out_path: str | Path, reference: str = "", marking: str = DEFAULT_MARKING
) -> None:
    """A workbook: the merged rows (frozen header, filter, wrapped text), then gaps and
    discrepancies; the reference and marking in every page header.

    Written in openpyxl's write-only mode, row by row: 20,000 rows take seconds and little
    memory, where building the whole sheet first took 40 s and over 500 MB.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    _set_book_properties(book, f"Merged chronology {reference}".strip(), marking)
    sheet = book.create_sheet("Merged chronology")
    headings = MERGED_HEADINGS
    widths = {
        "DATE": 12,
        "DATE AS WRITTEN": 14,
        "AGENCY": 20,
        "AGENCY ROW": 8,
        "SOURCE OF RECORD": 16,
        "STAFF INVOLVED": 12,
    }
    _write_sheet(
        sheet,
        headings,
        _merged_records(merged),
        [widths.get(h, 40) for h in headings],
        page_heading(reference, marking),
    )
    gaps = book.create_sheet("Gaps")
    _write_sheet(
        gaps,
        ["FROM", "TO", "DAYS"],
        ([gap.start, gap.end, gap.days] for gap in merged.gaps),
        [12, 12, 8],
        page_heading(reference, marking),
    )
    pairs = book.create_sheet("Discrepancies")
    _write_sheet(
        pairs,
        ["AGENCY A", "ROW A", "DATE A", "AGENCY B", "ROW B", "DATE B", "DAYS APART", "REASON"],
        (
            [
                p.a.agency,
                p.a.number,
                p.a.date,
                p.b.agency,
                p.b.number,
                p.b.date,
                p.days_apart,
                p.reason,
            ]
            for p in merged.discrepancies
        ),
        [20, 8, 12, 20, 8, 12, 8, 80],
        page_heading(reference, marking),
    )
    book.save(out_path)


def _set_book_properties(book: object, title: str, marking: str) -> None:
    """Author and title: Casereview, never a person (DOC-1)."""
    properties = book.properties  # type: ignore[attr-defined]
    properties.creator = AUTHOR
    properties.lastModifiedBy = AUTHOR
    properties.title = title
    properties.category = marking


def _write_sheet(
    sheet: object,
    headings: Sequence[str],
    records: Iterable[Sequence[object]],
    widths: Sequence[int],
    heading: str,
) -> None:
    """Fill a write-only sheet as text and dates only (no formulas), with the look the panel
    prints. Everything but the rows is set first: a write-only sheet writes as it goes."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = sheet
    wrap = Alignment(wrap_text=True, vertical="top")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDDDDD")
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width  # type: ignore[attr-defined]
    records = list(records) if not isinstance(records, list) else records
    last = get_column_letter(len(headings))
    ws.freeze_panes = "A2"  # type: ignore[attr-defined]
    ws.auto_filter.ref = f"A1:{last}{len(records) + 1}"  # type: ignore[attr-defined]
    ws.print_title_rows = "1:1"  # type: ignore[attr-defined]
    ws.page_setup.orientation = "landscape"  # type: ignore[attr-defined]
    ws.page_setup.fitToWidth = 1  # type: ignore[attr-defined]
    ws.page_setup.fitToHeight = 0  # type: ignore[attr-defined]
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[attr-defined]
    _page_headers(ws, heading)
    header = []
    for text in headings:
        cell = _text_cell(WriteOnlyCell(ws), text)
        cell.font, cell.alignment, cell.fill = bold, wrap, fill
        header.append(cell)
    ws.append(header)  # type: ignore[attr-defined]
    for record in records:
        cells: list[object] = []
        for value in record:
            if isinstance(value, date):
                cell = WriteOnlyCell(ws, value=value)
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, int):
                cell = WriteOnlyCell(ws, value=value)
            elif value:
                cell = _text_cell(WriteOnlyCell(ws), str(value))
            else:
                cells.append(None)
                continue
            cell.alignment = wrap
            cells.append(cell)
        ws.append(cells)  # type: ignore[attr-defined]


def _text_cell(cell: Any, text: str) -> Any:
    """A string cell, even when the text starts with "=" (openpyxl would make it a formula)."""
    cell.value = _NOT_XML.sub("", text)[:32767]  # Excel's limit for one cell
    cell.data_type = "s"  # EX-1: text from an agency is never a live formula
    return cell


def _page_headers(ws: object, heading: str) -> None:
    """The reference and marking on every printed page, and "page N of M" at the foot."""
    escaped = heading.replace("&", "&&")  # "&" starts an Excel header code
    for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):  # type: ignore[attr-defined]
        header.center.text = escaped
        header.center.size = 10
    for footer in (ws.oddFooter, ws.evenFooter, ws.firstFooter):  # type: ignore[attr-defined]
        footer.center.text = f"{escaped} \u2014 page &P of &N"
        footer.center.size = 9


# -- DOCX ---------------------------------------------------------------------------------------

_DOCX_HEADINGS = ["DATE", "AGENCY", *(HEADINGS[key] for key in COLUMNS[1:]), "PROBLEMS AND NOTES"]
_DOCX_WIDTHS_CM = [2.4, 3.0, 4.2, 4.2, 4.2, 2.4, 2.0, 3.2, 4.0]


def write_docx(
    merged: Merged, out_path: str | Path, reference: str = "", marking: str = DEFAULT_MARKING
) -> None:
    """A landscape Word table of the pro forma's columns plus agency, a gap line where the
    agencies were silent, and the reference and marking in every page's header."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    _docx_setup(
        document, f"Merged chronology {reference}".strip(), page_heading(reference, marking)
    )
    document.styles["Normal"].font.size = Pt(8)  # once for all cells, not run by run
    document.add_heading(f"Merged chronology {reference}".strip(), level=1)
    table = document.add_table(rows=1, cols=len(_DOCX_HEADINGS))
    table.style = "Table Grid"
    _docx_widths(table)  # before the rows: each new row copies the column widths
    _docx_header_row(table, _DOCX_HEADINGS)
    notes = row_notes(merged)
    gap_before = {gap.end: gap for gap in merged.gaps}
    add_row = _DocxRows(table)
    for position, row in enumerate(merged.rows):
        gap = gap_before.pop(row.date, None) if row.date else None
        if gap is not None:
            _docx_gap_row(table, gap_sentence(gap.start, gap.end, gap.days))
        add_row(
            [
                _date_shown(row),
                f"{row.agency} (row {row.number})",
                *(row.row.cells.get(key, "") for key in COLUMNS[1:]),
                "\n".join([_problem_text(row.problems), *notes.get(position, ())]).strip(),
            ]
        )
    if merged.discrepancies:
        document.add_heading("Possible discrepancies", level=2)
        for pair in merged.discrepancies:
            document.add_paragraph(_NOT_XML.sub("", pair.reason), style="List Bullet")
    document.save(out_path)


class _DocxRows:
    """Adds text rows to a Word table by copying one prepared row's XML.

    python-docx builds each element through its object layer, about 5 ms a row; a copied
    template with its widths already set is a hundred times quicker for a long chronology.
    """

    def __init__(self, table: object) -> None:
        from docx.oxml.ns import qn

        template = table.add_row()._tr  # type: ignore[attr-defined]
        template.getparent().remove(template)
        self._tbl = table._tbl  # type: ignore[attr-defined]
        self._template = template
        self._tc, self._p, self._r = qn("w:tc"), qn("w:p"), qn("w:r")
        self._t, self._br = qn("w:t"), qn("w:br")
        self._space = "{http://www.w3.org/XML/1998/namespace}space"

    def __call__(self, texts: Sequence[str]) -> None:
        from copy import deepcopy

        from lxml import etree

        tr = deepcopy(self._template)
        for tc, text in zip(tr.iterchildren(self._tc), texts, strict=False):
            paragraph = tc.find(self._p)
            run = etree.SubElement(paragraph, self._r)
            for number, line in enumerate(_NOT_XML.sub("", text).split("\n")):
                if number:
                    etree.SubElement(run, self._br)
                element = etree.SubElement(run, self._t)
                element.text = line
                element.set(self._space, "preserve")
        self._tbl.append(tr)


def _date_shown(row: MergedRow) -> str:
    """The date the row is ordered by, and what was written when that differs."""
    shown = format_date(row.date) if row.date else ""
    written = row.row.date_text
    if written and written != shown:
        return f"{shown}\n(written: {written})" if shown else written
    return shown


def _docx_setup(document: object, title: str, heading: str) -> None:
    """Landscape A4, narrow margins, Casereview as author, the heading on every page."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    properties = document.core_properties  # type: ignore[attr-defined]
    properties.author = AUTHOR
    properties.last_modified_by = AUTHOR
    properties.title = title
    properties.comments = ""
    properties.keywords = ""
    section = document.sections[0]  # type: ignore[attr-defined]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    section.different_first_page_header_footer = False
    paragraph = section.header.paragraphs[0]
    paragraph.text = f"{_NOT_XML.sub('', heading)} \u2014 page "
    _docx_field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _docx_field(paragraph, "NUMPAGES")


def _docx_field(paragraph: object, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)  # type: ignore[attr-defined]


def _docx_header_row(table: object, headings: Sequence[str]) -> None:
    """Bold headings that repeat at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    row = table.rows[0]  # type: ignore[attr-defined]
    for cell, text in zip(row.cells, headings, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(repeat)


def _docx_gap_row(table: object, sentence: str) -> None:
    """A row across the table saying the agencies were silent for a while."""
    cells = table.add_row().cells  # type: ignore[attr-defined]
    merged = cells[0].merge(cells[-1])
    merged.text = ""
    run = merged.paragraphs[0].add_run(sentence)
    run.italic = True


def _docx_widths(table: object) -> None:
    """Fixed column widths (the grid for LibreOffice, each cell for Word)."""
    from docx.shared import Cm

    table.autofit = False  # type: ignore[attr-defined]
    for column, width in zip(table.columns, _DOCX_WIDTHS_CM, strict=False):  # type: ignore[attr-defined]
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


# -- PDF ----------------------------------------------------------------------------------------


def write_pdf(
    merged: Merged, out_path: str | Path, reference: str = "", marking: str = DEFAULT_MARKING
) -> None:
    """A landscape PDF through WeasyPrint, "REF — MARKING — page N of M" atop every page."""
    import weasyprint

    html = _pdf_html(merged, reference, marking)
    weasyprint.HTML(string=html, url_fetcher=_refuse_fetch, base_url=None).write_pdf(out_path)


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """The PDF needs nothing from outside; agency text must not make it fetch anything."""
    raise ValueError(f"external resources are not loaded ({url[:40]})")


def _css_string(text: str) -> str:
    """Text as a CSS string literal, every character outside plain letters escaped.

    Each escape ends with a space, which CSS consumes as the escape's terminator.
    """
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;()/_" else f"\\{ord(ch):06x} " for ch in text
    )
    return f'"{escaped}"'


def _pdf_html(merged: Merged, reference: str, marking: str) -> str:
    from html import escape

    running = _css_string(page_heading(reference, marking) + " \u2014 page ")
    title = f"Merged chronology {reference}".strip()
    notes = row_notes(merged)
    gap_before = {gap.end: gap for gap in merged.gaps}
    body: list[str] = []
    for position, row in enumerate(merged.rows):
        gap = gap_before.pop(row.date, None) if row.date else None
        if gap is not None:
            sentence = escape(gap_sentence(gap.start, gap.end, gap.days))
            body.append(f'<tr class="gap"><td colspan="{len(_DOCX_HEADINGS)}">{sentence}</td></tr>')
        texts = [
            _date_shown(row),
            f"{row.agency} (row {row.number})",
            *(row.row.cells.get(key, "") for key in COLUMNS[1:]),
            "\n".join([_problem_text(row.problems), *notes.get(position, ())]).strip(),
        ]
        cells = "".join(f"<td>{_html_text(text)}</td>" for text in texts)
        flagged = ' class="flagged"' if row.problems else ""
        body.append(f"<tr{flagged}>{cells}</tr>")
    headings = "".join(f"<th>{escape(h)}</th>" for h in _DOCX_HEADINGS)
    pairs = "".join(f"<li>{_html_text(pair.reason)}</li>" for pair in merged.discrepancies)
    discrepancies = f"<h2>Possible discrepancies</h2><ul>{pairs}</ul>" if pairs else ""
    return f"""<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>{escape(title)}</title>
<meta name="author" content="{AUTHOR}"><meta name="generator" content="{AUTHOR}">
<style>
@page {{
  size: A4 landscape; margin: 18mm 10mm 14mm;
  @top-center {{ content: {running} counter(page) " of "
    counter(pages); font: 9pt "Liberation Sans", sans-serif; }}
}}
body {{ font: 8pt "Liberation Sans", sans-serif; }}
h1 {{ font-size: 13pt; }} h2 {{ font-size: 11pt; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
thead {{ display: table-header-group; }}
th, td {{ border: 0.5pt solid #555; padding: 2pt 3pt; vertical-align: top;
  overflow-wrap: anywhere; white-space: pre-wrap; text-align: left; }}
th {{ background: #ddd; }}
tr {{ break-inside: avoid; }}
tr.gap td {{ font-style: italic; background: #f3f3f3; }}
tr.flagged td:last-child {{ background: #fff4e5; }}
</style></head><body>
<h1>{escape(title)}</h1>
<table><thead><tr>{headings}</tr></thead><tbody>{"".join(body)}</tbody></table>
{discrepancies}
</body></html>"""


def _html_text(text: str) -> str:
    from html import escape

    return escape(_NOT_XML.sub("", text))


# -- annotated agency chronology ----------------------------------------------------------------


def write_annotated(
    chron: Chronology,
    problems: Sequence[Problem],
    out_path: str | Path,
    marking: str = DEFAULT_MARKING,
) -> None:
    """The agency's rows back as a workbook with a PROBLEMS column, for the author to fix.

    Each row sits at the same number under the header as in the original, so "Row 4" in a
    message is the fourth row under the header here too.
    """
    write_annotated_many([(chron, problems)], out_path, marking)


def write_annotated_many(
    items: Sequence[tuple[Chronology, Sequence[Problem]]],
    out_path: str | Path,
    marking: str = DEFAULT_MARKING,
) -> None:
    """Several agencies' annotated rows, one sheet each."""
    from openpyxl import Workbook

    book = Workbook()
    _set_book_properties(book, "Chronology problems", marking)
    book.remove(book.active)
    used: set[str] = set()
    for chron, problems in items:
        sheet = book.create_sheet(_sheet_title(chron.agency, used))
        _annotated_sheet(sheet, chron, problems, marking)
    book.save(out_path)


def _sheet_title(agency: str, used: set[str]) -> str:
    """A legal, unique sheet title (31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", " ", agency).strip()[:28] or "Chronology"
    title, copy = base, 2
    while title.casefold() in used:
        title, copy = f"{base[:26]} {copy}", copy + 1
    used.add(title.casefold())
    return title


def _annotated_sheet(
    sheet: object, chron: Chronology, problems: Sequence[Problem], marking: str
) -> None:
    """Agency line, header, then each row at its own number, with its problems beside it."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = sheet
    headings = [*(HEADINGS[key] for key in COLUMNS), *chron.extra_columns, "PROBLEMS"]
    by_row: dict[int, list[Problem]] = {}
    for problem in problems:
        by_row.setdefault(problem.row, []).append(problem)
    _text_cell(ws.cell(row=1, column=1), "Agency:")
    _text_cell(ws.cell(row=1, column=2), chron.agency)
    header_row = 2
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, text in enumerate(headings, start=1):
        cell = _text_cell(ws.cell(row=header_row, column=column), text)
        cell.font, cell.alignment = Font(bold=True), wrap  # type: ignore[attr-defined]
    flagged = PatternFill("solid", fgColor="FCE4D6")
    last_row = header_row
    for row in chron.rows:
        last_row = header_row + row.number
        values = [
            row.date_text,
            *(row.cells.get(key, "") for key in COLUMNS[1:]),
            *(row.extra.get(name, "") for name in chron.extra_columns),
            _problem_text(by_row.get(row.number, ())),
        ]
        for column, value in enumerate(values, start=1):
            if value:
                cell = _text_cell(ws.cell(row=last_row, column=column), value)
                cell.alignment = wrap  # type: ignore[attr-defined]
        if by_row.get(row.number):
            ws.cell(row=last_row, column=len(headings)).fill = flagged  # type: ignore[attr-defined]
    for column, heading in enumerate(headings, start=1):
        width = 60 if heading == "PROBLEMS" else (14 if heading == "DATE" else 30)
        ws.column_dimensions[get_column_letter(column)].width = width  # type: ignore[attr-defined]
    ws.freeze_panes = f"A{header_row + 1}"  # type: ignore[attr-defined]
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headings))}{last_row}"  # type: ignore[attr-defined]
    ws.page_setup.orientation = "landscape"  # type: ignore[attr-defined]
    _page_headers(ws, page_heading(chron.agency, marking))
