"""``casereview chronology check|merge``: exit codes, JSON shapes, and no tracebacks."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from casereview.chronologies.tests.builders import (
    LONG,
    _test_settings,  # noqa: F401 -- see it
    write_csv,
)
from casereview.cli import main

CASEREVIEW = Path("/work/main/.venv/bin/casereview")


def _good(tmp_path, name="good.csv"):
    return write_csv(tmp_path / name, [["12/03/2024", LONG, "", "", "Notes", "AB", ""]])


def test_check_exits_0_without_errors(tmp_path, capsys):
    assert main(["chronology", "check", str(_good(tmp_path))]) == 0
    assert "good.csv" in capsys.readouterr().out


def test_check_exits_1_with_errors(samples, capsys):
    assert main(["chronology", "check", str(samples[0])]) == 1
    out = capsys.readouterr().out
    assert 'Row 3, DATE: "December 2023" is not a complete date' in out


def test_check_exits_2_on_an_unreadable_file_and_still_reports_the_others(tmp_path, capsys):
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a workbook")
    code = main(["chronology", "check", "--json", str(_good(tmp_path)), str(bad)])
    captured = capsys.readouterr()
    assert code == 2
    assert str(bad) in captured.err
    assert "Traceback" not in captured.err
    assert [f["file"] for f in json.loads(captured.out)["files"]] == [str(tmp_path / "good.csv")]


def test_check_json_shape(samples, capsys):
    assert main(["chronology", "check", "--json", f"School={samples[0]}"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert list(document) == ["files"]
    (entry,) = document["files"]
    assert set(entry) == {"file", "agency", "rows", "problems"}
    assert (entry["file"], entry["agency"], entry["rows"]) == (str(samples[0]), "School", 5)
    assert set(entry["problems"][0]) == {"row", "column", "code", "severity", "message"}
    assert {"column": None, "code": "too-brief"}.items() <= entry["problems"][3].items()


def test_check_period_and_annotate(tmp_path, capsys):
    path = write_csv(tmp_path / "old.csv", [["12/03/2020", LONG, "", "", "Notes", "AB", ""]])
    out = tmp_path / "annotated.xlsx"
    args = ["chronology", "check", "--json", "--period", "01/01/2023..31/12/2024", "--annotate"]
    assert main([*args, str(out), str(path)]) == 0  # a warning is not an error
    codes = [p["code"] for p in json.loads(capsys.readouterr().out)["files"][0]["problems"]]
    assert codes == ["outside-period"]
    assert out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ["chronology", "check"],
        ["chronology", "check", "--period", "2024", "x.csv"],
        ["chronology", "check", "--period", "31/12/2024..01/01/2023", "x.csv"],
        ["chronology", "check", "--annotate", "out.csv", "x.csv"],
        ["chronology", "merge", "x.csv"],
        ["chronology", "merge", "x.csv", "-o", "out.txt"],
        ["chronology", "merge", "x.csv", "-o", "out.csv", "--gap-days", "many"],
        ["chronology", "frobnicate"],
        ["chronology"],
    ],
)
def test_usage_errors_exit_2_with_one_line(args, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_merge_writes_each_format(samples, tmp_path, capsys):
    for suffix in (".xlsx", ".csv", ".docx", ".pdf"):
        out = tmp_path / f"merged{suffix}"
        assert main(["chronology", "merge", *map(str, samples), "-o", str(out)]) == 0
        assert out.stat().st_size > 0
    assert "12 rows from 3 files" in capsys.readouterr().out


def test_merge_json_shape(samples, tmp_path, capsys):
    out = tmp_path / "merged.csv"
    args = ["chronology", "merge", *map(str, samples), "-o", str(out), "--json", "--gap-days", "30"]
    assert main(args) == 0
    document = json.loads(capsys.readouterr().out)
    assert list(document) == ["rows", "gaps", "discrepancies"]
    assert list(document["rows"][0]) == [
        "date",
        "agency",
        "file",
        "row",
        "date_text",
        "child",
        "family",
        "communication",
        "source",
        "staff",
        "comment",
        "problems",
    ]
    assert document["rows"][0]["date"] == "2023-09-04"
    assert document["rows"][-1]["date"] is None
    assert document["gaps"][0] == {"from": "2023-10-02", "to": "2023-11-17", "days": 46}
    (pair,) = document["discrepancies"]
    assert list(pair) == ["a", "b", "days_apart", "reason"]
    assert pair["a"] == {"file": str(samples[0]), "row": 2, "date": "2023-11-17"}
    assert pair["b"] == {"file": str(samples[2]), "row": 1, "date": "2023-11-24"}
    assert pair["days_apart"] == 7


def test_merge_exits_2_on_unreadable_input_and_writes_nothing(samples, tmp_path, capsys):
    out = tmp_path / "merged.csv"
    blob = tmp_path / "blob.docx"
    blob.write_bytes(bytes(range(256)))
    assert main(["chronology", "merge", str(samples[0]), str(blob), "-o", str(out)]) == 2
    assert not out.exists()
    assert str(blob) in capsys.readouterr().err


def test_the_installed_command_merges_in_a_subprocess(samples, tmp_path):
    out = tmp_path / "merged.xlsx"
    result = subprocess.run(  # noqa: S603 -- our own console script, fixed arguments
        [str(CASEREVIEW), "chronology", "merge", *map(str, samples), "-o", str(out), "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["discrepancies"]) == 1
    assert out.exists()
