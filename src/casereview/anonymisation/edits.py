"""Edits to a text: a span, what replaces it, and why (a key name or a kind of redaction)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NAME = "name"
REDACTION = "redaction"


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] by ``replacement``; ``source`` is the key name or redaction kind.

    ``label`` is the label or token without a possessive ending, for counting.
    """

    start: int
    end: int
    replacement: str
    kind: str
    source: str
    label: str = ""


def without_overlaps(first: Sequence[Edit], then: Iterable[Edit]) -> list[Edit]:
    """All of ``first``, plus the edits of ``then`` that overlap none of them, in text order."""
    spans = sorted((e.start, e.end) for e in first)
    kept = list(first)
    for edit in then:
        if not any(s < edit.end and edit.start < e for s, e in spans):
            kept.append(edit)
    return sorted(kept, key=lambda e: e.start)


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """The text with the (non-overlapping, ordered) edits made."""
    parts: list[str] = []
    position = 0
    for edit in edits:
        parts.append(text[position : edit.start])
        parts.append(edit.replacement)
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)
