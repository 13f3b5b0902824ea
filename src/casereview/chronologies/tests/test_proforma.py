"""Reading chronologies: the samples, every format's quirks, and refusals without a traceback."""

from __future__ import annotations

import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from casereview.chronologies.proforma import (
    ChronologyReadError,
    read_chronology,
    split_file_argument,
)
from casereview.chronologies.tests.builders import (
    EVERY_CODE_ROWS,
    HEADER,
    LONG,
    _test_settings,  # noqa: F401 -- see it
    write_csv,
    write_docx,
    write_xlsx,
)


def test_the_three_samples_are_read_with_their_agencies(samples):
    chronologies = [read_chronology(path) for path in samples]
    assert [c.agency for c in chronologies] == [
        "Southvale Primary School",
        "Riverside GP Practice",
        "Southvale Children's Social Care",
    ]
    assert [len(c.rows) for c in chronologies] == [5, 4, 3]
    school, gp, social_care = chronologies
    assert school.rows[1].date.value == date(2023, 11, 17)
    assert "front door" in school.rows[1].cells["communication"]
    assert gp.rows[1].date.value == date(2023, 11, 20)
    assert social_care.rows[0].date.value == date(2023, 11, 24)
    assert social_care.rows[2].date_text == "as above"


def test_agency_prefix_wins_over_the_agency_line(samples):
    assert read_chronology(samples[0], "Southvale School").agency == "Southvale School"


def test_file_stem_is_the_agency_when_nothing_else_names_it(tmp_path):
    path = write_csv(tmp_path / "northshire-police.csv", [["12/03/2024", LONG, "", "", "", "", ""]])
    assert read_chronology(path).agency == "northshire-police"


def test_agency_equals_path_argument_is_split(tmp_path):
    assert split_file_argument("Police=x.csv") == ("Police", "x.csv")
    assert split_file_argument("x.csv") == (None, "x.csv")
    odd = tmp_path / "a=b.csv"
    odd.write_text("x")
    assert split_file_argument(str(odd)) == (None, str(odd))


def test_cp1252_csv_with_semicolons_title_and_agency_line(tmp_path):
    rows = [
        [
            "12/03/2024",
            "Caf\u00e9 visit with Child A \u2013 mother\u2019s friend present.",
            "",
            "",
            "",
            "",
            "",
        ]
    ]
    path = write_csv(
        tmp_path / "housing.csv",
        rows,
        above=[["Serious Case Review Chronology"], ["Agency:", "Eastfield Housing"]],
        delimiter=";",
        encoding="cp1252",
    )
    chron = read_chronology(path)
    assert chron.agency == "Eastfield Housing"
    assert chron.rows[0].cells["child"].startswith("Caf\u00e9 visit")
    assert "\u2019" in chron.rows[0].cells["child"]  # the author's curly quote is kept


def test_bom_csv_and_tab_csv(tmp_path):
    rows = [["12/03/2024", LONG, "", "", "", "", ""]]
    bom = read_chronology(write_csv(tmp_path / "bom.csv", rows, bom=True))
    tab = read_chronology(write_csv(tmp_path / "tab.csv", rows, delimiter="\t"))
    assert bom.rows[0].date.value == tab.rows[0].date.value == date(2024, 3, 12)


def test_header_found_in_any_order_any_case_with_curly_and_odd_dashes(tmp_path):
    header = [h.lower() for h in reversed(HEADER)]
    header[3] = "INTER/INTRA\u2011AGENCY COMMUNICATION"  # a no-break hyphen from Word
    row = list(reversed(["12/03/2024", LONG, "", "", "", "", "Said \u201cfine\u201d"]))
    chron = read_chronology(write_csv(tmp_path / "x.csv", [row], header=header))
    assert chron.rows[0].date.value == date(2024, 3, 12)
    assert chron.rows[0].cells["comment"] == "Said \u201cfine\u201d"


def test_blank_rows_are_skipped_but_counted(tmp_path):
    chron = read_chronology(write_csv(tmp_path / "x.csv", EVERY_CODE_ROWS))
    numbers = [row.number for row in chron.rows]
    assert 7 not in numbers
    assert numbers[-1] == 14


def test_extra_columns_are_kept(tmp_path):
    header = [*HEADER, "Case number"]
    chron = read_chronology(
        write_csv(
            tmp_path / "x.csv", [["12/03/2024", LONG, "", "", "", "", "", "C-1"]], header=header
        )
    )
    assert chron.extra_columns == ("Case number",)
    assert chron.rows[0].extra == {"Case number": "C-1"}


