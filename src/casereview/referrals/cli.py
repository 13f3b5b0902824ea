"""``casereview criteria FACTS.json --test reg5|wt2010|wt2006 [--json]``.

Prints the result word alone, or with ``--json`` the result with its limbs, as
../shared/CONTRACTS.md ("casereview criteria") says. Every result exits 0; a file that cannot
be read as facts exits 2 through ``UsageError``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from casereview.core.usage import UsageError
from casereview.referrals.criteria import CriteriaTest, Facts, FactsError, evaluate


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of ``casereview criteria``."""
    parser.add_argument("facts", metavar="FACTS.json", help="the referral's facts, a JSON object")
    parser.add_argument(
        "--test",
        required=True,
        choices=[test.value for test in CriteriaTest],
        help="the criteria test the board's procedure applies",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the result and its limbs as one JSON document"
    )


def run(args: argparse.Namespace) -> int:
    """Evaluate the facts file against the chosen test and print the result."""
    facts = read_facts(args.facts)
    result = evaluate(facts, CriteriaTest(args.test))
    print(result.to_json() if args.json else result.outcome.value)
    return 0


def read_facts(path: str) -> Facts:
    """Read a facts file, or raise ``UsageError`` with one line that names the file."""
    data = _load_json(path)
    try:
        return Facts.from_dict(data)
    except FactsError as exc:
        raise UsageError(f"{path}: {exc}") from None


def _load_json(path: str) -> Any:
    try:
        # utf-8-sig: files saved by Windows editors often start with a byte order mark.
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{path}: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise UsageError(f"{path}: not valid JSON: nested too deeply") from None
    except ValueError as exc:
        # json.loads refuses integers of more than 4,300 digits with a bare ValueError.
        raise UsageError(f"{path}: not valid JSON: {exc}") from None
