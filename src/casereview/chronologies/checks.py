"""Check an agency's chronology against the pro forma's rules, one problem per cell.

The rules are the pro forma's own (004 appendix, DOMAIN.md 2.7): one complete date per row, no
periods, no time of day, no ditto marks, enough detail to judge what happened. The codes, severities
and triggers are those of ../shared/CONTRACTS.md; each message names the row and the column in the
author's words and says how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from casereview.chronologies import dates
from casereview.chronologies.dates import format_date, is_ditto
from casereview.chronologies.proforma import COLUMNS, HEADINGS, TEXT_COLUMNS, Chronology, Row

ERROR, WARNING, INFO = "error", "warning", "info"

SEVERITY = {
    dates.MISSING: ERROR,
    dates.DITTO: ERROR,
    dates.PARTIAL: ERROR,
    dates.RANGE: ERROR,
    dates.HAS_TIME: ERROR,
    dates.INVALID: ERROR,
    "merged-cell": WARNING,
    "too-brief": WARNING,
    dates.TWO_DIGIT_YEAR: WARNING,
    "date-future": WARNING,
    "outside-period": WARNING,
    "duplicate": WARNING,
    "date-estimated": INFO,
}
CODES = tuple(SEVERITY)

_LONGEST_DITTO = 16  # "same as above." with room to spare; longer text is never a ditto
MIN_WORDS = 5  # "Meeting with X" alone does not let the panel judge what happened (pro forma)

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_ESTIMATED = re.compile(
    r"exact\s+date\s+(?:is\s+)?(?:not\s+known|unknown)|date\s+(?:is\s+)?approximate"
    r"|approximate\s+date|\bapprox\b\.?|estimated\s+date|date\s+(?:is\s+)?estimated",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about a chronology: its row, its column key (None for the whole row), code,
    severity and a message in plain words that says how to fix it."""

    row: int
    column: str | None
    code: str
    severity: str
    message: str


def check_chronology(
    chron: Chronology, today: date, period: tuple[date, date] | None = None
) -> list[Problem]:
    """Every problem in an agency's chronology, in row order (cells left to right, then the row)."""
    problems: list[Problem] = []
    seen: dict[tuple[object, ...], int] = {}
    for row in chron.rows:
        problems.extend(check_row(row, today, period))
        key = _duplicate_key(row)
        earlier = seen.setdefault(key, row.number)
        if earlier != row.number:
            problems.append(_problem(row, None, "duplicate", _duplicate_message(earlier)))
    return problems


def check_row(row: Row, today: date, period: tuple[date, date] | None = None) -> list[Problem]:
    """The problems of one row on its own (duplicates need the rows before it)."""
    problems: list[Problem] = []
    date_problem = _date_problem(row, today, period)
    if date_problem:
        problems.append(date_problem)
    cells = row.cells
    dittos: set[str] = set()
    for key in COLUMNS[1:]:
        text = cells.get(key, "")
        if text and len(text) <= _LONGEST_DITTO and is_ditto(text):
            dittos.add(key)
            problems.append(_problem(row, key, dates.DITTO, _ditto_message(text)))
        elif row.merged and key in row.merged:
            problems.append(_problem(row, key, "merged-cell", _merged_message(row.merged[key])))
    narrative = " ".join([cells.get(key, "") for key in TEXT_COLUMNS if key not in dittos])
    # Ten pieces between spaces hold five words in any real text: count exactly only below that.
    if len(narrative.split(None, 2 * MIN_WORDS)) <= 2 * MIN_WORDS:
        words = _WORD.findall(narrative)
        if len(words) < MIN_WORDS:
            problems.append(_problem(row, None, "too-brief", _brief_message(words)))
    if row.date.estimated or _says_estimated(row):
        problems.append(_problem(row, None, "date-estimated", _ESTIMATED_MESSAGE))
    return problems


def severity_counts(problems: Iterable[Problem]) -> dict[str, int]:
    """How many errors, warnings and infos there are."""
    counts = {ERROR: 0, WARNING: 0, INFO: 0}
    for problem in problems:
        counts[problem.severity] += 1
    return counts


def _problem(row: Row, column: str | None, code: str, detail: str) -> Problem:
    """A Problem whose message starts with where it is: "Row 4, DATE: ..." or "Row 4: ..."."""
    where = f"Row {row.number}, {HEADINGS[column]}" if column else f"Row {row.number}"
    return Problem(row.number, column, code, SEVERITY[code], f"{where}: {detail}")


