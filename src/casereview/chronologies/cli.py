"""``casereview chronology check|merge``: check agencies' chronologies, or merge them into one.

The contract is ../shared/CONTRACTS.md "Chronologies": exit codes, options and the ``--json``
shapes. The work is done by the pure modules of this package; this module only parses arguments,
prints, and maps outcomes to exit codes. Its imports stay inside the functions because the
dispatcher imports every subcommand's module on each run.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sys
from collections.abc import Iterator
from datetime import date
from typing import Any

from casereview.core.usage import UsageError

OUTPUT_FORMATS = (".xlsx", ".csv", ".docx", ".pdf")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the ``check`` and ``merge`` sub-subcommands."""
    sub = parser.add_subparsers(
        dest="chronology_command",
        metavar="{check,merge}",
        required=True,
        parser_class=type(parser),
    )
    file_help = "a chronology (.csv, .xlsx, .docx), as PATH or AGENCY=PATH"

    check = sub.add_parser(
        "check",
        help="Check chronologies against the pro forma.",
        description="Check chronologies against the pro forma: exit 0 when there are no errors,"
        " 1 when there are, 2 when a file cannot be read.",
    )
    check.add_argument("files", nargs="+", metavar="FILE", help=file_help)
    check.add_argument("--period", metavar="FROM..TO", help="the period under review")
    check.add_argument(
        "--annotate", metavar="OUT.xlsx", help="write the rows back with a PROBLEMS column"
    )
    check.add_argument("--json", action="store_true", help="print one JSON document")
    check.set_defaults(_chronology=run_check)

    merge = sub.add_parser(
        "merge",
        help="Merge chronologies into one, in date order.",
        description="Merge chronologies into one, in date order, with gaps and discrepancies.",
    )
    merge.add_argument("files", nargs="+", metavar="FILE", help=file_help)
    merge.add_argument("-o", "--output", dest="out", metavar="OUT", help=".xlsx .csv .docx .pdf")
    merge.add_argument("--gap-days", type=_days, default=90, metavar="N")
    merge.add_argument("--window-days", type=_days, default=14, metavar="N")
    merge.add_argument("--reference", default="", metavar="REF", help="the review's reference")
    merge.add_argument("--marking", default="OFFICIAL-SENSITIVE", help=argparse.SUPPRESS)
    merge.add_argument("--json", action="store_true", help="print one JSON document")
    merge.set_defaults(_chronology=run_merge)


def run(args: argparse.Namespace) -> int:
    """Run the chosen sub-subcommand."""
    return int(args._chronology(args))


def run_check(args: argparse.Namespace) -> int:
    """Check each file; 2 if any could not be read, else 1 if any error, else 0."""
    from casereview.chronologies.checks import ERROR, check_chronology
    from casereview.chronologies.dates import today_in_uk
    from casereview.chronologies.proforma import ChronologyReadError, read_chronology

    period = parse_period(args.period) if args.period else None
    if args.annotate and not args.annotate.lower().endswith(".xlsx"):
        raise UsageError(f"chronology check: --annotate {args.annotate}: must end in .xlsx")
    today = today_in_uk()
    results: list[tuple[str, Any, list[Any]]] = []
    unreadable = False
    for chron_path, agency in _file_arguments(args.files):
        try:
            chron = read_chronology(chron_path, agency)
        except ChronologyReadError as exc:
            _complain(str(exc))
            unreadable = True
            continue
        results.append((chron_path, chron, check_chronology(chron, today, period)))
    if args.annotate and results:
        _annotate(args.annotate, results)
    if args.json:
        _print_json({"files": [_file_json(path, chron, found) for path, chron, found in results]})
    else:
        _print_check_report(results)
    if unreadable:
        return 2
    return 1 if any(p.severity == ERROR for _, _, found in results for p in found) else 0


