"""The bounds of a chronology: rows and columns refused while reading, with where and the limit."""

from __future__ import annotations

import csv
import zipfile

import pytest

from casereview.chronologies import proforma
from casereview.chronologies.proforma import (
    LIMITS,
    ChronologyTooLarge,
    Limits,
    read_chronology,
)
from casereview.chronologies.tests.builders import (
    HEADER,
    LONG,
    _test_settings,  # noqa: F401 -- see it
    write_csv,
    write_docx,
    write_xlsx,
)
from casereview.cli import main


def _row(day: int = 12) -> list[str]:
    return [f"{day % 28 + 1:02d}/03/2024", LONG, "", "", "Notes", "AB", ""]


@pytest.fixture
def small_limits(monkeypatch):
    """Limits of 10 rows and 9 columns, so the files stay small (the real ones are LIMITS)."""
    monkeypatch.setattr(proforma, "LIMITS", Limits(rows=10, columns=9))


def test_the_limits_are_twenty_thousand_rows_and_fifty_columns():
    assert (LIMITS.rows, LIMITS.columns) == (20_000, 50)


def test_a_csv_of_twenty_thousand_rows_is_read(tmp_path):
    path = write_csv(tmp_path / "full.csv", [_row(n) for n in range(20_000)])
    assert len(read_chronology(path).rows) == 20_000


def test_a_csv_of_twenty_thousand_and_one_rows_is_refused_naming_the_row_and_limit(tmp_path):
    path = write_csv(tmp_path / "over.csv", [_row(n) for n in range(20_001)])
    with pytest.raises(ChronologyTooLarge) as caught:
        read_chronology(path)
    message = str(caught.value)
    assert "row 20,001" in message
    assert "at most 20,000 rows" in message
    assert str(path) in message


def test_blank_lines_below_twenty_thousand_rows_are_not_a_refusal(tmp_path):
    rows = [_row(n) for n in range(20_000)] + [[""] * 7] * 50
    path = write_csv(tmp_path / "blank-tail.csv", rows)
    assert len(read_chronology(path).rows) == 20_000


def test_text_in_column_fifty_one_is_refused_naming_the_row_and_column(tmp_path):
    wide = [*_row(), *([""] * 43), "stray"]  # the 51st cell
    path = write_csv(tmp_path / "wide.csv", [_row(), _row(), wide])
    with pytest.raises(ChronologyTooLarge) as caught:
        read_chronology(path)
    assert "row 3 has text in column 51" in str(caught.value)
    assert "at most 50 columns" in str(caught.value)


def test_fifty_columns_and_empty_cells_after_them_are_read(tmp_path):
    extras = [f"Extra {n}" for n in range(43)]
    rows = [[*_row(), *(f"x{n}" for n in range(43)), "", "", ""]]
    path = write_csv(tmp_path / "fifty.csv", rows, header=[*HEADER, *extras])
    chron = read_chronology(path)
    assert len(chron.extra_columns) == 43
    assert chron.rows[0].extra["Extra 42"] == "x42"


def test_a_header_of_a_hundred_thousand_columns_is_refused(tmp_path):
    header = [*HEADER, *(f"C{n}" for n in range(100_000))]
    path = write_csv(tmp_path / "very-wide.csv", [_row()], header=header)
    with pytest.raises(ChronologyTooLarge, match="the header row has text in column 51"):
        read_chronology(path)


def test_a_csv_is_not_read_past_the_row_limit(tmp_path, small_limits):
    # After row 11 comes a field too long for the csv module: were it read, the refusal would
    # be "cannot be read as CSV" instead of the row limit.
    path = tmp_path / "stops.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(_row(n) for n in range(11))
        writer.writerows(_row(n) for n in range(2_000))  # past the 64 KB read for the header
        writer.writerow(["12/03/2024", "x" * 200_000, "", "", "", "", ""])
    with pytest.raises(ChronologyTooLarge, match="row 11 under"):
        read_chronology(path)


