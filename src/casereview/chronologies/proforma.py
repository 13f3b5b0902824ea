"""Read an agency's chronology from a CSV, XLSX or DOCX copy of the pro forma.

The pro forma (004 appendix, DOMAIN.md 2.7) has seven columns; agencies return it as a
spreadsheet or a Word table, often with a title and an "Agency:" line above it. This module finds
the header row, keeps every row with the number the author sees (1 = the first row under the
header) and leaves judging the rows to checks.py. ../shared/CONTRACTS.md "Chronologies" is the
contract. No Django here: the command and the web pages share it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import operator
import os
import re
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from casereview.chronologies.dates import (
    ParsedDate,
    cell_text,
    parse_date_text,
    parse_date_value,
    straighten,
)
from casereview.chronologies.safety import (
    UnsafeFileError,
    check_office_zip,
    check_size,
)

COLUMNS = ("date", "child", "family", "communication", "source", "staff", "comment")
# The narrative columns: what "all text cells" means for too-brief, and what discrepancies compare.
TEXT_COLUMNS = ("child", "family", "communication", "comment")
HEADINGS = {
    "date": "DATE",
    "child": "CONTACT WITH CHILD",
    "family": "CONTACT WITH PARENTS/CARERS",
    "communication": "INTER/INTRA-AGENCY COMMUNICATION",
    "source": "SOURCE OF RECORD",
    "staff": "STAFF INVOLVED",
    "comment": "COMMENT",
}
EXPECTED_HEADINGS = "; ".join(HEADINGS.values())

_HEADER_SEARCH_ROWS = 100  # title, agency and instructions lines above the table
_BLANK_HEADER = "Column {number}"


@dataclass(frozen=True, slots=True)
class Limits:
    """How big a chronology may be, wherever it is read (the pages and the command alike).

    ISSUE 7: a 90,000-row CSV took 31 s and 544 MB, and 20,000 columns broke every XLSX export.
    The pro forma has seven columns and a long review a few thousand rows per agency, so the
    bounds leave room for extra columns and long chronologies while keeping a file at the
    limits readable within 2 s and 256 MB (benchmarks/chronology_limits.py). The byte limit
    of an upload is the upload gate's (core/uploads.py); the command reads the person's own
    files, so it keeps only these.
    """

    rows: int = 20_000  # numbered as the author sees them: 1 = the first row under the header
    columns: int = 50  # counted from the sheet's first column, header included


LIMITS = Limits()


class ChronologyReadError(Exception):
    """A file cannot be read as a chronology; the message names the file and says why."""


class ChronologyTooLarge(ChronologyReadError):
    """A chronology beyond LIMITS: the message gives the limit and where it was crossed."""


def _too_many_rows(name: str, number: int) -> ChronologyTooLarge:
    return ChronologyTooLarge(
        f"{name}: the chronology has more than {LIMITS.rows:,} rows (row {number:,} under the"
        f" header holds text); a chronology can have at most {LIMITS.rows:,} rows: split it"
        " into files of at most that many rows, or remove what is below the table"
    )


def _too_many_columns(name: str, number: int, column: int) -> ChronologyTooLarge:
    where = "the header row" if number == 0 else f"row {number:,}"
    return ChronologyTooLarge(
        f"{name}: {where} has text in column {column:,}; a chronology can have at most"
        f" {LIMITS.columns} columns: remove the columns after column {LIMITS.columns} and try"
        " again"
    )


def _filled(value: object) -> bool:
    """Whether a cell holds anything an author wrote (not None, not only spaces)."""
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _filled_beyond(cells: Mapping[int, object], bound: int) -> int | None:
    """The first column after ``bound`` of a sparse row that holds text, if any."""
    return min((c for c, value in cells.items() if c > bound and _filled(value)), default=None)


def _first_filled_beyond(cells: Sequence[object], bound: int) -> int | None:
    """The 1-based column of the first filled cell after column ``bound``, if any."""
    for index in range(bound, len(cells)):
        if _filled(cells[index]):
            return index + 1
    return None


_EMPTY: Mapping = MappingProxyType({})  # shared by the many rows with no extras or merges


class Row(NamedTuple):
    """One row of an agency's chronology, as written, with its date read.

    ``cells`` holds the seven canonical keys; ``merged`` maps a column key to the first and last
    row numbers of a cell merged across rows (each row of the span holds the cell's text). An
    immutable NamedTuple: cheap to build for tens of thousands of rows.
    """

    number: int
    date_text: str
    date: ParsedDate
    cells: Mapping[str, str]
    extra: Mapping[str, str] = _EMPTY
    merged: Mapping[str, tuple[int, int]] = _EMPTY

    def text(self, key: str) -> str:
        """The text of a canonical column ("" when empty)."""
        return self.cells.get(key, "")


@dataclass(frozen=True, slots=True)
class Chronology:
    """One agency's chronology: the agency, the file as given, its rows and extra columns."""

    agency: str
    file: str
    rows: tuple[Row, ...]
    extra_columns: tuple[str, ...] = ()


def split_file_argument(argument: str) -> tuple[str | None, str]:
    """Split ``AGENCY=PATH`` into the agency and the path; a plain path has no agency.

    A path that exists as given wins, so a file whose name holds "=" still reads.
    """
    if "=" in argument and not os.path.exists(argument):
        agency, _, path = argument.partition("=")
        return (agency.strip() or None), path
    return None, argument


def read_chronology(path: str | os.PathLike[str], agency: str | None = None) -> Chronology:
    """Read a chronology file; raise ChronologyReadError naming the file when it cannot be read.

    Rows and columns are bounded by LIMITS while the file is read (ChronologyTooLarge). Bytes
    are not: an upload's size is the upload gate's (``core.uploads``), and the command reads the
    person's own files.
    """
    name = os.fspath(path)
    suffix = Path(name).suffix.lower()
    reader = _READERS.get(suffix)
    try:
        if suffix in (".xls", ".doc"):
            modern = ".xlsx" if suffix == ".xls" else ".docx"
            raise ChronologyReadError(
                f"{name}: {suffix} is an old Office format; save it as .xlsx/.docx"
                f" ({modern}) and try again"
            )
        if reader is None:
            raise ChronologyReadError(
                f"{name}: not a chronology: expected a .csv, .xlsx or .docx file with the columns"
                f" {EXPECTED_HEADINGS}"
            )
        check_size(name)
        found_agency, table = reader(name)
        resolved = agency or found_agency or Path(name).stem
        return _build(name, resolved, table)
    except ChronologyReadError:
        raise
    except UnsafeFileError as exc:
        raise ChronologyReadError(f"{name}: {exc}") from exc
    except OSError as exc:
        raise ChronologyReadError(f"{name}: cannot be opened ({exc.strerror or exc})") from exc
    except Exception as exc:  # a malformed file must give a message, never a traceback
        raise ChronologyReadError(
            f"{name}: cannot be read as a chronology ({type(exc).__name__}: {exc})"
        ) from exc


# -- the shape every reader hands over ---------------------------------------------------------


@dataclass(slots=True)
class _Table:
    """The header row and the rows under it, each with its row number and vertical merges.

    ``merges`` maps a row number to {column index: (first number, last number)}.
    """

    header: list[str]
    rows: list[tuple[int, list[object]]]
    merges: dict[int, dict[int, tuple[int, int]]] = field(default_factory=dict)
    to_text: Callable[[object], str] = str


# -- header and agency line ---------------------------------------------------------------------

_NORMALISE_SPACES = re.compile(r"\s+")
_NORMALISE_JOINS = re.compile(r"\s*([/\-])\s*")


def _normal_heading(text: str) -> str:
    """A heading cell reduced for matching: plain quotes and dashes, one space, no case."""
    text = _NORMALISE_SPACES.sub(" ", straighten(text)).strip().casefold()
    return _NORMALISE_JOINS.sub(r"\1", text)


_WANTED = [(key, _normal_heading(heading)) for key, heading in HEADINGS.items()]


def header_columns(cells: Sequence[object]) -> dict[int, str] | None:
    """Map column positions to canonical keys when ``cells`` is the pro forma's header row."""
    texts = [_normal_heading(cell) if isinstance(cell, str) else "" for cell in cells]
    if sum(1 for text in texts if text) < len(_WANTED):
        return None
    found: dict[int, str] = {}
    for key, wanted in _WANTED:
        position = next(
            (i for i, text in enumerate(texts) if i not in found and text.startswith(wanted)), None
        )
        if position is None:
            return None
        found[position] = key
    return found


def _missing_headings(cells: Sequence[object]) -> list[str]:
    """The headings a near-miss header row lacks (for a message that helps the author)."""
    texts = [_normal_heading(cell) if isinstance(cell, str) else "" for cell in cells]
    return [
        HEADINGS[key]
        for key, wanted in _WANTED
        if not any(text.startswith(wanted) for text in texts)
    ]


_AGENCY_LINE = re.compile(r"^\s*agency(?:\s+name)?\s*(?::\s*(.*)|$)", re.IGNORECASE | re.DOTALL)


def _agency_from_lines(lines: Iterable[Sequence[object]]) -> str | None:
    """The agency named on an "Agency:" line (in one cell, or in the next cell along)."""
    for cells in lines:
        texts = [c.strip() if isinstance(c, str) else "" for c in cells]
        for position, text in enumerate(texts):
            match = _AGENCY_LINE.match(text)
            if not match:
                continue
            value = (match.group(1) or "").strip()
            if not value:
                value = next((t for t in texts[position + 1 :] if t), "")
            if value:
                return _NORMALISE_SPACES.sub(" ", value)
            break
    return None


def _locate_header(
    rows: Sequence[Sequence[object]],
) -> tuple[int, dict[int, str]] | tuple[None, list[str]]:
    """The header row's index and column map, or None and the best near miss's missing headings."""
    best: list[str] = []
    for index, cells in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        columns = header_columns(cells)
        if columns is not None:
            return index, columns
        missing = _missing_headings(cells)
        if len(missing) <= 4 and (not best or len(missing) < len(best)):
            best = missing
    return None, best


def _no_header(name: str, missing: list[str], where: str) -> ChronologyReadError:
    """The error for a file with no pro forma header row."""
    if missing:
        return ChronologyReadError(
            f"{name}: the chronology's header row lacks {'; '.join(missing)}"
            f" (expected the columns {EXPECTED_HEADINGS})"
        )
    return ChronologyReadError(
        f"{name}: no chronology {where} found: expected a header row with the columns"
        f" {EXPECTED_HEADINGS}"
    )


# -- building rows ------------------------------------------------------------------------------


def _build(name: str, agency: str, table: _Table) -> Chronology:
    """Turn a located table into a Chronology with canonical cells and extra columns."""
    columns = header_columns(table.header) or {}
    width = max([len(table.header), *(len(cells) for _, cells in table.rows)], default=0)
    extra_names = _extra_names(table, columns, width)
    to_text = table.to_text
    position_of = {key: i for i, key in columns.items()}
    date_index = position_of["date"]
    pick = operator.itemgetter(*(position_of[key] for key in COLUMNS))  # canonical order
    rows: list[Row] = []
    all_text = to_text is str  # CSV and Word cells are text already; spreadsheet cells are not
    for number, values in table.rows:
        if len(values) < width:
            values = [*values, *(["" if all_text else None] * (width - len(values)))]
        if all_text:
            texts = [v.strip() for v in values]  # type: ignore[union-attr]
        else:  # spreadsheet cells: mostly text already, so test that first
            texts = [
                v.strip() if v.__class__ is str else to_text(v).strip() if v is not None else ""
                for v in values
            ]
        if not any(texts):
            continue  # wholly blank rows are skipped, but keep their number
        date_value = values[date_index]
        parsed = (
            parse_date_text(date_value)
            if isinstance(date_value, str)
            else parse_date_value(date_value)
        )
        cells = dict(zip(COLUMNS, pick(texts), strict=False))  # pick gives exactly seven
        extra = (
            {label: texts[i] for i, label in extra_names.items() if texts[i]}
            if extra_names
            else _EMPTY
        )
        spans = table.merges.get(number) if table.merges else None
        merged = (
            {columns.get(i, extra_names.get(i, "")): span for i, span in spans.items()}
            if spans
            else _EMPTY
        )
        rows.append(Row(number, texts[date_index], parsed, cells, extra, merged))
    return Chronology(agency, name, tuple(rows), tuple(extra_names.values()))


def _extra_names(table: _Table, columns: Mapping[int, str], width: int) -> dict[int, str]:
    """Names for the columns beyond the seven, keeping blank-headed ones only if they hold text."""
    names: dict[int, str] = {}
    seen: set[str] = set()
    for index in range(width):
        if index in columns:
            continue
        heading = table.header[index] if index < len(table.header) else None
        label = _NORMALISE_SPACES.sub(" ", table.to_text(heading)).strip() if heading else ""
        if not label:
            has_text = any(
                index < len(cells) and table.to_text(cells[index] or "").strip()
                for _, cells in table.rows
            )
            if not has_text:
                continue
            label = _BLANK_HEADER.format(number=index + 1)
        unique, copy = label, 2
        while unique in seen or unique.casefold() in COLUMNS:
            unique, copy = f"{label} ({copy})", copy + 1
        seen.add(unique)
        names[index] = unique
    return names


# -- CSV ----------------------------------------------------------------------------------------

_DELIMITERS = (",", ";", "\t")


def _read_csv(name: str) -> tuple[str | None, _Table]:
    """Read a delimited text file: UTF-8 (BOM or not) or UTF-16 with BOM, else cp1252.

    The file is read as a stream, record by record, and reading stops at the first record past
    LIMITS: a file far over the bounds costs no more than one at them.
    """
    with open(name, "rb") as handle:
        start = handle.read(8192)
    if start.startswith(b"\xef\xbb\xbf"):
        return _read_csv_as(name, "utf-8-sig", "replace")
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _read_csv_as(name, "utf-16", "replace")
    if b"\x00" in start:
        raise ChronologyReadError(
            f"{name}: not a text (CSV) file; expected a .csv, .xlsx or .docx chronology with the"
            f" columns {EXPECTED_HEADINGS}"
        )
    try:
        return _read_csv_as(name, "utf-8", "strict")
    except UnicodeDecodeError:  # not UTF-8 after all: start again as Windows-1252
        return _read_csv_as(name, "cp1252", "replace")


def _read_csv_as(name: str, encoding: str, errors: str) -> tuple[str | None, _Table]:
    with open(name, encoding=encoding, errors=errors, newline="") as stream:
        text = stream.read(65536)
        for delimiter in sorted(_DELIMITERS, key=lambda d: -text.count(d, 0, 8192)):
            index, found = _locate_header(_csv_head(text, delimiter))
            if index is not None:
                break
        else:
            raise _no_header(name, found if isinstance(found, list) else [], "header row")
        stream.seek(0)
        try:
            reader = csv.reader(stream, delimiter=delimiter)
            above = list(itertools.islice(reader, index))
            header = next(reader)
            rows = _bounded_records(name, header, reader)
        except csv.Error as exc:
            raise ChronologyReadError(f"{name}: cannot be read as CSV ({exc})") from exc
    return _agency_from_lines(above), _Table(header[: LIMITS.columns], rows)  # type: ignore[arg-type]


def _bounded_records(
    name: str, header: list[str], records: Iterable[list[str]]
) -> list[tuple[int, list[object]]]:
    """The records under the header, numbered, refused at the first one past LIMITS."""
    bound, most = LIMITS.columns, LIMITS.rows
    if len(header) > bound and (column := _first_filled_beyond(header, bound)):
        raise _too_many_columns(name, 0, column)
    rows: list[tuple[int, list[object]]] = []
    for number, record in enumerate(records, start=1):
        if len(record) > bound:
            if column := _first_filled_beyond(record, bound):
                raise _too_many_columns(name, number, column)
            record = record[:bound]
        if number > most:
            if any(cell.strip() for cell in record):
                raise _too_many_rows(name, number)
            continue  # blank lines below the table: not kept
        rows.append((number, record))  # type: ignore[arg-type]
    return rows


def _csv_head(text: str, delimiter: str) -> list[list[str]]:
    """The first records, where the header should be (a quoted cell may span lines: it is
    still one row as the author sees it)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    head: list[list[str]] = []
    # On a fault, what was read before it may still hold the header.
    with contextlib.suppress(csv.Error):
        head.extend(itertools.islice(reader, _HEADER_SEARCH_ROWS))
    return head


# -- XLSX ---------------------------------------------------------------------------------------


def _read_xlsx(name: str) -> tuple[str | None, _Table]:
    """Read the first visible sheet that holds the header row.

    Each sheet is streamed row by row (sheets.py): a sheet whose first hundred rows hold no
    header is left unread, and reading stops at the first row past LIMITS.
    """
    check_office_zip(name, ".xlsx")
    # No check_xlsx_merges: it guarded openpyxl, which made an object for every merged cell;
    # sheets.py makes none, and _unmerge_xlsx follows a range no further than the data.
    from casereview.chronologies import sheets  # openpyxl is slow to import: not for a CSV

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and validation it skips
            book = sheets.open_workbook(name)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ChronologyReadError(f"{name}: cannot be read as a spreadsheet ({exc})") from exc
    missing: list[str] = []
    try:
        for sheet in book.sheets:
            if sheet.state != "visible":
                continue
            found = _read_sheet(name, sheets.SheetRows(book, sheet))
            if isinstance(found, list):
                missing = missing or found
                continue
            return found
    finally:
        book.close()
    raise _no_header(name, missing, "sheet")


def _read_sheet(name: str, rows: Any) -> tuple[str | None, _Table] | list[str]:
    """The sheet's agency and table, or the headings a near miss lacks when it has no header."""
    bound, most = LIMITS.columns, LIMITS.rows
    above: dict[int, dict[int, object]] = {}  # the rows down to the header
    header_row = 0
    columns: dict[int, str] | None = None
    grid: dict[int, dict[int, object]] = {}
    reading = iter(rows)
    try:
        for row, cells in reading:  # cells: those holding a value (maybe only spaces)
            if columns is None:
                if row > _HEADER_SEARCH_ROWS:
                    break
                above[row] = cells
                columns = header_columns(_row_values(cells))
                if columns is not None:
                    header_row = row
                    if (beyond := _filled_beyond(cells, bound)) is not None:
                        raise _too_many_columns(name, 0, beyond)
                continue
            if not cells:
                continue
            number = row - header_row
            if max(cells) > bound and (beyond := _filled_beyond(cells, bound)) is not None:
                raise _too_many_columns(name, number, beyond)
            if number > most and any(_filled(value) for value in cells.values()):
                raise _too_many_rows(name, number)
            grid[row] = cells
    finally:
        reading.close()  # a sheet left part-read closes its part now
    head = [_row_values(above.get(row, {})) for row in range(1, max(above, default=0) + 1)]
    if columns is None:
        _, near = _locate_header(head)
        return near if isinstance(near, list) else []
    merges = _unmerge_xlsx(rows.merged, above, grid, header_row)
    table = _Table(
        head[header_row - 1],
        [(row - header_row, _row_values(grid[row])) for row in sorted(grid)],
        merges,
        to_text=cell_text,
    )
    return _agency_from_lines(head[: header_row - 1]), table


def _row_values(cells: Mapping[int, object]) -> list[object]:
    """A sparse row as a list from column 1 to its last filled column."""
    if not cells:
        return []
    return [cells.get(column) for column in range(1, max(cells) + 1)]


def _unmerge_xlsx(
    refs: Iterable[str],
    above: Mapping[int, Mapping[int, object]],
    grid: dict[int, dict[int, object]],
    header_row: int,
) -> dict[int, dict[int, tuple[int, int]]]:
    """Give every row of a merged range its anchor's value; note the ranges that span rows.

    Returns {row number: {column index: (first row number, last row number)}}. A range is
    followed no further than the last row holding data.
    """
    from openpyxl.worksheet.cell_range import CellRange

    merges: dict[int, dict[int, tuple[int, int]]] = {}
    last_row = max(grid, default=0)
    for ref in refs:
        cell_range = CellRange(ref)
        top, column = cell_range.min_row, cell_range.min_col
        bottom = min(cell_range.max_row, last_row)
        if bottom <= header_row or column > LIMITS.columns:
            continue
        anchor = (grid if top > header_row else above).get(top, {}).get(column)
        first = max(top, header_row + 1)
        span = (first - header_row, bottom - header_row)
        for row in range(first, bottom + 1):
            if anchor is not None:
                grid.setdefault(row, {})[column] = anchor
            if cell_range.max_row > top:
                merges.setdefault(row - header_row, {})[column - 1] = span
    return merges


# -- DOCX ---------------------------------------------------------------------------------------


def _read_docx(name: str) -> tuple[str | None, _Table]:
    """Read the first table whose header matches; later tables with the header continue it
    (their columns put in the first table's order, should an author have moved them)."""
    check_office_zip(name, ".docx")
    try:
        import docx  # slow to import: a CSV-only run never loads it

        document = docx.Document(name)
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise ChronologyReadError(f"{name}: cannot be read as a Word document ({exc})") from exc
    from docx.oxml.ns import qn

    lines: list[list[object]] = []
    table: _Table | None = None
    header_keys: tuple[str, ...] = ()
    missing: list[str] = []
    for element in _body_blocks(document.element.body, qn):
        if element.tag == qn("w:p"):
            if table is None:
                lines.append([element.text or ""])
            continue
        grid, spans, wide = _docx_grid(element)
        index, found = _locate_header(grid)
        if index is None:
            missing = missing or (found if isinstance(found, list) else [])
            if table is None:
                lines.extend(grid)
            continue
        start = table.rows[-1][0] if table is not None and table.rows else 0
        for position, column in sorted(wide.items()):
            if position >= index:
                number = start + position - index if position > index else 0
                raise _too_many_columns(name, number, column)
        keys = tuple(_normal_heading(cell) for cell in grid[index])
        if table is None:
            lines.extend(grid[:index])
            table = _Table(grid[index], [])
            header_keys = keys
        elif keys != header_keys:
            grid, spans = _reorder_columns(grid, spans, index, table.header)
        _append_docx_rows(name, table, grid, spans, index)
    if table is None:
        raise _no_header(name, missing, "table")
    return _agency_from_lines(lines), table


def _body_blocks(body: object, qn: Callable[[str], str]) -> Iterable[object]:
    """Paragraphs and tables of the body in order, looking inside content controls."""
    for child in body.iterchildren():  # type: ignore[attr-defined]
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_blocks(content, qn)


def _reorder_columns(
    grid: list[list[object]],
    spans: list[dict[int, tuple[int, int]]],
    index: int,
    first_header: Sequence[object],
) -> tuple[list[list[object]], list[dict[int, tuple[int, int]]]]:
    """A continuation table's rows with its columns in the first table's order (matched by
    canonical key, else by heading); a column the first table lacks is dropped."""
    first_keys = header_columns(first_header) or {}
    these_keys = {key: i for i, key in (header_columns(grid[index]) or {}).items()}
    headings = {_normal_heading(cell): i for i, cell in enumerate(grid[index]) if cell}
    source: list[int | None] = []
    for position, heading in enumerate(first_header):
        key = first_keys.get(position)
        wanted = these_keys.get(key) if key else headings.get(_normal_heading(heading or ""))
        source.append(wanted)
    moved = {old: new for new, old in enumerate(source) if old is not None}
    reordered = [
        [cells[old] if old is not None and old < len(cells) else "" for old in source]
        for cells in grid
    ]
    respanned = [
        {moved[column]: span for column, span in row.items() if column in moved} for row in spans
    ]
    return reordered, respanned


def _append_docx_rows(
    name: str,
    table: _Table,
    grid: list[list[object]],
    spans: list[dict[int, tuple[int, int]]],
    index: int,
) -> None:
    """Add a Word table's rows under its header, numbering on from the rows already read."""
    start = table.rows[-1][0] if table.rows else 0
    offset = index + 1
    for position, cells in enumerate(grid[offset:], start=offset):
        number = start + position - index
        if number > LIMITS.rows:
            if any(_filled(cell) for cell in cells):
                raise _too_many_rows(name, number)
            continue
        row_spans = {
            column: (max(first, offset) - index + start, last - index + start)
            for column, (first, last) in spans[position].items()
        }
        if row_spans:
            table.merges[number] = row_spans
        table.rows.append((number, cells))


def _docx_grid(tbl: object) -> tuple[list[list[object]], list[dict], dict[int, int]]:
    """A Word table as a grid of cell texts, each merged cell's text read once.

    Cells after column LIMITS.columns are left out; ``wide`` maps each row that had text there
    to the first such column (1-based), for the caller to refuse if the row is in the table.

    A cell spanning columns (w:gridSpan, or legacy w:hMerge) holds its text in its first
    column only; a cell merged down rows (w:vMerge) gives its text to every row it spans, and
    ``spans[row][column]`` records the first and last grid rows of that merge.
    """
    grid: list[list[object]] = []
    states: list[dict[int, str]] = []
    wide: dict[int, int] = {}
    bound = LIMITS.columns
    for tr in tbl.iterchildren(_W_TR):  # type: ignore[attr-defined]
        cells: dict[int, object] = {}
        row_state: dict[int, str] = {}
        column = _grid_before(tr)
        for tc in tr.iterchildren(_W_TC):
            span, vmerge, hmerge = _tc_layout(tc)
            if column >= bound:
                # A gridSpan can put a cell anywhere: never build a row out to it.
                if hmerge != "continue" and _tc_text(tc).strip():
                    wide.setdefault(len(grid), column + 1)
            else:
                if hmerge != "continue":
                    cells[column] = _tc_text(tc)
                if vmerge:
                    row_state[column] = vmerge
            column += span
        width = max(cells, default=-1) + 1
        grid.append([cells.get(i, "") for i in range(width)])
        states.append(row_state)
    spans: list[dict[int, tuple[int, int]]] = [{} for _ in grid]
    _resolve_vertical_merges(grid, states, spans)
    return grid, spans, wide


def _resolve_vertical_merges(
    grid: list[list[object]], states: list[dict[int, str]], spans: list[dict[int, tuple[int, int]]]
) -> None:
    """Copy each vertically merged cell's text down its span and record the span on each row."""
    open_spans: dict[int, int] = {}  # column -> first row of the span being read
    for row, state in enumerate(states):
        for column in list(open_spans):
            if state.get(column) != "continue":
                _close_span(spans, column, open_spans.pop(column), row - 1)
        for column, value in state.items():
            if value == "restart":
                open_spans[column] = row
            elif value == "continue" and column in open_spans:
                first = open_spans[column]
                while len(grid[row]) <= column:
                    grid[row].append("")
                grid[row][column] = grid[first][column] if column < len(grid[first]) else ""
    for column, first in open_spans.items():
        _close_span(spans, column, first, len(states) - 1)


def _close_span(spans: list[dict], column: int, first: int, last: int) -> None:
    if last > first:
        for row in range(first, last + 1):
            spans[row][column] = (first, last)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_TR, _W_TC, _W_P, _W_T = f"{_W}tr", f"{_W}tc", f"{_W}p", f"{_W}t"
_W_TAB, _W_BR, _W_CR = f"{_W}tab", f"{_W}br", f"{_W}cr"
_W_SDT, _W_SDT_CONTENT = f"{_W}sdt", f"{_W}sdtContent"
_W_VAL = f"{_W}val"
_W_TEXT_PARTS = {_W_T: None, _W_TAB: "\t", _W_BR: "\n", _W_CR: "\n"}


def _tc_text(tc: object) -> str:
    """A Word cell's text: its paragraphs, one per line, as Word shows them.

    Only shown text counts (w:t; deleted text is w:delText and field codes are w:instrText).
    Read straight from the XML: python-docx's own text property costs an XPath query per run.
    """
    lines: list[str] = []
    for paragraph in _cell_paragraphs(tc):
        parts: list[str] = []
        for element in paragraph.iter(_W_T, _W_TAB, _W_BR, _W_CR):
            fixed = _W_TEXT_PARTS[element.tag]
            parts.append(fixed if fixed is not None else (element.text or ""))
        lines.append("".join(parts))
    return "\n".join(lines)


def _cell_paragraphs(tc: object) -> Iterable[object]:
    """The paragraphs directly in a cell, including those in content controls (not nested
    tables: python-docx leaves those out of a cell's text too)."""
    for child in tc.iterchildren(_W_P, _W_SDT):  # type: ignore[attr-defined]
        if child.tag == _W_P:
            yield child
        else:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from content.iterchildren(_W_P)


def _grid_before(tr: object) -> int:
    """How many grid columns a Word row skips before its first cell."""
    trPr = tr.find(f"{_W}trPr")  # type: ignore[attr-defined]
    if trPr is None:
        return 0
    before = trPr.find(f"{_W}gridBefore")
    return int(before.get(_W_VAL, "0")) if before is not None else 0


def _tc_layout(tc: object) -> tuple[int, str, str]:
    """A Word cell's column span and its vertical and legacy horizontal merge states."""
    tcPr = tc.find(f"{_W}tcPr")  # type: ignore[attr-defined]
    if tcPr is None:
        return 1, "", ""
    span_element = tcPr.find(f"{_W}gridSpan")
    span = int(span_element.get(_W_VAL, "1")) if span_element is not None else 1
    vmerge_element = tcPr.find(f"{_W}vMerge")
    # An absent w:val on w:vMerge means "continue" (ECMA-376 17.4.85).
    vmerge = vmerge_element.get(_W_VAL, "continue") if vmerge_element is not None else ""
    hmerge_element = tcPr.find(f"{_W}hMerge")
    hmerge = hmerge_element.get(_W_VAL, "continue") if hmerge_element is not None else ""
    return max(span, 1), vmerge, hmerge


_READERS: dict[str, Callable[[str], tuple[str | None, _Table]]] = {
    ".csv": _read_csv,
    ".tsv": _read_csv,
    ".txt": _read_csv,
    ".xlsx": _read_xlsx,
    ".docx": _read_docx,
}
