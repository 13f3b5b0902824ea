"""Read the DATE cell of a chronology row: one complete date, or say what is wrong with it.

The pro forma (004 appendix) asks for "single complete dates ... day, month and year", no
periods, no time of day and no ditto marks. ../shared/CONTRACTS.md turns that into problem codes;
this module decides which code a date cell earns and which date, if any, the merge can order it by.
Dates are read day first, always (UK practice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import NamedTuple

# Codes this module can give a date cell, strongest first (one problem per cell).
DITTO = "ditto"
MISSING = "date-missing"
PARTIAL = "date-partial"
RANGE = "date-range"
HAS_TIME = "date-has-time"
INVALID = "date-invalid"
TWO_DIGIT_YEAR = "date-two-digit-year"

_EARLIEST_YEAR = 1900
_LATEST_YEAR = 2099


class ParsedDate(NamedTuple):
    """What a date cell says: the date to order by (or None) and the problem code (or None).

    A NamedTuple rather than a frozen dataclass: one is made for every row, and this is four
    times cheaper to build.

    ``value`` is set for a good date, a two-digit year, a date with a time of day, and the first
    date of a range when that first date is complete. ``note`` is a short plain-words detail for
    the message ("June has 30 days"); ``estimated`` is True when the cell itself says the date is
    approximate ("c. 12/03/2024", "approx.").
    """

    value: date | None
    code: str | None = None
    note: str = ""
    estimated: bool = False
    hidden_time: time | None = None  # a spreadsheet date-time whose format hides the time


MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
MONTH_NAMES = (
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# Ditto marks and phrases (CONTRACTS): compared after straightening quotes and lower-casing.
_DITTO_FORMS = frozenset(
    {'"', '""', "''", "'", "do", "ditto", "as above", "same as above", "-do-", '-"-'}
)
_QUOTE_TABLE = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u3003": '"',  # 〃 the ditto mark itself
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00a0": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)


def straighten(text: str) -> str:
    """Curly quotes, ditto marks, dashes and no-break spaces to their plain forms (for matching)."""
    return text.translate(_QUOTE_TABLE)


_DITTO_FIRST = frozenset(
    "\"'\u201c\u201d\u201e\u201f\u2033\u3003\u2018\u2019\u201a\u201b\u2032-dDaAsS"
)


def is_ditto(text: str) -> bool:
    """True when a cell holds only a ditto mark or phrase ("as above", 〃, "do", ...)."""
    stripped = text.strip()
    if not stripped or len(stripped) > 16 or stripped[0] not in _DITTO_FIRST:
        return False
    return straighten(stripped).lower().rstrip(". ").strip() in _DITTO_FORMS


_FAST_DATE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*")

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(\d{4}|\d{2})(?!\d)"
_WEEKDAY = (
    r"(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)"
)

# One pass over the cell finds every date-like or time-like piece; what is left over decides
# between "one date", "a period" and "not a date". Order matters where two could start at the
# same place: the longer, more specific form first.
_TOKEN = re.compile(
    rf"""
    (?P<iso>(?<!\d)(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}})(?!\d))
  | (?P<isotime>(?<=\d)t\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?z?)
  | (?P<num>(?<![\d/.])(\d{{1,2}})[/.\-](\d{{1,2}})[/.\-]{_YEAR})
  | (?P<dayrange>(?<!\d)(\d{{1,2}}){_ORD}\s*(?:-|to|until|till|and)\s*\d{{1,2}}{_ORD}\s+
        (?:of\s+)?({_MONTH})\b\.?,?\s*{_YEAR})
  | (?P<dmy>(?<!\d)(\d{{1,2}}){_ORD}(?:\s+of)?(?:\s*[\-/.]\s*|\s*)({_MONTH})\b\.?
        (?:,?\s+|[\-/.])(\d{{4}}|\d{{2}})(?!\d))
  | (?P<mdy>({_MONTH})\b\.?\s+(\d{{1,2}}){_ORD},?\s+{_YEAR})
  | (?P<dm>(?<!\d)(\d{{1,2}}){_ORD}(?:\s+of)?[\s\-]*({_MONTH})\b\.?)
  | (?P<my>({_MONTH})\b\.?,?\s*(\d{{4}})(?!\d))
  | (?P<nmy>(?<![\d/.])(\d{{1,2}})[/.\-](\d{{4}})(?!\d))
  | (?P<ym>(?<!\d)(\d{{4}})-(\d{{1,2}})(?![\d\-]))
  | (?P<month>{_MONTH}\b\.?)
  | (?P<season>(?:spring|summer|autumn|winter|fall|christmas|easter|half[\s-]term)
        (?:\s+(?:term|holidays?))?\s*(\d{{4}})?(?!\d))
  | (?P<time>(?<![\d/.])\d{{1,2}}[:.]\d{{2}}(?:[:.]\d{{2}})?\s*(?:[ap]\.?m\.?|hrs?|h)?
        (?![\d/.]) | (?<!\d)\d{{1,2}}\s*[ap]\.?m\b\.? | (?<!\d)\d{{4}}\s*hrs?\b
        | \b(?:noon|midday|midnight|morning|afternoon|evening|night|am|pm)\b)
  | (?P<year>(?<!\d)(\d{{4}})(?!\d))
  | (?P<number>\d+)
  | (?P<estimate>\bexact\s+date\s+(?:is\s+)?(?:not\s+known|unknown)\b
        | \bdate\s+(?:is\s+)?approximate\b | \bapprox(?:imately|imate)?\b\.?
        | \bcirca\b | \bc\.(?=\s*\d) | \bc(?=\s+\d) | \babout\b | \baround\b
        | \best(?:imated?)?\b\.?
        | \(\s*(?:est|estimate|approx)\.?\s*\) | ~)
  | (?P<connector>\s-\s|-|\bto\b|\buntil\b|\btill\b|\bthrough\b|\band\b|&)
  | (?P<rangeword>\bfrom\b|\bbetween\b|\bsince\b|\bw/[cb]\b|\bweek\s+(?:commencing|beginning)\b
        | \bperiod\b)
  | (?P<vague>\b(?:early|mid|middle|late|end|beginning|start|of|the|half|term)\b)
  | (?P<filler>\b(?:at|on|@)\b|@|{_WEEKDAY}\b\.?)
  | (?P<word>[^\W\d_]+|[^\s\w,;:()\[\].])
    """,
    re.VERBOSE | re.IGNORECASE,
)


def parse_date_text(text: str) -> ParsedDate:
    """Decide what a written date cell says (see the module docstring)."""
    fast = _FAST_DATE.fullmatch(text)
    if fast:
        try:  # the common case, 12/03/2024, without the general parser
            return ParsedDate(date(int(fast[3]), int(fast[2]), int(fast[1])))
        except ValueError:
            return _full_date(int(fast[1]), int(fast[2]), int(fast[3]))
    stripped = text.strip()
    if not stripped:
        return ParsedDate(None, MISSING)
    if is_ditto(stripped):
        return ParsedDate(None, DITTO)
    return _classify(straighten(stripped).lower())


def parse_date_value(value: object) -> ParsedDate:
    """Decide what a spreadsheet cell's value says: a date, a date-time, a number or text."""
    if isinstance(value, datetime):
        if value.time().replace(microsecond=0) != time(0, 0):
            hidden = value.time().replace(microsecond=0)
            return ParsedDate(value.date(), HAS_TIME, hidden_time=hidden)
        return ParsedDate(value.date())
    if isinstance(value, date):
        return ParsedDate(value)
    if isinstance(value, time):
        return ParsedDate(None, INVALID, note="it is a time of day with no date")
    if value is None:
        return ParsedDate(None, MISSING)
    return parse_date_text(cell_text(value))


