"""Checks: every problem code on every format, one problem per cell, messages an author follows."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest

from casereview.chronologies.checks import CODES, SEVERITY, check_chronology
from casereview.chronologies.proforma import read_chronology
from casereview.chronologies.tests.builders import (
    EVERY_CODE_EXPECTED,
    EVERY_CODE_ROWS,
    LONG,
    PERIOD,
    TODAY,
    _test_settings,  # noqa: F401 -- see it
    write_csv,
    write_docx,
    write_xlsx,
)

MERGED_ROWS = [
    ["12/04/2024", LONG, "", "", "Notes", "AB", "One comment for two rows"],
    ["13/04/2024", LONG, "", "", "Notes", "AB", ""],
]


def _found(path):
    problems = check_chronology(read_chronology(path), TODAY, PERIOD)
    return problems, {(p.row, p.column, p.code) for p in problems}


def test_every_code_on_csv(tmp_path):
    _, found = _found(write_csv(tmp_path / "x.csv", EVERY_CODE_ROWS))
    assert found == EVERY_CODE_EXPECTED


def test_every_code_on_xlsx_with_a_merged_cell_and_a_hidden_time(tmp_path):
    rows = [
        *EVERY_CODE_ROWS,
        *MERGED_ROWS,
        [datetime(2024, 4, 20, 10, 5), LONG, "", "", "N", "AB", ""],
    ]
    # rows 15 and 16 share a merged COMMENT cell (sheet rows 16 and 17, header on row 1)
    path = write_xlsx(tmp_path / "x.xlsx", rows, merges=["G16:G17"])
    problems, found = _found(path)
    assert found == EVERY_CODE_EXPECTED | {
        (15, "comment", "merged-cell"),
        (16, "comment", "merged-cell"),
        (17, "date", "date-has-time"),
    }
    hidden = next(p for p in problems if p.row == 17)
    assert "10:05" in hidden.message
    assert "hides" in hidden.message


def test_every_code_on_docx_with_vertical_and_horizontal_merges(tmp_path):
    rows = [*EVERY_CODE_ROWS, *MERGED_ROWS]
    path = write_docx(
        tmp_path / "x.docx",
        rows,
        vertical_merges=[(15, 16, 6)],
        horizontal_merges=[(15, 1, 2)],  # spans CHILD and PARENTS: read once, not a problem
    )
    _, found = _found(path)
    assert found == EVERY_CODE_EXPECTED | {
        (15, "comment", "merged-cell"),
        (16, "comment", "merged-cell"),
    }


def test_every_contract_code_is_known_with_its_severity():
    assert set(CODES) == {
        "date-missing",
        "ditto",
        "date-partial",
        "date-range",
        "date-has-time",
        "date-invalid",
        "merged-cell",
        "too-brief",
        "date-two-digit-year",
        "date-future",
        "outside-period",
        "duplicate",
        "date-estimated",
    }
    assert SEVERITY["merged-cell"] == "warning"
    assert SEVERITY["date-estimated"] == "info"
    assert SEVERITY["ditto"] == "error"


def test_one_problem_per_cell(tmp_path):
    # a future date with a two-digit year, outside the period: one problem on the DATE cell
    rows = [["1/2/30", '"', "as above", "", "Notes", "AB", ""]]
    problems, _ = _found(write_csv(tmp_path / "x.csv", rows))
    cells = Counter((p.row, p.column) for p in problems if p.column)
    assert max(cells.values()) == 1
    assert {p.code for p in problems if p.column == "date"} == {"date-future"}


def test_outside_period_only_with_a_period(tmp_path):
    path = write_csv(tmp_path / "x.csv", [["12/03/2020", LONG, "", "", "", "", ""]])
    assert check_chronology(read_chronology(path), TODAY, None) == []


def test_estimated_does_not_excuse_a_partial_date(tmp_path):
    rows = [
        ["March 2024", "Home visit, exact date not known; Child A seen asleep.", "", "", "", "", ""]
    ]
    _, found = _found(write_csv(tmp_path / "x.csv", rows))
    assert found == {(1, "date", "date-partial"), (1, None, "date-estimated")}


def test_messages_name_the_row_and_column_in_plain_words_and_say_how_to_fix(tmp_path):
    rows = [["June - July 2024", LONG, "", "", "", "", ""]] * 3 + [
        ["June - July 2024", LONG, "", "", "", "", ""]
    ]
    rows = [["", LONG, "", "", "", "", ""]] * 3 + [["June - July 2024", LONG, "", "", "", "", "x"]]
    problems, _ = _found(write_csv(tmp_path / "x.csv", rows))
    period = next(p for p in problems if p.code == "date-range")
    assert period.message.startswith('Row 4, DATE: "June - July 2024" is a period.')
    assert "Give each contact its own row with one date (day, month and year)" in period.message
    assert period.severity == "error"


@pytest.mark.parametrize(
    ("code", "row", "phrases"),
    [
        ("ditto", 2, ["Row 2, CONTACT WITH CHILD", "ditto", "in full"]),
        ("too-brief", 8, ["Row 8:", '"Meeting with X"', "what happened"]),
        ("duplicate", 13, ["Row 13:", "row 12"]),
        ("date-two-digit-year", 9, ["Row 9, DATE", "01/02/2024", "year in full"]),
        ("date-missing", 1, ["Row 1, DATE", "empty", "exact date not known"]),
    ],
)
def test_each_message_helps_the_author(tmp_path, code, row, phrases):
    problems, _ = _found(write_csv(tmp_path / "x.csv", EVERY_CODE_ROWS))
    message = next(p.message for p in problems if p.code == code)
    for phrase in phrases:
        assert phrase in message


def test_samples_problems(samples):
    found = {
        path.name: {
            (p.row, p.column, p.code) for p in check_chronology(read_chronology(path), TODAY)
        }
        for path in samples
    }
    assert found["chronology-education.csv"] == {
        (3, "date", "date-partial"),
        (4, "child", "ditto"),
        (4, "family", "ditto"),
        (4, None, "too-brief"),
        (5, "date", "date-has-time"),
    }
    assert found["chronology-gp.xlsx"] == {(3, "date", "date-range"), (4, None, "too-brief")}
    assert (3, "date", "ditto") in found["chronology-social-care.docx"]
