"""Placeholder subcommand: replaced by its implementation."""

from casereview.cli import UsageError


def configure(parser):
    parser.add_argument("rest", nargs="*")


def run(args):
    raise UsageError("this subcommand is not available yet")