def test_xlsx_first_visible_sheet_agency_line_and_dates(tmp_path):
    rows = [
        [datetime(2024, 3, 12), LONG, "", "", "EMIS", "AB", ""],
        [datetime(2024, 3, 13, 9, 15), LONG, "", "", "EMIS", "AB", ""],  # time hidden by format
        ["01/02/2024 - 14/02/2024", LONG, "", "", "EMIS", "AB", ""],
    ]
    path = write_xlsx(
        tmp_path / "gp.xlsx",
        rows,
        above=[["Chronology"], ["Agency: Westbrook Surgery"]],
        hidden_first_sheet=True,
    )
    chron = read_chronology(path)
    assert chron.agency == "Westbrook Surgery"
    assert [r.date.code for r in chron.rows] == [None, "date-has-time", "date-range"]
    assert chron.rows[1].date.value == date(2024, 3, 13)
    assert chron.rows[0].date_text == "12/03/2024"


def test_xlsx_merged_cells_vertical_are_flagged_and_horizontal_read_once(tmp_path):
    rows = [
        ["12/03/2024", LONG, "", "", "EMIS", "AB", "Same comment for both"],
        ["13/03/2024", LONG, "", "", "EMIS", "AB", None],
        [
            "14/03/2024",
            "Seen with Mother A; weight recorded and advice given.",
            None,
            "",
            "EMIS",
            "CD",
            "",
        ],
    ]
    path = write_xlsx(tmp_path / "m.xlsx", rows, merges=["G2:G3", "B4:C4"])
    chron = read_chronology(path)
    assert chron.rows[1].cells["comment"] == "Same comment for both"
    assert chron.rows[0].merged == {"comment": (1, 2)}
    assert chron.rows[1].merged == {"comment": (1, 2)}
    assert chron.rows[2].cells["family"] == ""  # the horizontal merge is read once
    assert chron.rows[2].merged == {}


def test_docx_agency_paragraph_merges_and_extra_blank_column(tmp_path):
    header = [*HEADER, ""]
    rows = [
        ["12/03/2024", LONG, "", "", "Case notes", "RS", "One comment", ""],
        ["13/03/2024", LONG, "", "", "Case notes", "RS", "", ""],
        [
            "14/03/2024",
            "Home visit to Mother A; the home was clean and warm.",
            "",
            "",
            "Case notes",
            "RS",
            "",
            "",
        ],
    ]
    path = write_docx(
        tmp_path / "sc.docx",
        rows,
        paragraphs=["Serious Case Review Chronology", "Agency: Westbrook Children\u2019s Services"],
        header=header,
        vertical_merges=[(1, 2, 6)],
        horizontal_merges=[(3, 1, 2)],
    )
    chron = read_chronology(path)
    assert chron.agency == "Westbrook Children\u2019s Services"
    assert chron.extra_columns == ()  # the blank column holds nothing
    assert [r.cells["comment"] for r in chron.rows[:2]] == ["One comment", "One comment"]
    assert chron.rows[0].merged == chron.rows[1].merged == {"comment": (1, 2)}
    assert chron.rows[2].cells["child"].startswith("Home visit")
    assert chron.rows[2].cells["family"] == ""  # python-docx would repeat it: read once


def test_docx_later_table_with_the_same_header_continues_the_numbering(tmp_path):
    first = [["12/03/2024", LONG, "", "", "", "", ""]] * 2
    later = [["20/03/2024", LONG, "", "", "", "", ""]]
    chron = read_chronology(write_docx(tmp_path / "c.docx", first, continuation=later))
    assert [r.number for r in chron.rows] == [1, 2, 3]


def test_docx_skips_tables_that_are_not_the_pro_forma(tmp_path):
    import docx

    document = docx.Document()
    layout = document.add_table(rows=1, cols=2)
    layout.cell(0, 0).text = "Agency:"
    layout.cell(0, 1).text = "Northshire Police"
    table = document.add_table(rows=2, cols=7)
    for column, text in enumerate(HEADER):
        table.cell(0, column).text = text
    table.cell(1, 0).text = "12/03/2024"
    table.cell(1, 1).text = LONG
    path = tmp_path / "p.docx"
    document.save(path)
    chron = read_chronology(path)
    assert chron.agency == "Northshire Police"
    assert len(chron.rows) == 1


def _docx_without_table(path):
    import docx

    document = docx.Document()
    document.add_paragraph("Nothing to see")
    document.save(path)


