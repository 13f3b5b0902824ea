"""The DATE cell: every accepted form, and the code each unaccepted form earns."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casereview.chronologies.dates import is_ditto, parse_date_text, parse_date_value
from casereview.chronologies.tests.builders import _test_settings  # noqa: F401 -- a fixture: no Django here

D = date(2024, 3, 12)


@pytest.mark.parametrize(
    ("text", "value", "code"),
    [
        # accepted forms, day first always
        ("12/03/2024", D, None),
        ("12-03-2024", D, None),
        ("12.03.2024", D, None),
        ("12 March 2024", D, None),
        ("12 Mar 2024", D, None),
        ("2024-03-12", D, None),
        ("12th of March 2024", D, None),
        ("Tuesday 12 March 2024", D, None),
        (" 12/03/2024 ", D, None),
        ("2024-03-12 00:00:00", D, None),  # a spreadsheet's export of a date with no time
        # two-digit year: read as 20xx, with a warning
        ("1/2/24", date(2024, 2, 1), "date-two-digit-year"),
        ("12-Mar-24", D, "date-two-digit-year"),
        # partial
        ("March 2024", None, "date-partial"),
        ("December 2023", None, "date-partial"),
        ("Spring 2024", None, "date-partial"),
        ("2024", None, "date-partial"),
        ("03/2024", None, "date-partial"),
        ("early March 2024", None, "date-partial"),
        # ranges and periods: the first complete date orders the row
        ("01/04/2024 - 15/04/2024", date(2024, 4, 1), "date-range"),
        ("01/04/2024 \u2013 15/04/2024", date(2024, 4, 1), "date-range"),
        ("June - July 2024", None, "date-range"),
        ("from 1 March 2024 to 15 March 2024", date(2024, 3, 1), "date-range"),
        ("from 01/03/2024 to 15/03/2024", date(2024, 3, 1), "date-range"),
        ("1-15 April 2024", date(2024, 4, 1), "date-range"),
        ("1 March - 15 April 2024", date(2024, 3, 1), "date-range"),
        ("between 1/3/2024 and 5/3/2024", date(2024, 3, 1), "date-range"),
        # a time of day: the date still orders the row
        ("12/03/2024 14:30", D, "date-has-time"),
        ("12/03/2024 2pm", D, "date-has-time"),
        ("12.03.2024 14.30", D, "date-has-time"),
        ("2024-03-12T14:30:00", D, "date-has-time"),
        ("12/03/2024 morning", D, "date-has-time"),
        # ditto in the date cell is ditto, not invalid
        ('"', None, "ditto"),
        ("\u201d", None, "ditto"),
        ("''", None, "ditto"),
        ("\u3003", None, "ditto"),
        ("do", None, "ditto"),
        ("Ditto", None, "ditto"),
        ("as above", None, "ditto"),
        ("Same as above", None, "ditto"),
        # missing and invalid
        ("", None, "date-missing"),
        ("   ", None, "date-missing"),
        ("31/06/2024", None, "date-invalid"),
        ("29/02/2023", None, "date-invalid"),
        ("03/13/2024", None, "date-invalid"),
        ("tbc", None, "date-invalid"),
        ("12 March", None, "date-invalid"),
        ("12/03/2024 see note", None, "date-invalid"),
        ("45000", None, "date-invalid"),
    ],
)
def test_date_cell_is_read_as_the_contract_says(text, value, code):
    parsed = parse_date_text(text)
    assert (parsed.value, parsed.code) == (value, code)


def test_leap_day_is_a_real_date():
    assert parse_date_text("29/02/2024").value == date(2024, 2, 29)


def test_an_invalid_date_says_why_in_plain_words():
    assert parse_date_text("31/06/2024").note == "June 2024 has 30 days"


@pytest.mark.parametrize("text", ["c. 12/03/2024", "12/03/2024 (approx)", "approx. 12/03/2024"])
def test_an_estimate_marker_in_the_date_cell_keeps_the_date(text):
    parsed = parse_date_text(text)
    assert (parsed.value, parsed.code, parsed.estimated) == (D, None, True)


def test_an_estimate_does_not_excuse_a_partial_date():
    parsed = parse_date_text("approx. March 2024")
    assert (parsed.code, parsed.estimated) == ("date-partial", True)


def test_spreadsheet_date_time_with_a_hidden_time_is_flagged():
    parsed = parse_date_value(datetime(2024, 3, 12, 14, 30))
    assert (parsed.value, parsed.code, parsed.hidden_time) == (D, "date-has-time", time(14, 30))


def test_spreadsheet_midnight_is_a_plain_date():
    assert parse_date_value(datetime(2024, 3, 12)).code is None


def test_spreadsheet_time_alone_is_not_a_date():
    assert parse_date_value(time(9, 0)).code == "date-invalid"


@pytest.mark.parametrize(("text", "expected"), [("as above.", True), ("do", True), ("done", False)])
def test_ditto_phrases(text, expected):
    assert is_ditto(text) is expected


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_text_in_the_date_cell_gets_an_answer_not_an_exception(text):
    parsed = parse_date_text(text)
    assert parsed.code in {
        None,
        "date-missing",
        "ditto",
        "date-partial",
        "date-range",
        "date-has-time",
        "date-invalid",
        "date-two-digit-year",
    }
    assert parsed.value is None or parsed.code in {
        None,
        "date-range",
        "date-has-time",
        "date-two-digit-year",
    }


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_every_real_date_reads_back_in_each_written_form(day):
    for written in (day.strftime("%d/%m/%Y"), day.strftime("%d %B %Y"), day.isoformat()):
        assert parse_date_text(written) == (day, None, "", False, None)
