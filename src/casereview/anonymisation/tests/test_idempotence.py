"""check(anonymise(x)) finds nothing: anonymised text never spells a new name or identifier."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casereview.anonymisation.anonymise import Anonymiser
from casereview.anonymisation.keyref import parse_key_csv
from casereview.anonymisation.tests.fixtures import KEY_CSV

ANONYMISER = Anonymiser(parse_key_csv(KEY_CSV))
PIECES = [
    "Tobias", "Quenby", "Marnie", "Stone", "stone", "Ruth", "Road", "Lane", "Mr", "Ms", "born",
    "DOB", "12", "07700", "900461", "LK4", "7QP", "943", "476", "5919", "QQ", "@",
    "example.org", "'s", "'", ".", ",", " ", "\n", "-", "Child", "A", "Larkfield", "Centre",
    "Children's", "(", ")", "02/04/2016", "Street", "1", "Toby", "Q", "Tobes", "the", "Harlan",
    "Vexley", "[", "]", "family", "name", "Social", "Worker",
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A label's number followed by labels is not a house number in a street.
        ("Stone Tobias Road", "Social Worker 1 Child A Road"),
        # A stray word and a label must not spell an alias when checked again.
        ("Larkfield Larkfield Centre", "Larkfield Centre 1"),
        # A phone number is found even where a date runs on after it.
        ("07700 900461 02/04/2016", "[phone] [date of birth]"),
        # An address may end in a word that is also a label.
        ("She lived at 12 Mother Lane.", "She lived at [address]."),
    ],
)
def test_anonymised_text_checks_clean(text, expected):
    out, _ = ANONYMISER.anonymise_text(text)
    assert out == expected
    assert not ANONYMISER.anonymise_text(out)[1].changes_anything


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(PIECES), max_size=25).map(" ".join)
    | st.lists(st.sampled_from(PIECES), max_size=25).map("".join)
)
def test_anonymising_twice_changes_nothing_the_second_time(text):
    out, _ = ANONYMISER.anonymise_text(text)
    again, report = ANONYMISER.anonymise_text(out)
    assert not report.changes_anything
    assert again == out


def test_a_key_name_holding_a_label_word_is_still_replaced():
    key = parse_key_csv(
        "name,label,category,aliases\n"
        "Marnie Quenby,Mother,family,\n"
        "Mother Shipton Inn,Pub 1,place,\n"
    )
    out, _ = Anonymiser(key).anonymise_text("Mother met Marnie at the Mother Shipton Inn.")
    assert out == "Mother met Mother at the Pub 1."
