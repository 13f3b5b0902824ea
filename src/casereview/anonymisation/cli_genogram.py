"""`casereview genogram`: draw the family's genogram as SVG from the key and the relations."""

from __future__ import annotations

import argparse
from pathlib import Path

from casereview.anonymisation.keyref import KeyReferenceError, read_key_csv
from casereview.core.usage import UsageError


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `casereview genogram`."""
    parser.add_argument("--key", required=True, metavar="KEY.csv", help="the key reference CSV")
    parser.add_argument(
        "--relations", required=True, metavar="REL.csv", help="person,relation,other"
    )
    parser.add_argument("-o", "--output", required=True, metavar="OUT.svg", help="the SVG file")


def run(args: argparse.Namespace) -> int:
    """Read the key and relations, write the SVG (labels only)."""
    # Imported here: every `casereview` command builds this parser, few draw genograms.
    from casereview.anonymisation.genogram import GenogramError, read_relations_csv, render_svg

    if Path(args.output).suffix.lower() != ".svg":
        raise UsageError(f"{args.output}: the output must be an .svg file")
    try:
        key = read_key_csv(args.key)
    except KeyReferenceError as exc:
        raise UsageError(f"{args.key}: {exc}") from exc
    try:
        relations = read_relations_csv(args.relations, key)
        svg = render_svg(key, relations, labels_only=True)
    except GenogramError as exc:
        raise UsageError(f"{args.relations}: {exc}") from exc
    try:
        Path(args.output).write_text(svg, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{args.output}: cannot write: {exc.strerror or exc}") from exc
    return 0
