"""The `casereview` command: file-based jobs on the same pure modules as the web pages.

Each subcommand lives in its domain app as a module with ``configure(parser)`` and
``run(args) -> int``; this file only wires them together and keeps the exit-code contract
of ../shared/CONTRACTS.md: 2 with a one-line message on standard error for bad usage or an
unreadable file, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from casereview.core.usage import UsageError

# subcommand -> module implementing configure(parser) and run(args)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "criteria": ("casereview.referrals.cli", "Check a referral's facts against a criteria test."),
    "deadline": ("casereview.core.cli", "Compute a due date from a start and a span."),
    "chronology": ("casereview.chronologies.cli", "Check and merge agency chronologies."),
    "anonymise": ("casereview.anonymisation.cli", "Anonymise or check a document."),
    "genogram": ("casereview.anonymisation.cli_genogram", "Draw a genogram as SVG."),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the chosen subcommand's module is imported (a fast start matters
    for the benchmarks, which time the whole process)."""
    parser = _Parser(prog="casereview", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        if command is None or name == command:
            module = importlib.import_module(module_name)
            module.configure(sub_parser)
            sub_parser.set_defaults(_run=module.run)
    return parser


def _chosen(argv: Sequence[str]) -> str | None:
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in SUBCOMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(_chosen(argv))
        args = parser.parse_args(argv)
        return int(args._run(args))
    except UsageError as exc:
        print(_one_line(str(exc)), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _one_line(message: str) -> str:
    return " ".join(message.split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