def test_an_xlsx_over_the_row_limit_is_refused_and_not_read_further(
    tmp_path, small_limits, monkeypatch
):
    from casereview.chronologies import sheets

    path = write_xlsx(tmp_path / "over.xlsx", [_row(n) for n in range(500)])
    seen: list[int] = []
    real = sheets.SheetRows.__iter__

    def counting(self):
        for row, cells in real(self):
            seen.append(row)
            yield row, cells

    monkeypatch.setattr(sheets.SheetRows, "__iter__", counting)
    with pytest.raises(ChronologyTooLarge, match="row 11 under the header"):
        read_chronology(path)
    assert max(seen) == 12  # the header is sheet row 1: row 11 under it is sheet row 12


def test_an_xlsx_with_text_past_the_column_limit_is_refused(tmp_path):
    wide = [*_row(), *([None] * 43), "stray"]
    path = write_xlsx(tmp_path / "wide.xlsx", [_row(), wide])
    with pytest.raises(ChronologyTooLarge, match="row 2 has text in column 51"):
        read_chronology(path)


def test_a_stray_far_cell_is_refused_saying_where_it_is(tmp_path):
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path / "far.xlsx", [["12/03/2024", LONG, "", "", "", "", "Note"]])
    book = load_workbook(path)
    book.active.cell(row=1_048_576, column=16_384, value="stray")
    book.save(path)
    with pytest.raises(ChronologyTooLarge, match="row 1,048,575 has text in column 16,384"):
        read_chronology(path)


def test_a_merged_range_past_the_data_is_followed_only_to_the_last_row(tmp_path):
    path = write_xlsx(
        tmp_path / "merged.xlsx", [_row(1), ["", LONG, "", "", "", "", ""]], merges=["A2:A3"]
    )
    chron = read_chronology(path)
    assert [row.date_text for row in chron.rows] == ["02/03/2024", "02/03/2024"]
    assert chron.rows[1].merged == {"date": (1, 2)}


def test_a_word_table_over_the_row_limit_is_refused(tmp_path, small_limits):
    path = write_docx(tmp_path / "over.docx", [_row(n) for n in range(11)])
    with pytest.raises(ChronologyTooLarge, match="row 11 under the header"):
        read_chronology(path)


def test_a_word_continuation_table_counts_on_towards_the_row_limit(tmp_path, small_limits):
    path = write_docx(
        tmp_path / "continued.docx",
        [_row(n) for n in range(6)],
        continuation=[_row(n) for n in range(5)],
    )
    with pytest.raises(ChronologyTooLarge, match="row 11 under the header"):
        read_chronology(path)


def test_a_word_cell_spanning_a_billion_columns_is_refused_without_building_the_row(tmp_path):
    path = write_docx(tmp_path / "span.docx", [_row(), _row()])
    with zipfile.ZipFile(path) as archive:
        parts = {entry: archive.read(entry) for entry in archive.namelist()}
    body = parts["word/document.xml"].decode()
    # Give the last row's first cell a vast span, so its later cells land far to the right.
    last = body.rindex("<w:tc>")
    first_of_row = body.rindex("<w:tr", 0, last)
    first_cell = body.index("<w:tc>", first_of_row)
    body = (
        body[: first_cell + len("<w:tc>")]
        + '<w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr>'
        + body[first_cell + len("<w:tc>") :]
    )
    parts["word/document.xml"] = body.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in parts.items():
            archive.writestr(entry, data)
    with pytest.raises(ChronologyTooLarge, match="row 2 has text in column 1,000,000,001"):
        read_chronology(path)


def test_the_command_refuses_a_file_over_the_row_limit_with_exit_2(tmp_path, capsys):
    path = write_csv(tmp_path / "over.csv", [_row(n) for n in range(20_001)])
    assert main(["chronology", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "row 20,001" in err
    assert "at most 20,000 rows" in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_the_command_reads_a_file_over_the_upload_byte_limit(tmp_path, monkeypatch, capsys):
    import dataclasses

    from casereview.core import uploads

    tiny = dataclasses.replace(uploads.KINDS["chronology"], max_bytes=10)
    monkeypatch.setitem(uploads.KINDS, "chronology", tiny)
    path = write_csv(tmp_path / "own.csv", [_row()])
    assert main(["chronology", "check", str(path)]) == 0
    assert main(["chronology", "merge", str(path), "-o", str(tmp_path / "out.csv")]) == 0
