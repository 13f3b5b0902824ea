"""``casereview criteria`` on files, through the dispatcher, as CONTRACTS says."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from casereview.cli import main
from casereview.samples import SAMPLES

SAMPLE = SAMPLES / "criteria-facts-example.json"
COMMAND = Path(sys.prefix) / "bin" / "casereview"


@pytest.fixture
def write(tmp_path):
    def write(content: str | bytes, name: str = "facts.json") -> str:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return str(path)

    return write


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["criteria", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("facts", "test", "word"),
    [
        ({}, "reg5", "not-met"),
        ({}, "wt2006", "not-met"),
        ({"abuse_or_neglect": "known", "child_died": True}, "reg5", "met"),
        (
            {
                "abuse_or_neglect": "suspected",
                "death_by_suicide": True,
                "abuse_or_neglect_factor_in_death": True,
            },
            "wt2010",
            "must",
        ),
        (
            {"parent_killed_domestic_violence": True, "interagency_concern": True},
            "wt2006",
            "consider",
        ),
    ],
)
def test_prints_the_result_word_alone_and_exits_0(capsys, write, facts, test, word):
    code, out, err = run(capsys, write(json.dumps(facts)), "--test", test)
    assert (code, out, err) == (0, f"{word}\n", "")


@pytest.mark.parametrize(
    ("test", "word"), [("reg5", "met"), ("wt2010", "consider"), ("wt2006", "consider")]
)
def test_the_shared_sample(capsys, test, word):
    assert run(capsys, str(SAMPLE), "--test", test) == (0, f"{word}\n", "")


def test_json_is_one_document_of_the_contract_shape(capsys, write):
    path = write(
        json.dumps(
            {
                "abuse_or_neglect": "suspected",
                "life_threatening_injury": True,
                "interagency_concern": True,
                "indicators": ["looked_after", "range_of_agencies"],
            }
        )
    )
    code, out, err = run(capsys, path, "--test", "wt2006", "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert list(document) == ["test", "result", "limbs", "indicators_yes"]
    assert document["result"] == "consider"
    assert document["indicators_yes"] == 2
    assert {"id": "consider.concern", "met": True} in [
        {"id": limb["id"], "met": limb["met"]} for limb in document["limbs"]
    ]


def test_json_without_indicators_for_regulation_5(capsys, write):
    code, out, _ = run(capsys, write("{}"), "--json", "--test", "reg5")
    assert code == 0
    document = json.loads(out)
    assert document["result"] == "not-met"
    assert "indicators_yes" not in document


def test_a_byte_order_mark_is_read(capsys, write):
    path = write('\ufeff{"abuse_or_neglect": "known", "child_died": true}'.encode())
    assert run(capsys, path, "--test", "reg5") == (0, "met\n", "")


@pytest.mark.parametrize(
    ("content", "argv", "names"),
    [
        ('{"child_dies": true}', ["--test", "reg5"], "unknown key 'child_dies'"),
        ('{"child_died": "yes"}', ["--test", "reg5"], "'child_died' must be true or false"),
        ('{"child_died": 1}', ["--test", "wt2010"], "'child_died'"),
        ('{"abuse_or_neglect": "maybe"}', ["--test", "wt2006"], "'abuse_or_neglect'"),
        ('{"indicators": "looked_after"}', ["--test", "wt2006"], "'indicators'"),
        ('{"indicators": ["nope"]}', ["--test", "wt2006", "--json"], "'nope'"),
        ("[]", ["--test", "reg5"], "must be a JSON object, not a list"),
        ('"facts"', ["--test", "reg5"], "must be a JSON object"),
        ("null", ["--test", "reg5"], "must be a JSON object, not null"),
        ("{", ["--test", "reg5"], "not valid JSON"),
        ("", ["--test", "reg5"], "not valid JSON"),
        ('{"child_died": true,}', ["--test", "reg5", "--json"], "not valid JSON"),
        ("[" * 100_000, ["--test", "reg5"], "not valid JSON"),
        ('{"child_died": ' + "1" * 5_000 + "}", ["--test", "reg5"], "not valid JSON"),
        (b"\xff\xfe{\x00}\x00", ["--test", "reg5"], "not UTF-8"),
        ("{}", ["--test", "wt2015"], "invalid choice"),
        ("{}", [], "--test"),
        ("{}", ["--test", "reg5", "--colour"], "unrecognized arguments"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, write, content, argv, names):
    code, out, err = run(capsys, write(content), *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert names in err
    assert "Traceback" not in err


def test_an_unreadable_file_exits_2_with_one_line(capsys, tmp_path):
    for path in (tmp_path / "missing.json", tmp_path):
        code, out, err = run(capsys, str(path), "--test", "reg5")
        assert (code, out) == (2, "")
        assert err.count("\n") == 1
        assert str(path) in err
        assert "Traceback" not in err


def test_no_facts_file_exits_2(capsys):
    code, _, err = run(capsys, "--test", "reg5")
    assert code == 2
    assert err.count("\n") == 1


def test_the_installed_command(write):
    path = write('{"abuse_or_neglect": "known", "child_died": true}')
    done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(COMMAND), "criteria", path, "--test", "reg5", "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (done.returncode, done.stderr) == (0, "")
    document = json.loads(done.stdout)
    assert document == {
        "test": "reg5",
        "result": "met",
        "limbs": [
            {
                "id": "a",
                "met": True,
                "text": "(a) abuse or neglect of a child is known or suspected",
            },
            {"id": "b(i)", "met": True, "text": "(b)(i) the child has died"},
            {"id": "b(ii)", "met": False, "text": document["limbs"][2]["text"]},
        ],
    }