def _date_problem(row: Row, today: date, period: tuple[date, date] | None) -> Problem | None:
    """The one problem of the DATE cell, the strongest first: errors, then warnings."""
    parsed = row.date
    written = row.date_text
    if parsed.code and SEVERITY[parsed.code] == ERROR:
        return _problem(row, "date", parsed.code, _date_error_message(parsed, written))
    if "date" in row.merged:
        return _problem(row, "date", "merged-cell", _merged_message(row.merged["date"]))
    value = parsed.value
    if value is not None and value > today:
        detail = (
            f"{format_date(value)} is after today ({format_date(today)}). Check the date: a"
            " chronology records what the agency knew or did, which cannot be in the future."
        )
        return _problem(row, "date", "date-future", detail)
    if value is not None and period and not period[0] <= value <= period[1]:
        detail = (
            f"{format_date(value)} is outside the period under review ({format_date(period[0])}"
            f" to {format_date(period[1])}). Check the date, and keep the row only if the terms"
            " of reference ask for it."
        )
        return _problem(row, "date", "outside-period", detail)
    if parsed.code == dates.TWO_DIGIT_YEAR and value is not None:
        detail = (
            f'"{written}" has a two-digit year and is read as {format_date(value)}. Write the year'
            " in full (day, month and four-digit year)."
        )
        return _problem(row, "date", dates.TWO_DIGIT_YEAR, detail)
    return None


_ESTIMATE_ADVICE = (
    ' If the exact date is not known, give your best estimate and write "exact date not known"'
    " in the text."
)


def _date_error_message(parsed: dates.ParsedDate, written: str) -> str:
    """Plain words for a DATE cell that is not one complete date."""
    code = parsed.code
    if code == dates.MISSING:
        return (
            "the date is empty. Give the date the agency knew or acted (day, month and year)."
            + _ESTIMATE_ADVICE
        )
    if code == dates.DITTO:
        return (
            f"the cell holds only a ditto mark ({written}). Write the date in full: rows are"
            " separated when the agencies' chronologies are merged."
        )
    if code == dates.PARTIAL:
        return (
            f'"{written}" is not a complete date. Give the day, month and year.' + _ESTIMATE_ADVICE
        )
    if code == dates.RANGE:
        return (
            f'"{written}" is a period. Give each contact its own row with one date (day, month'
            " and year); for a period, use its start or end date and describe the period in"
            " the text."
        )
    if code == dates.HAS_TIME:
        if parsed.hidden_time is not None and parsed.value is not None:
            return (
                f"the spreadsheet date {format_date(parsed.value)} also holds a time of day"
                f" ({parsed.hidden_time.strftime('%H:%M')}) that its format hides. Enter the date"
                " alone and write the time in the text."
            )
        return (
            f'"{written}" includes a time of day. Put only the date in DATE and write the time'
            " in the text."
        )
    reason = f" ({parsed.note})" if parsed.note else ""
    return (
        f'"{written}" is not a date that can be read{reason}. Give one real date as day, month'
        " and year, for example 12/03/2024." + _ESTIMATE_ADVICE
    )


def _ditto_message(text: str) -> str:
    return (
        f"the cell holds only a ditto mark ({text.strip()}). Write the text out in full: rows are"
        " separated when the agencies' chronologies are merged."
    )


def _merged_message(span: tuple[int, int]) -> str:
    return (
        f"this cell is merged across rows {span[0]} to {span[1]}. Each of those rows has been"
        " given its text; unmerge the cells and write each row's text in full."
    )


def _brief_message(words: list[str]) -> str:
    if not words:
        said = "has no text of its own"
    else:
        said = f'says only "{" ".join(words)}" ({len(words)} word{"s" if len(words) != 1 else ""})'
    return (
        f"the row {said}. Give enough detail for a reader to judge what happened: who was"
        " involved, what was discussed or seen, and what was decided or done."
    )


def _duplicate_message(earlier: int) -> str:
    return (
        f"this row has the same date and text as row {earlier}. Remove one of them if the same"
        " contact is recorded twice."
    )


_ESTIMATED_MESSAGE = (
    "the row says the exact date is not known, so its date is treated as an estimate."
    " No change is needed if that is right."
)


def _says_estimated(row: Row) -> bool:
    """Whether any cell of the row says the date is approximate."""
    text = (
        "\n".join([*row.cells.values(), *row.extra.values()])
        if row.extra
        else "\n".join(row.cells.values())
    )
    lowered = text.lower()
    # Substring tests first: the regex is only worth running on the few rows that might match.
    if (
        "approx" in lowered
        or "not known" in lowered
        or "unknown" in lowered
        or "estimat" in lowered
    ):
        return _ESTIMATED.search(text) is not None
    return False


def _duplicate_key(row: Row) -> tuple[object, ...]:
    """Same date and same text: the date read (or as written), and every other cell."""
    when: object = row.date.value or row.date_text.casefold()
    texts = "\x00".join([text for key, text in row.cells.items() if key != "date"]).casefold()
    if row.extra:
        # A chronology's rows hold their extra columns in the same (column) order: no sort.
        return (when, texts, tuple(row.extra.items()))
    return (when, texts)