def cell_text(value: object) -> str:
    """A spreadsheet value as the author sees it, for text columns and for messages."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time().replace(microsecond=0) != time(0, 0):
            return value.strftime("%d/%m/%Y %H:%M")
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def today_in_uk() -> date:
    """Today's date in the UK, where the partnerships are (the default for "after today")."""
    from zoneinfo import ZoneInfo

    return datetime.now(tz=ZoneInfo("Europe/London")).date()


def format_date(value: date) -> str:
    """A date the way the pro forma writes it: 12/03/2024."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def _full_date(day: int, month: int, year: int, two_digit: bool = False) -> ParsedDate:
    """A complete day-month-year, checked against the calendar."""
    problem = _calendar_problem(day, month, year)
    if problem:
        return ParsedDate(None, INVALID, note=problem)
    code = TWO_DIGIT_YEAR if two_digit else None
    return ParsedDate(date(year, month, day), code)


def _calendar_problem(day: int, month: int, year: int) -> str:
    """Why day/month/year is not a real date, in plain words; empty when it is one."""
    if not 1 <= month <= 12:
        return f"there is no month {month} (dates are read day first: day/month/year)"
    if not _EARLIEST_YEAR <= year <= _LATEST_YEAR:
        return f"the year {year} cannot be right"
    try:
        date(year, month, day)
    except ValueError:
        last = _days_in_month(month, year)
        return f"{MONTH_NAMES[month]} {year} has {last} days"
    return ""


def _days_in_month(month: int, year: int) -> int:
    """How many days a month has."""
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def _year(text: str) -> tuple[int, bool]:
    """A written year as four digits, and whether it was written with two (1/2/24 is 2024)."""
    if len(text) == 2:
        number = int(text)
        # Chronologies can reach back to a parent's childhood, hence the 1970 pivot (as strptime).
        return (2000 + number if number < 70 else 1900 + number), True
    return int(text), False


@dataclass(slots=True)
class _Piece:
    kind: str
    value: ParsedDate | None = None
    complete: bool = False  # a whole day, month and year
    text: str = ""
    day: int = 0  # a day and month still waiting for a year ("1 June - 3 July 2024")
    month: int = 0


def _classify(text: str) -> ParsedDate:
    """Sort the pieces of a cell into one date, a period, a partial date or not a date."""
    pieces = [_piece(match) for match in _TOKEN.finditer(text)]
    estimated = any(p.kind == "estimate" for p in pieces)
    dates = [p for p in pieces if p.kind in _DATE_KINDS]
    words = [p.text for p in pieces if p.kind in ("word", "number")]
    times = [p for p in pieces if p.kind in ("time", "isotime") and not _is_midnight(p.text)]
    ranged = any(p.kind in ("connector", "rangeword") for p in pieces)

    if any(p.kind == "dayrange" for p in dates) or (len(dates) >= 2 and ranged):
        return ParsedDate(_first_date(dates), RANGE, estimated=estimated)
    if len(dates) == 1 and any(p.kind == "rangeword" for p in pieces) and dates[0].complete:
        return ParsedDate(_first_date(dates), RANGE, estimated=estimated)
    if words or len(dates) != 1:
        return _not_a_date(dates, words, estimated)
    only = dates[0]
    if only.complete:
        assert only.value is not None
        if only.value.code == INVALID:
            return ParsedDate(None, INVALID, note=only.value.note, estimated=estimated)
        if times:
            return ParsedDate(only.value.value, HAS_TIME, estimated=estimated)
        return ParsedDate(only.value.value, only.value.code, estimated=estimated)
    if only.kind in ("my", "nmy", "ym", "year") or (only.kind == "season" and only.value):
        return ParsedDate(None, PARTIAL, estimated=estimated)
    return ParsedDate(None, INVALID, note="it has no year", estimated=estimated)


_DATE_KINDS = frozenset({"full", "dayrange", "dm", "my", "nmy", "ym", "month", "season", "year"})


def _not_a_date(dates: list[_Piece], words: list[str], estimated: bool) -> ParsedDate:
    """The cell holds words besides a date, several dates without a range, or no date at all."""
    if not dates:
        return ParsedDate(None, INVALID, estimated=estimated)
    if words:
        note = f"it has other words in it ({' '.join(words)})"
        return ParsedDate(None, INVALID, note=note, estimated=estimated)
    return ParsedDate(None, INVALID, note="it holds more than one date", estimated=estimated)


def _first_date(dates: list[_Piece]) -> date | None:
    """The first complete date of a period, taking the year from a later date (1 - 15 June 2024)."""
    first = dates[0]
    if first.complete and first.value is not None:
        return first.value.value
    if first.kind == "dm":
        day, month = first.day, first.month
        for later in dates[1:]:
            if later.complete and later.value is not None and later.value.value is not None:
                year = later.value.value.year
                if not _calendar_problem(day, month, year):
                    return date(year, month, day)
    return None


def _piece(match: re.Match[str]) -> _Piece:
    """Turn one regex match into a typed piece of the cell."""
    kind = match.lastgroup or "word"
    groups = match.groups()
    start = _GROUP_INDEX[kind]
    parts = groups[start : start + _GROUP_WIDTH[kind]]
    text = match.group(0)
    if kind == "iso":
        return _complete(int(parts[3]), int(parts[2]), parts[1], text)
    if kind == "num":
        return _complete(int(parts[1]), int(parts[2]), parts[3], text)
    if kind == "dmy":
        return _complete(int(parts[1]), MONTHS[_month_key(parts[2])], parts[3], text)
    if kind == "mdy":
        return _complete(int(parts[2]), MONTHS[_month_key(parts[1])], parts[3], text)
    if kind == "dayrange":
        return _complete(int(parts[1]), MONTHS[_month_key(parts[2])], parts[3], text, "dayrange")
    if kind == "dm":
        return _Piece(kind, text=text, day=int(parts[1]), month=MONTHS[_month_key(parts[2])])
    if kind == "season":
        return _Piece(kind, ParsedDate(None) if parts[1] else None, text=text)
    return _Piece(kind, text=text)


def _complete(day: int, month: int, year_text: str, text: str, kind: str = "full") -> _Piece:
    """A piece holding a whole day, month and year."""
    year, two_digit = _year(year_text)
    return _Piece(kind, _full_date(day, month, year, two_digit), complete=True, text=text)


def _month_key(text: str) -> str:
    """A month name as written, reduced to the key of MONTHS."""
    key = text.lower().rstrip(".")
    return key if key in MONTHS else key[:3]


def _is_midnight(text: str) -> bool:
    """00:00 next to a date is what a spreadsheet exports for a date with no time, not a time."""
    digits = re.sub(r"\D", "", text)
    return bool(digits) and set(digits) == {"0"} and ":" in text


def _group_layout() -> tuple[dict[str, int], dict[str, int]]:
    """Where each named alternative's groups start in match.groups(), and how many it has."""
    index: dict[str, int] = {}
    width: dict[str, int] = {}
    names = sorted(_TOKEN.groupindex.items(), key=lambda item: item[1])
    for position, (name, number) in enumerate(names):
        end = names[position + 1][1] if position + 1 < len(names) else _TOKEN.groups + 1
        index[name] = number - 1
        width[name] = end - number
    return index, width


_GROUP_INDEX, _GROUP_WIDTH = _group_layout()
