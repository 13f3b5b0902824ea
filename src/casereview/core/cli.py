"""`casereview deadline START SPAN [--nation ...]`: print when a span from START falls due.

The contract is CONTRACTS.md "casereview deadline"; the rules live in casereview.core.timescales.
"""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime

from casereview.core.timescales import Nation, due, parse_span, wall_clock_exists
from casereview.core.usage import UsageError

_PROG = "casereview deadline"  # as argparse prefixes its own usage errors

# Exactly the forms CONTRACTS.md names; fromisoformat alone would also take "20240101",
# offsets and fractions of a second.
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the deadline subcommand's arguments."""
    parser.add_argument(
        "start",
        metavar="START",
        help="YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS], wall-clock time in Europe/London",
    )
    parser.add_argument(
        "span",
        metavar="SPAN",
        nargs="+",
        help='e.g. "7 working days", 28 days, 2 weeks, 1 month, 24 hours',
    )
    parser.add_argument(
        "--nation",
        choices=[nation.value for nation in Nation],
        default=Nation.ENGLAND_AND_WALES.value,
        help="whose bank holidays working days skip (default: england-and-wales)",
    )


def run(args: argparse.Namespace) -> int:
    """Print the due date, or date-time, on one line."""
    start = _parse_start(args.start)
    try:
        span = parse_span(" ".join(args.span))
    except ValueError as exc:
        raise UsageError(f"{_PROG}: SPAN: {exc}") from exc
    try:
        result = due(start, span, Nation(args.nation))
    except ValueError as exc:
        raise UsageError(f"{_PROG}: cannot compute the deadline: {exc}") from exc
    if isinstance(result, datetime):
        print(_format_datetime(result))
    else:
        print(result.isoformat())
    return 0


def _parse_start(text: str) -> date | datetime:
    if _DATE_RE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            raise UsageError(f"{_PROG}: START {text!r} is not a real date") from exc
    if _DATETIME_RE.fullmatch(text):
        try:
            start = datetime.fromisoformat(text)
        except ValueError as exc:
            raise UsageError(f"{_PROG}: START {text!r} is not a real date and time") from exc
        if not wall_clock_exists(start):
            raise UsageError(
                f"{_PROG}: START {text!r} does not exist in Europe/London (the clocks go forward)"
            )
        return start
    raise UsageError(f"{_PROG}: START {text!r} must be YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]")


def _format_datetime(moment: datetime) -> str:
    # isoformat keeps a four-digit year where %Y would not; seconds are dropped (the contract's
    # output is to the minute).
    return f"{moment.date().isoformat()}T{moment:%H:%M}"
