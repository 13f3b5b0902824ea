"""Stream the filled cells of an XLSX workbook's sheets, row by row, fast enough for the limits.

A chronology at its limits (proforma.LIMITS: 20,000 rows of 50 columns) is a million cells.
openpyxl reads a cell in about 30 microseconds (an ElementTree element and a Python call per
cell and per value), so such a sheet took 30 s, and opening a workbook read-only parses every
sheet once just to find its size when the file does not state it. This reader keeps openpyxl
for the workbook's small parts (the sheets and their states, the shared strings, which styles
are dates, the 1900 or 1904 epoch) and reads each sheet's part itself: inflated in chunks and
scanned with regular expressions for its rows and cells, which the sheet XML's schema fixes
(ECMA-376 Part 1, 18.3.1: ``<row>`` holds ``<c>``, a cell holds ``<v>``, ``<f>`` or ``<is>``),
so the caller can stop at the first row past a bound having inflated no further. Values are
those openpyxl gives with ``data_only=True``: numbers, dates for date styles, text, booleans
and error codes. No Django here.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

_CHUNK = 1 << 20
# Namespace prefixes are allowed (<x:row>), attributes may use either quote.
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row\s*>)", re.S)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c\s*>)", re.S)
_ATTRIBUTE = re.compile(rb"""\b(r|t|s)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_VALUE = re.compile(rb"<(?:\w+:)?v\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?v\s*>)", re.S)
# Inline text: every <t> but those of phonetic runs (<rPh>), which Excel does not show.
_PHONETIC = re.compile(rb"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh\s*>", re.S)
_TEXT = re.compile(rb"<(?:\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t\s*>)", re.S)
_MERGE = re.compile(rb"""<(?:\w+:)?mergeCell\b[^>]*?\bref\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SHEET_DATA_END = re.compile(rb"</(?:\w+:)?sheetData\s*>")
_COORDINATE = re.compile(rb"([A-Za-z]{1,3})(\d*)")
# A cell as Excel and openpyxl write it, read in one match: reference, style, type, then a
# formula, a value or an inline string. A row holding any other spelling is read generically.
_PLAIN_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?'
    rb"(?:/>|>(?:<f>[^<]*</f>|<f/>)?(?:<v>([^<]*)</v>|"
    rb'<is><t(?: xml:space="preserve")?>([^<]*)</t></is>)?</c>)'
)


@dataclass(slots=True)
class Sheet:
    """One worksheet of the workbook: its name, whether it is visible, and its part."""

    name: str
    state: str
    path: str


@dataclass(slots=True)
class Workbook:
    """What reading a sheet needs from the rest of the workbook."""

    archive: zipfile.ZipFile
    sheets: list[Sheet]
    shared_strings: list[str]
    date_styles: frozenset[int]
    timedelta_styles: frozenset[int]
    epoch: object

    def close(self) -> None:
        self.archive.close()


def open_workbook(path: str) -> Workbook:
    """The workbook's sheets in order, with what their cells need; openpyxl reads these parts."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(path, read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = [
            Sheet(sheet.name, sheet.state or "visible", rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in (rel.Type or "")
        ]
    except BaseException:
        reader.archive.close()
        raise
    book = reader.wb
    return Workbook(
        reader.archive,
        sheets,
        [str(text) for text in reader.shared_strings],
        frozenset(book._date_formats),
        frozenset(book._timedelta_formats),
        book.epoch,
    )


@dataclass(slots=True)
class SheetRows:
    """A sheet's rows as (row number, {column: value}) of filled cells only; after the rows
    are read to the end, ``merged`` holds the sheet's merged ranges ("A2:A5")."""

    book: Workbook
    sheet: Sheet
    merged: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[tuple[int, dict[int, object]]]:
        cells_of = _CellReader(self.book)
        row_number = 0
        tail = b""
        plain: bool | None = None  # unprefixed elements: the fast path applies
        with self.book.archive.open(self.sheet.path) as part:
            while True:
                chunk = part.read(_CHUNK)
                buffer = tail + chunk
                if plain is None and (b"<sheetData" in buffer or b":sheetData" in buffer):
                    plain = b"<sheetData" in buffer
                end = 0
                if plain:
                    # Up to the last complete row; a row cut by the chunk waits for the next.
                    # (A self-closing row after it holds no cells: nothing is lost.)
                    end = buffer.rfind(b"</row>") + len(b"</row>") if b"</row>" in buffer else 0
                    rows = _plain_rows(buffer[:end]) if end else ()
                else:
                    rows = _generic_rows(buffer)
                for number, row_xml, end_at in rows:
                    if end_at:
                        end = end_at
                    row_number = int(number) if number and number.isdigit() else row_number + 1
                    if row_xml:
                        cells = cells_of(row_xml)
                        if cells:
                            yield row_number, cells
                tail = buffer[end:]
                if not chunk:
                    break
                found = _SHEET_DATA_END.search(tail)
                if found is not None:
                    tail = tail[found.end() :] + part.read()  # the rest is small: merges etc.
                    break
        self.merged = [(m[1] or m[2]).decode("ascii", "replace") for m in _MERGE.finditer(tail)]


def _generic_rows(buffer: bytes) -> Iterator[tuple[bytes | None, bytes, int]]:
    """Complete rows of any spelling: (r attribute, row XML, where the row ends)."""
    for match in _ROW.finditer(buffer):
        yield _attribute(match[1], b"r"), match[2] or b"", match.end()


def _plain_rows(text: bytes) -> Iterator[tuple[bytes | None, bytes, int]]:
    """Complete rows spelled without prefixes, split at each "<row" (fast: no regex)."""
    for piece in text.split(b"<row")[1:]:
        if not piece[:1].isspace() and piece[:1] not in (b">", b"/"):
            continue  # <rowBreaks> and the like
        close = piece.find(b">")
        attributes = piece[:close]
        body = b"" if attributes.endswith(b"/") else piece[close + 1 :]
        yield _attribute(attributes, b"r"), body, 0


def _attribute(attributes: bytes, name: bytes) -> bytes | None:
    for key, double, single in _ATTRIBUTE.findall(attributes):
        if key == name:
            return double if double or not single else single
    return None


class _CellReader:
    """Turns a row's XML into {column: value} for the cells that hold something."""

    def __init__(self, book: Workbook) -> None:
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        self.strings = book.shared_strings
        self.dates = book.date_styles
        self.timedeltas = book.timedelta_styles
        self.epoch = book.epoch
        self.from_excel = from_excel
        self.from_iso = from_ISO8601

    def __call__(self, row_xml: bytes) -> dict[int, object]:
        plain = _PLAIN_CELL.findall(row_xml)
        if len(plain) == row_xml.count(b"<c ") and b":c" not in row_xml and b"<c>" not in row_xml:
            return self._plain(plain)
        return self._generic(row_xml)

    def _plain(self, found: list[tuple[bytes, ...]]) -> dict[int, object]:
        """Cells as Excel and openpyxl write them (see _PLAIN_CELL)."""
        cells: dict[int, object] = {}
        strings, known = self.strings, len(self.strings)
        columns = _COLUMNS
        for letters, style, kind, raw, inline in found:
            if kind == b"s":  # most cells: a shared string
                if raw and (index := int(raw)) < known and strings[index]:
                    cells[columns.get(letters) or _column(letters)] = strings[index]
            elif kind == b"inlineStr":
                if inline:
                    cells[columns.get(letters) or _column(letters)] = _text(inline)
            elif raw:
                value = self._typed(kind or b"n", int(style) if style else 0, raw)
                if value is not None and value != "":
                    cells[columns.get(letters) or _column(letters)] = value
        return cells

    def _generic(self, row_xml: bytes) -> dict[int, object]:
        """Cells of any spelling: prefixes, either quote, attributes in any order."""
        cells: dict[int, object] = {}
        column = 0
        for attributes, inner in _CELL.findall(row_xml):
            kind, style, where = b"n", 0, None
            for key, double, single in _ATTRIBUTE.findall(attributes):
                value = double or single
                if key == b"r":
                    where = value
                elif key == b"t":
                    kind = value
                elif value.isdigit():
                    style = int(value)
            column = _column(where) if where else column + 1
            if inner:
                value = self._value(kind, style, inner)
                if value is not None and value != "":
                    cells[column] = value
        return cells

    def _value(self, kind: bytes, style: int, inner: bytes) -> object:
        if kind == b"inlineStr":
            inner = _PHONETIC.sub(b"", inner) if b"rPh" in inner else inner
            return "".join(_text(t) for t in _TEXT.findall(inner))
        found = _VALUE.search(inner)
        raw = found[1] if found else None
        if not raw:
            return None
        return self._typed(kind, style, raw)

    def _typed(self, kind: bytes, style: int, raw: bytes) -> object:
        """A <v> value read by its cell's type and style."""
        if kind == b"n":
            number = float(raw) if b"." in raw or b"E" in raw or b"e" in raw else int(raw)
            if style in self.dates:
                try:
                    return self.from_excel(number, self.epoch, timedelta=style in self.timedeltas)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == b"s":
            index = int(raw)
            return self.strings[index] if 0 <= index < len(self.strings) else None
        if kind == b"b":
            return raw.strip() not in (b"0", b"")
        if kind == b"d":
            return self.from_iso(_text(raw))
        return _text(raw)  # "str" (a formula's text) and "e" (an error such as #N/A)


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return html.unescape(text) if "&" in text else text


def _column(coordinate: bytes) -> int:
    """The 1-based column of a cell reference such as b"AB12"."""
    found = _COORDINATE.match(coordinate)
    number = 0
    for letter in (found[1] if found else b"A").upper():
        number = number * 26 + letter - 64
    return number


def _letters(number: int) -> bytes:
    name = b""
    while number:
        number, rest = divmod(number - 1, 26)
        name = bytes([65 + rest]) + name
    return name


# The first 702 columns (A to ZZ) by their letters: a dictionary look-up per cell.
_COLUMNS = {_letters(n): n for n in range(1, 703)}
