"""Redactions by shape: each kind of UK identifier, and what must stay."""

from __future__ import annotations

import datetime as dt

import pytest

from casereview.anonymisation.detectors import find_redactions, nhs_checksum_valid, parse_date
from casereview.anonymisation.edits import apply_edits


def redact(text: str) -> str:
    return apply_edits(text, find_redactions(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Lives in SV3 2AB now", "Lives in [postcode] now"),
        ("postcode sw1a1aa.", "postcode [postcode]."),
        ("NHS number 943 476 5919.", "NHS number [NHS number]."),
        ("NHS 9434765919", "NHS [NHS number]"),
        ("NI QQ 12 34 56 C", "NI [NI number]"),
        ("NI AB123456C.", "NI [NI number]."),
        ("Call 07700 900017 today", "Call [phone] today"),
        ("Call 01632 960123", "Call [phone]"),
        ("Call 020 7946 0958", "Call [phone]"),
        ("Call +44 (0)20 7946 0958", "Call [phone]"),
        ("Call (01632) 960 123", "Call [phone]"),
        ("Email mia.t@example.org.", "Email [email]."),
        ("Mia (born 03/05/2017) joined", "Mia (born [date of birth]) joined"),
        ("DOB: 3rd May 2017", "DOB: [date of birth]"),
        ("D.O.B. 2017-05-03", "D.O.B. [date of birth]"),
        ("date of birth was 3 May 2017.", "date of birth was [date of birth]."),
        ("born on May 3, 2017", "born on [date of birth]"),
        ("lived at 7 Mill Lane, Southvale", "lived at [address], Southvale"),
        ("Flat 2, 14a Oak Tree Road", "Flat 2, [address]"),
    ],
)
def test_every_kind_of_identifier_is_redacted(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The meeting on 12/03/2023 at 09:30 was recorded.",
        "In 2023, 3 different ways were tried; 45 minutes later.",
        "Section 47 enquiry; Year 6; 123 456 7890 fails the NHS check.",
        "Visited on 12 March 2023 and again in May 2023.",
    ],
)
def test_ordinary_dates_and_numbers_stay(text):
    assert redact(text) == text


def test_nhs_checksum():
    assert nhs_checksum_valid("943 476 5919")
    assert not nhs_checksum_valid("943 476 5918")
    assert not nhs_checksum_valid("12345")


def test_redactions_report_their_kind():
    edits = find_redactions("born 01/02/2015, SV3 2AB, 07700 900017, a@b.org")
    assert [e.source for e in edits] == ["date-of-birth", "postcode", "phone", "email"]


def test_a_date_of_birth_from_the_key_is_redacted_in_any_format():
    text = "Seen (02/04/2016), again on 2nd April 2016, and on 12/03/2023."
    edits = find_redactions(text, {dt.date(2016, 4, 2)})
    assert apply_edits(text, edits) == (
        "Seen ([date of birth]), again on [date of birth], and on 12/03/2023."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("02/04/2016", (2016, 4, 2)),
        ("2016-04-02", (2016, 4, 2)),
        ("2nd of April 2016", (2016, 4, 2)),
        ("April 2, 2016", (2016, 4, 2)),
        ("2.4.16", (2016, 4, 2)),
        ("31/02/2016", None),
        ("May 2017", None),
    ],
)
def test_dates_are_read_day_first(text, expected):
    assert parse_date(text) == (dt.date(*expected) if expected else None)
