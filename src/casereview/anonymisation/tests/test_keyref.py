"""The key reference CSV: reading, validation messages, writing and suggested labels."""

from __future__ import annotations

import pytest

from casereview.anonymisation.keyref import (
    KeyReferenceError,
    format_key_csv,
    parse_key_csv,
    read_key_csv,
    suggest_label,
    write_key_csv,
)
from casereview.anonymisation.tests.fixtures import KEY_CSV
from casereview.samples import SAMPLES

SAMPLE = str(SAMPLES / "key-reference.csv")


def test_the_sample_key_reads_with_aliases_and_defaults():
    key = read_key_csv(SAMPLE)
    child = key.by_label("Child B")
    assert child is not None
    assert child.name == "Mia Thompson"
    assert child.aliases == ("Mimi",)
    assert child.sex == "u"
    assert not child.deceased
    assert key.find("mimi") is child
    assert key.find("  mia   THOMPSON ") is child


def test_optional_columns_are_read():
    key = parse_key_csv(KEY_CSV)
    child = key.by_label("Child A")
    assert child.aliases == ("Toby Q", "Tobes")
    assert (child.sex, child.subject, child.household, child.deceased) == ("m", True, True, False)
    worker = key.by_label("Social Worker 1")
    assert worker.agency == "Children's Social Care"
    assert worker.role == "Social worker"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,label,category\nA,B,family\n", "missing column aliases"),
        ("name,label,category,aliases\nA,B,friend,\n", "row 2, column category"),
        ("name,label,category,aliases,sex\nA,B,family,,x\n", "row 2, column sex"),
        ("name,label,category,aliases,deceased\nA,B,family,,maybe\n", "row 2, column deceased"),
        ("name,label,category,aliases\n,B,family,\n", "row 2, column name"),
        ("name,label,category,aliases\nA,,family,\n", "row 2, column label"),
        (
            "name,label,category,aliases\nA,Child A,family,\nB,child a,family,\n",
            "row 3, column label",
        ),
    ],
)
def test_a_bad_key_is_refused_naming_row_and_column(text, message):
    with pytest.raises(KeyReferenceError, match=message):
        parse_key_csv(text)


def test_an_unreadable_key_is_a_key_reference_error(tmp_path):
    with pytest.raises(KeyReferenceError, match="cannot read"):
        read_key_csv(tmp_path / "missing.csv")


def test_a_written_key_reads_back_the_same(tmp_path):
    key = parse_key_csv(KEY_CSV)
    write_key_csv(key, tmp_path / "key.csv")
    assert read_key_csv(tmp_path / "key.csv") == key
    assert format_key_csv(key).splitlines()[0].startswith("name,label,category,aliases,dob")


@pytest.mark.parametrize(
    ("category", "existing", "role", "relationship", "expected"),
    [
        ("professional", [], "social worker", None, "Social Worker 1"),
        ("professional", ["Social Worker 1"], "Social Worker", None, "Social Worker 2"),
        ("family", ["Sibling 1"], None, "sibling", "Sibling 2"),
        ("family", [], None, "child", "Child A"),
        ("family", ["Child A"], None, "child", "Child B"),
        ("family", [], None, "mother", "Mother"),
        ("family", ["Mother"], None, "mother", "Mother 2"),
        ("place", ["School 1"], "School", None, "School 2"),
        ("place", [], None, None, "Place 1"),
        ("other", [], None, None, "Person 1"),
    ],
)
def test_suggested_labels_are_stable_and_free(category, existing, role, relationship, expected):
    assert suggest_label(category, existing, role=role, relationship=relationship) == expected


def _people(count: int) -> str:
    rows = "".join(f"Person{n} Quill,Person {n},family,\n" for n in range(count))
    return "name,label,category,aliases\n" + rows


def test_a_key_of_two_thousand_rows_is_read():
    assert len(parse_key_csv(_people(2_000))) == 2_000


def test_a_key_of_two_thousand_and_one_rows_is_refused_with_the_limit_and_the_row():
    with pytest.raises(KeyReferenceError) as caught:
        parse_key_csv(_people(2_001) + "Person X Quill,not valid,nonsense,\n")
    message = str(caught.value)
    assert "at most 2,000 people and places" in message
    assert "row 2,002 of the file" in message  # refused there: the bad row after it is not read
