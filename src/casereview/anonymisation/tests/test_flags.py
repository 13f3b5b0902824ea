"""Flags: likely names missing from the key, with few false alarms."""

from __future__ import annotations

import pytest

from casereview.anonymisation.anonymise import Anonymiser
from casereview.anonymisation.flags import NameFlagger
from casereview.anonymisation.keyref import parse_key_csv
from casereview.anonymisation.tests.fixtures import KEY_CSV

KEY = parse_key_csv(KEY_CSV)


def flagged(text: str, allow=()) -> list[str]:
    _, report = Anonymiser(KEY, allow=allow).anonymise_text(text)
    return [flag.text for flag in report.possible_identifiers]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The social worker met Jenny Okafor at home.", ["Jenny Okafor"]),
        ("Mrs Okafor attended.", ["Okafor"]),
        ("Dr. Green examined the child.", ["Green"]),
        ("Xander Quillfeather visited twice.", ["Xander Quillfeather"]),
        ("Later, Peter said he was worried.", ["Peter"]),
        ("Jenny Lake Primary School was told.", ["Jenny Lake"]),
    ],
)
def test_names_not_in_the_key_are_flagged(text, expected):
    assert flagged(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Individual Management Review: Southvale Primary School",
        "The Designated Safeguarding Lead made a referral to the MASH on Monday 3 March.",
        "Children's Social Care held an Initial Child Protection Conference in September.",
        "Tobias Quenby told Ruth Stone that Marnie was out.",
        "Child A and Social Worker 1 met at [address], [postcode].",
        "The Health Visitor spoke to the GP and the Police.",
        "Early Help Assessment completed; Section 47 enquiry opened.",
        "Ms [family name] and Mr [family name] were seen.",
    ],
)
def test_ordinary_text_labels_tokens_and_key_names_are_not_flagged(text):
    assert flagged(text) == []


def test_the_allow_list_silences_a_flag():
    assert flagged("Xander Quillfeather visited.", allow=["Xander Quillfeather"]) == []
    assert flagged("Mrs Okafor attended.", allow=["Okafor"]) == []


def test_a_flag_carries_its_context_and_kind():
    flags = NameFlagger(KEY).find("On the day, the nurse met Jenny Okafor near the shop.")
    assert flags[0].kind == "name"
    assert "met Jenny Okafor near" in flags[0].context


def test_each_flag_is_reported_once():
    assert flagged("Jenny Okafor came.\nJenny Okafor left.") == ["Jenny Okafor"]