def run_merge(args: argparse.Namespace) -> int:
    """Read every file, merge, write OUT; 2 (and nothing written) if any file cannot be read."""
    from casereview.chronologies.dates import today_in_uk
    from casereview.chronologies.exports import ExportError, write_merged
    from casereview.chronologies.merge import merge, merged_as_json
    from casereview.chronologies.proforma import ChronologyReadError, read_chronology

    if not args.out and not args.json:
        raise UsageError("chronology merge: -o OUT is required")
    if args.out and not args.out.lower().endswith(OUTPUT_FORMATS):
        raise UsageError(
            f"chronology merge: -o {args.out}: the output must end in {', '.join(OUTPUT_FORMATS)}"
        )
    chronologies = []
    unreadable = False
    with _no_cycle_collection():
        for chron_path, agency in _file_arguments(args.files):
            try:
                chronologies.append(read_chronology(chron_path, agency))
            except ChronologyReadError as exc:
                _complain(str(exc))
                unreadable = True
        if unreadable:
            return 2
        merged = merge(chronologies, args.gap_days, args.window_days, today=today_in_uk())
        if args.out:
            try:
                write_merged(merged, args.out, args.reference, args.marking)
            except (OSError, ExportError) as exc:
                raise UsageError(f"chronology merge: cannot write {args.out}: {exc}") from exc
    if args.json:
        _print_json(merged_as_json(merged))
    else:
        flagged = sum(1 for row in merged.rows if row.problems)
        print(
            f"Wrote {args.out}: {len(merged.rows)} rows from {len(chronologies)} files;"
            f" {flagged} rows with problems; {len(merged.gaps)} gaps over {args.gap_days} days;"
            f" {len(merged.discrepancies)} possible discrepancies."
        )
    return 0


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector for one bounded job of the command.

    Reading and merging make hundreds of thousands of small objects that live until the end,
    and none form cycles; the collector would walk them again and again (about 15% of a
    50,000-row merge). Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_period(text: str) -> tuple[date, date]:
    """``FROM..TO`` as two dates (day first, or ISO); a usage error otherwise."""
    from casereview.chronologies.dates import parse_date_text

    start_text, separator, end_text = text.partition("..")
    if not separator:
        raise UsageError(f"chronology check: --period {text}: expected FROM..TO")
    start, end = parse_date_text(start_text), parse_date_text(end_text)
    if start.value is None or start.code or end.value is None or end.code:
        raise UsageError(
            f"chronology check: --period {text}: give two complete dates, e.g."
            " 01/01/2023..31/12/2024"
        )
    if start.value > end.value:
        raise UsageError(f"chronology check: --period {text}: FROM is after TO")
    return start.value, end.value


def _days(text: str) -> int:
    """A whole number of days, zero or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: the number of days cannot be negative")
    return value


def _file_arguments(arguments: list[str]) -> list[tuple[str, str | None]]:
    """Each FILE argument as (path as given, agency or None)."""
    from casereview.chronologies.proforma import split_file_argument

    pairs = []
    for argument in arguments:
        agency, path = split_file_argument(argument)
        pairs.append((path, agency))
    return pairs


def _annotate(out: str, results: list[tuple[str, Any, list[Any]]]) -> None:
    from casereview.chronologies.exports import write_annotated_many

    try:
        write_annotated_many([(chron, found) for _, chron, found in results], out)
    except OSError as exc:
        raise UsageError(f"chronology check: cannot write {out}: {exc}") from exc


def _file_json(path: str, chron: Any, problems: list[Any]) -> dict[str, object]:
    return {
        "file": path,
        "agency": chron.agency,
        "rows": len(chron.rows),
        "problems": [
            {
                "row": p.row,
                "column": p.column,
                "code": p.code,
                "severity": p.severity,
                "message": p.message,
            }
            for p in problems
        ],
    }


def _print_check_report(results: list[tuple[str, Any, list[Any]]]) -> None:
    from casereview.chronologies.checks import severity_counts

    for path, chron, problems in results:
        counts = severity_counts(problems)
        print(
            f"{path} ({chron.agency}): {len(chron.rows)} rows;"
            f" {_count(counts['error'], 'error')}, {_count(counts['warning'], 'warning')},"
            f" {_count(counts['info'], 'note')}"
        )
        for problem in problems:
            print(f"  {problem.severity:<8} {problem.message}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _print_json(document: object) -> None:
    print(json.dumps(document, ensure_ascii=False, indent=2))


def _complain(message: str) -> None:
    """One line on standard error (CONTRACTS: never a traceback)."""
    print(" ".join(message.split()), file=sys.stderr)
