"""`casereview anonymise` and `casereview genogram`: exit codes, JSON shapes, one-line errors."""

from __future__ import annotations

import json

import docx
import pytest

from casereview.anonymisation.tests.fixtures import KEY_CSV, leaks, leaky_docx
from casereview.cli import main


@pytest.fixture
def files(tmp_path):
    (tmp_path / "key.csv").write_text(KEY_CSV)
    (tmp_path / "in.docx").write_bytes(leaky_docx())
    (tmp_path / "in.txt").write_text("Tobias Quenby met Jenny Okafor at LK4 7QP.\n")
    (tmp_path / "clean.txt").write_text("Child A was seen.\n")
    return tmp_path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["anonymise", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_writing_prints_the_report_as_json_and_exits_0(files, capsys):
    code, out, err = run(
        capsys, "--key", files / "key.csv", files / "in.txt", "-o", files / "out.txt", "--json"
    )
    assert code == 0
    assert err == ""
    report = json.loads(out)
    assert list(report) == ["replacements", "redactions", "removed", "possible_identifiers"]
    assert report["replacements"] == [{"text": "Tobias Quenby", "label": "Child A", "count": 1}]
    assert report["redactions"] == [{"kind": "postcode", "count": 1}]
    assert report["removed"] == []
    assert report["possible_identifiers"] == [
        {
            "text": "Jenny Okafor",
            "kind": "name",
            "context": "Child A met Jenny Okafor at [postcode].",
        }
    ]
    assert (files / "out.txt").read_text() == "Child A met Jenny Okafor at [postcode].\n"


def test_check_exits_1_when_something_would_change_and_writes_nothing(files, capsys):
    before = (files / "in.docx").read_bytes()
    code, out, _ = run(capsys, "--key", files / "key.csv", files / "in.docx", "--check", "--json")
    assert code == 1
    report = json.loads(out)
    assert report["replacements"]
    assert {"part": "word/comments.xml", "count": 1} in report["removed"]
    assert (files / "in.docx").read_bytes() == before


def test_check_of_the_anonymised_document_exits_0(files, capsys):
    code, _, _ = run(
        capsys, "--key", files / "key.csv", files / "in.docx", "-o", files / "out.docx"
    )
    assert code == 0
    assert leaks((files / "out.docx").read_bytes()) == []
    code, out, _ = run(capsys, "--key", files / "key.csv", files / "out.docx", "--check")
    assert code == 0
    assert "Nothing to replace, redact or remove." in out


def test_flags_alone_do_not_fail_a_check(files, capsys):
    (files / "flagged.txt").write_text("Child A met Jenny Okafor.\n")
    code, out, _ = run(capsys, "--key", files / "key.csv", files / "flagged.txt", "--check")
    assert code == 0
    assert "Possible identifier (not changed): Jenny Okafor" in out


def test_the_allow_list_author_and_categories_are_used(files, capsys):
    (files / "allow.txt").write_text("# people who agreed to be named\nJenny Okafor\n")
    code, out, _ = run(
        capsys,
        "--key",
        files / "key.csv",
        files / "in.txt",
        "-o",
        files / "out.txt",
        "--allow",
        files / "allow.txt",
        "--categories",
        "professional",
        "--json",
    )
    assert code == 0
    report = json.loads(out)
    assert report["possible_identifiers"] == []
    assert report["replacements"] == []
    code, _, _ = run(
        capsys,
        "--key",
        files / "key.csv",
        files / "in.docx",
        "-o",
        files / "out.docx",
        "--author",
        "Northbrook Partnership",
    )
    assert code == 0
    assert docx.Document(str(files / "out.docx")).core_properties.author == "Northbrook Partnership"


@pytest.mark.parametrize(
    "argv",
    [
        ["--key", "{d}/key.csv", "{d}/in.txt"],
        ["--key", "{d}/key.csv", "{d}/in.txt", "-o", "{d}/out.txt", "--check"],
        ["--key", "{d}/missing.csv", "{d}/in.txt", "--check"],
        ["--key", "{d}/key.csv", "{d}/missing.txt", "--check"],
        ["--key", "{d}/key.csv", "{d}/in.txt", "-o", "{d}/out.docx"],
        ["--key", "{d}/key.csv", "{d}/in.txt", "--check", "--categories", "friends"],
        ["--key", "{d}/bad.csv", "{d}/in.txt", "--check"],
        ["--key", "{d}/key.csv", "{d}/notzip.docx", "--check"],
    ],
)
def test_bad_usage_exits_2_with_one_line_on_stderr(files, capsys, argv):
    (files / "bad.csv").write_text("name,label,category,aliases\nA,B,friend,\n")
    (files / "notzip.docx").write_text("not a zip")
    code, out, err = run(capsys, *[a.format(d=files) for a in argv])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_bad_key_message_names_row_and_column(files, capsys):
    (files / "bad.csv").write_text("name,label,category,aliases\nA,B,friend,\n")
    _, _, err = run(capsys, "--key", files / "bad.csv", files / "in.txt", "--check")
    assert "row 2, column category" in err


RELATIONS = (
    "person,relation,other\n"
    "Mother,parent-of,Child A\n"
    "Father,parent-of,Child A\n"
    "Mother,separated-from,Father\n"
)


def test_genogram_writes_an_svg_with_labels_only(files, capsys):
    (files / "rel.csv").write_text(RELATIONS)
    code = main(
        [
            "genogram",
            "--key",
            str(files / "key.csv"),
            "--relations",
            str(files / "rel.csv"),
            "-o",
            str(files / "g.svg"),
        ]
    )
    assert code == 0
    svg = (files / "g.svg").read_text()
    assert "<svg" in svg
    assert "Child A" in svg
    assert "Quenby" not in svg


@pytest.mark.parametrize(
    ("relations", "message"),
    [
        ("person,relation,other\nMother,knows,Father\n", "row 2, column relation"),
        (
            "person,relation,other\nMother,parent-of,Child A\nZed,parent-of,Child A\n",
            "row 3, column person",
        ),
    ],
)
def test_genogram_bad_relations_exit_2_naming_the_row(files, capsys, relations, message):
    (files / "rel.csv").write_text(relations)
    code = main(
        [
            "genogram",
            "--key",
            str(files / "key.csv"),
            "--relations",
            str(files / "rel.csv"),
            "-o",
            str(files / "g.svg"),
        ]
    )
    _, err = capsys.readouterr()
    assert code == 2
    assert message in err
    assert err.count("\n") == 1
