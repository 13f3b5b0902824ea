"""Anonymising .txt and .md files, and the file-level rules shared by every format."""

from __future__ import annotations

import pytest

from casereview.anonymisation.anonymise import (
    AnonymiseError,
    Anonymiser,
    check_bytes,
    check_file,
)
from casereview.anonymisation.keyref import parse_key_csv
from casereview.anonymisation.tests.fixtures import KEY_CSV

KEY = parse_key_csv(KEY_CSV)
TEXT = (
    "Tobias Quenby (DOB 02/04/2016) lives at 14 Copperbeech Road, LK4 7QP.\r\n"
    "Ms Quenby's phone is 07700 900461; email marnie.q@example.org.\r\n"
    "NHS 943 476 5919, NI QQ 12 34 56 C. Seen on 12/03/2023.\r\n"
)
EXPECTED = (
    "Child A (DOB [date of birth]) lives at [address], [postcode].\r\n"
    "Ms [family name]'s phone is [phone]; email [email].\r\n"
    "NHS [NHS number], NI [NI number]. Seen on 12/03/2023.\r\n"
)


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_a_text_file_is_anonymised_keeping_its_line_endings(tmp_path, suffix):
    source, target = tmp_path / f"in{suffix}", tmp_path / f"out{suffix}"
    source.write_bytes(TEXT.encode("utf-8"))
    report = Anonymiser(KEY).anonymise_file(source, target)
    assert target.read_bytes().decode("utf-8") == EXPECTED
    assert report.changes_anything
    assert not check_file(KEY, target).changes_anything


def test_markdown_structure_stays(tmp_path):
    source = tmp_path / "in.md"
    source.write_text(
        "# Review of Tobias Quenby\n\n- **Marnie** said [link](mailto:marnie.q@example.org)\n"
    )
    target = tmp_path / "out.md"
    Anonymiser(KEY).anonymise_file(source, target)
    assert target.read_text() == "# Review of Child A\n\n- **Mother** said [link](mailto:[email])\n"


def test_checking_writes_nothing_and_reports_what_would_change(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Harlan Vexley visited.\n")
    report = check_file(KEY, source)
    assert source.read_text() == "Harlan Vexley visited.\n"
    assert report.as_json()["replacements"] == [
        {"text": "Harlan Vexley", "label": "Lodger", "count": 1}
    ]


def test_a_clean_file_checks_clean_even_with_flags(tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Child A met Jenny Okafor.\n")
    report = check_file(KEY, source)
    assert not report.changes_anything
    assert [f.text for f in report.possible_identifiers] == ["Jenny Okafor"]


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("in.pdf", None, "unsupported format"),
        ("in.txt", "out.docx", "must be a .txt"),
        ("missing.txt", None, "cannot read"),
    ],
)
def test_bad_files_are_refused(tmp_path, source, target, message):
    (tmp_path / "in.pdf").write_bytes(b"%PDF")
    (tmp_path / "in.txt").write_text("x")
    with pytest.raises(AnonymiseError, match=message):
        Anonymiser(KEY).anonymise_file(tmp_path / source, target and tmp_path / target)


def test_a_text_file_that_is_not_utf8_is_refused(tmp_path):
    (tmp_path / "in.txt").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(AnonymiseError, match="UTF-8"):
        Anonymiser(KEY).anonymise_file(tmp_path / "in.txt", tmp_path / "out.txt")


def test_an_unknown_category_is_refused():
    with pytest.raises(AnonymiseError, match="unknown category"):
        Anonymiser(KEY, categories=["family", "friends"])


def test_the_check_of_a_document_in_memory_passes_only_when_nothing_would_change():
    assert check_bytes(KEY, b"Marnie was seen.\n", ".txt").changes_anything
    assert not check_bytes(KEY, b"Mother was seen.\n", ".md").changes_anything
    empty = check_bytes(KEY, b"", ".txt").as_json()
    assert list(empty) == ["replacements", "redactions", "removed", "possible_identifiers"]
    assert not any(empty.values())