def _zip_with(path, name, data):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        (
            "old.xls",
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100),
            "save it as .xlsx/.docx",
        ),
        (
            "old.doc",
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100),
            "save it as .xlsx/.docx",
        ),
        ("text.xlsx", lambda p: p.write_text("just some text, not a workbook"), "not a real Excel"),
        ("random.csv", lambda p: p.write_bytes(bytes(range(256)) * 8), "not a text (CSV) file"),
        ("empty.csv", lambda p: p.write_bytes(b""), "empty"),
        ("empty.docx", lambda p: p.write_bytes(b""), "empty"),
        ("notes.docx", _docx_without_table, "DATE; CONTACT WITH CHILD"),
        ("notes.csv", lambda p: p.write_text("a,b,c\n1,2,3\n"), "DATE; CONTACT WITH CHILD"),
        ("picture.png", lambda p: p.write_bytes(b"\x89PNG"), "expected a .csv, .xlsx or .docx"),
        (
            "locked.docx",
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 99),
            "password",
        ),
        (
            "xxe.xlsx",
            lambda p: _zip_with(
                p,
                "xl/workbook.xml",
                '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x/>',
            ),
            "DOCTYPE",
        ),
        (
            "bomb.docx",
            lambda p: _zip_with(p, "word/document.xml", b"<a>" + b" " * (51 * 1024 * 1024)),
            "zip bomb",
        ),
        (
            "broken.docx",
            lambda p: _zip_with(p, "hello.txt", "not a document"),
            "not a Word .docx file",
        ),
    ],
)
def test_unreadable_files_are_refused_with_a_message_naming_the_file(
    tmp_path, name, make, expected
):
    path = tmp_path / name
    make(path)
    with pytest.raises(ChronologyReadError) as caught:
        read_chronology(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_the_command_keeps_no_byte_limit_on_the_persons_own_files(tmp_path):
    from casereview.chronologies import safety

    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(30 * 1024 * 1024)  # over every upload limit, on the command line
    assert safety.check_size(path) == 30 * 1024 * 1024


def test_a_missing_file_is_a_read_error(tmp_path):
    with pytest.raises(ChronologyReadError, match="cannot be opened"):
        read_chronology(tmp_path / "absent.csv")


def test_a_csv_fault_after_the_header_is_a_read_error_not_a_silent_cut(tmp_path):
    import csv as csv_module

    path = write_csv(
        tmp_path / "x.csv", [["12/03/2024", "x" * (csv_module.field_size_limit() + 10)]]
    )
    with pytest.raises(ChronologyReadError, match="cannot be read as CSV"):
        read_chronology(path)


@pytest.mark.parametrize("sample", ["chronology-gp.xlsx", "chronology-social-care.docx"])
def test_damaged_office_files_never_escape_as_anything_but_a_read_error(tmp_path, sample):
    import random

    from casereview.chronologies.tests.builders import SAMPLES

    original = (SAMPLES / sample).read_bytes()
    rng = random.Random(7)
    for attempt in range(25):
        damaged = bytearray(original)
        for _ in range(rng.randrange(1, 40)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        path = tmp_path / f"damaged-{attempt}{Path(sample).suffix}"
        path.write_bytes(bytes(damaged))
        message = ""
        try:
            read_chronology(path)
        except ChronologyReadError as exc:
            message = str(exc)
        assert not message or str(path) in message


def test_a_merged_range_of_a_million_cells_is_followed_only_to_the_last_row(tmp_path):
    path = write_xlsx(tmp_path / "merge.xlsx", [["12/03/2024", LONG, "", "", "", "", "Note"]])
    with zipfile.ZipFile(path) as archive:
        parts = {entry: archive.read(entry) for entry in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace(
        "</sheetData>",
        '</sheetData><mergeCells count="1"><mergeCell ref="G2:G1048000"/></mergeCells>',
    )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in parts.items():
            archive.writestr(entry, data)
    started = time.perf_counter()
    chron = read_chronology(path)
    assert time.perf_counter() - started < 2
    assert [row.number for row in chron.rows] == [1]
    assert chron.rows[0].merged == {"comment": (1, 1)}  # clipped to the rows that hold data


def test_docx_continuation_table_with_columns_moved_is_put_back_in_order(tmp_path):
    import docx

    document = docx.Document()
    for header, row in (
        (HEADER, ["12/03/2024", LONG, "", "", "Notes", "AB", "First"]),
        (
            list(reversed(HEADER)),
            list(reversed(["20/03/2024", LONG, "", "", "Notes", "CD", "Later"])),
        ),
    ):
        table = document.add_table(rows=2, cols=7)
        for column, text in enumerate(header):
            table.cell(0, column).text = text
        for column, text in enumerate(row):
            table.cell(1, column).text = text
        document.add_paragraph("")
    path = tmp_path / "moved.docx"
    document.save(path)
    chron = read_chronology(path)
    assert [(r.number, r.date_text, r.cells["staff"], r.cells["comment"]) for r in chron.rows] == [
        (1, "12/03/2024", "AB", "First"),
        (2, "20/03/2024", "CD", "Later"),
    ]
