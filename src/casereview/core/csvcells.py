"""The formula-injection rule for CSV cells (SECURITY.md EX-1), one for every export and
import: a leading ``'`` before a cell starting with ``= + - @``, tab, CR or NUL. Pure."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def needs_quote(text: str) -> bool:
    """Whether a CSV cell must get a leading ``'`` so a spreadsheet shows it as text.

    A cell that already starts with ``'`` before a formula character is quoted again, so that
    unquoting gives back exactly what was written.
    """
    stripped = text.lstrip("'")
    return stripped.startswith(FORMULA_STARTS)


def sanitise_csv_cell(text: str) -> str:
    """The cell as it goes into a CSV: ``'`` first when it could start a formula."""
    return "'" + text if needs_quote(text) else text


def unquote_csv_cell(text: str) -> str:
    """Undo sanitise_csv_cell: the round trip gives back the source text."""
    if text.startswith("'") and needs_quote(text[1:]):
        return text[1:]
    return text
