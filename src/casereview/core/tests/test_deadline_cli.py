"""`casereview deadline` against CONTRACTS.md "casereview deadline": no database, no Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from casereview.cli import main


@pytest.mark.parametrize(
    ("argv", "printed"),
    [
        # A date START with a calendar or working-day span prints a date.
        (["2024-12-20", "5 working days"], "2024-12-31"),
        (["2024-12-20", "5", "working", "days"], "2024-12-31"),
        (["2024-12-20", "7 working days"], "2025-01-03"),
        (["2024-12-20", "7 working days", "--nation", "scotland"], "2025-01-06"),
        (["2024-12-20", "--nation", "scotland", "7", "working", "days"], "2025-01-06"),
        (["--nation", "northern-ireland", "2024-03-15", "1 working day"], "2024-03-19"),
        (["2024-03-15", "1 working day", "--nation", "england-and-wales"], "2024-03-18"),
        (["2024-03-28", "1 working day", "--nation", "scotland"], "2024-04-01"),
        (["2024-03-28", "1 working day"], "2024-04-02"),
        (["2024-01-31", "1 month"], "2024-02-29"),
        (["2023-01-31", "1 month"], "2023-02-28"),
        (["2024-02-29", "12 months"], "2025-02-28"),
        (["2024-11-30", "3 months"], "2025-02-28"),
        (["2024-11-03", "28 days"], "2024-12-01"),  # a Sunday: no roll-forward
        (["2024-11-18", "2 weeks"], "2024-12-02"),
        (["2024-11-18", "  2   WEEKS "], "2024-12-02"),
        # Hours print a date-time; a date START starts at 00:00.
        (["2024-11-22", "24 hours"], "2024-11-23T00:00"),
        (["2024-11-22T16:30", "24 hours"], "2024-11-23T16:30"),
        (["2024-11-22T16:30", "72 hours"], "2024-11-25T16:30"),
        (["2024-03-30T12:00", "24 hours"], "2024-03-31T13:00"),  # clocks forward
        (["2024-10-26T12:00", "24 hours"], "2024-10-27T11:00"),  # clocks back
        # A date-time START keeps its time of day for any span; output is to the minute.
        (["2024-12-20T14:00", "5 working days"], "2024-12-31T14:00"),
        (["2024-01-31T09:05", "1 month"], "2024-02-29T09:05"),
        (["2024-03-30T12:00", "1 day"], "2024-03-31T12:00"),
        (["2024-11-03T10:00:45", "28 days"], "2024-12-01T10:00"),
    ],
)
def test_deadline_prints_one_line(capsys, argv, printed):
    assert main(["deadline", *argv]) == 0
    out, err = capsys.readouterr()
    assert out == printed + "\n"
    assert err == ""


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["2024-02-30", "1 day"], "START"),
        (["2024-13-01", "1 day"], "START"),
        (["24-01-01", "1 day"], "START"),
        (["20240101", "1 day"], "START"),
        (["01/02/2024", "1 day"], "START"),
        (["2024-01-01 10:00", "1 day"], "START"),
        (["2024-01-01T10:00+01:00", "1 day"], "START"),
        (["2024-01-01T10:00:00.5", "1 day"], "START"),
        (["2024-01-01T25:00", "1 day"], "START"),
        (["2024-03-31T01:30", "24 hours"], "does not exist"),  # the clocks go forward
        (["2024-01-01", "7 fortnights"], "SPAN"),
        (["2024-01-01", "seven days"], "SPAN"),
        (["2024-01-01", "1.5", "days"], "SPAN"),
        (["2024-01-01", "-1 days"], "negative"),
        (["2024-01-01", "days"], "SPAN"),
        (["2024-01-01"], "SPAN"),
        ([], "START"),
        (["2024-01-01", "1 day", "--nation", "wales"], "--nation"),
        (["2024-01-01", "1 day", "--json"], "--json"),
        (["2100-12-20", "10 working days"], "2100"),
        (["9999-12-01", "2 months"], "beyond the calendar"),
    ],
)
def test_bad_input_is_exit_2_with_one_line_naming_the_problem(capsys, argv, named):
    assert main(["deadline", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.endswith("\n")
    assert err.count("\n") == 1
    assert named in err
    assert "Traceback" not in err


def test_the_installed_command_prints_the_due_date():
    command = Path(sys.executable).with_name("casereview")
    result = subprocess.run(  # noqa: S603
        [str(command), "deadline", "2024-12-20", "5 working days"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "2024-12-31\n", "")


def test_the_installed_command_refuses_a_bad_span_without_a_traceback():
    command = Path(sys.executable).with_name("casereview")
    result = subprocess.run(  # noqa: S603
        [str(command), "deadline", "2024-12-20", "5 fortnights"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr
