"""`casereview anonymise`: anonymise a document against the key reference, or check it.

Exit status (CONTRACTS.md): 0 when written (or, with --check, when nothing would change), 1 when
--check finds something to replace, redact or remove, 2 for bad usage or an unreadable file.
"""

from __future__ import annotations

import argparse
import json
import sys

from casereview.anonymisation.anonymise import (
    DEFAULT_AUTHOR,
    AnonymiseError,
    Anonymiser,
    Report,
    read_allow_list,
)
from casereview.anonymisation.keyref import CATEGORIES, KeyReferenceError, read_key_csv
from casereview.core.usage import UsageError


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `casereview anonymise`."""
    parser.add_argument("--key", required=True, metavar="KEY.csv", help="the key reference CSV")
    parser.add_argument("input", metavar="IN", help="the document: .docx, .txt or .md")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("-o", "--output", metavar="OUT", help="write the anonymised document here")
    mode.add_argument(
        "--check", action="store_true", help="report what would change; write nothing"
    )
    parser.add_argument(
        "--categories",
        default=",".join(CATEGORIES),
        help="the key's categories to replace, comma-separated (default: all)",
    )
    parser.add_argument(
        "--allow", metavar="FILE", help="words and phrases never flagged, one a line"
    )
    parser.add_argument(
        "--author", default=DEFAULT_AUTHOR, help=f"author of the output (default {DEFAULT_AUTHOR})"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def run(args: argparse.Namespace) -> int:
    """Anonymise or check; print the report."""
    categories = [c.strip().lower() for c in args.categories.split(",") if c.strip()]
    if not categories:
        raise UsageError("--categories: give at least one of " + ", ".join(CATEGORIES))
    if not args.author.strip():
        raise UsageError("--author: must not be empty")
    try:
        key = read_key_csv(args.key)
        allow = read_allow_list(args.allow) if args.allow else []
        anonymiser = Anonymiser(key, categories, allow, " ".join(args.author.split()))
        report = anonymiser.anonymise_file(args.input, None if args.check else args.output)
    except KeyReferenceError as exc:
        raise UsageError(f"{args.key}: {exc}") from exc
    except AnonymiseError as exc:
        raise UsageError(f"{args.input}: {exc}") from exc
    if args.json:
        json.dump(report.as_json(), sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(_describe(report, args.output, args.check))
    return 1 if args.check and report.changes_anything else 0


def _describe(report: Report, output: str | None, check: bool) -> str:
    """The report as lines for a person."""
    lines: list[str] = []
    verbs = (
        ("Would replace", "Would redact", "Would remove")
        if check
        else (
            "Replaced",
            "Redacted",
            "Removed",
        )
    )
    for (text, label), count in sorted(report.replacements.items()):
        lines.append(f"{verbs[0]}: {text} -> {label} ({count})")
    for kind, count in sorted(report.redactions.items()):
        lines.append(f"{verbs[1]}: {kind} ({count})")
    for part, count in sorted(report.removed.items()):
        lines.append(f"{verbs[2]}: {part} ({count})")
    if check and not report.changes_anything:
        lines.append("Nothing to replace, redact or remove.")
    for flag in report.possible_identifiers:
        lines.append(f"Possible identifier (not changed): {flag.text} ... {flag.context} ...")
    if output:
        lines.append(f"Wrote {output}.")
    return "".join(line + "\n" for line in lines)
