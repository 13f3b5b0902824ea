"""Timescales: working days, spans, due dates and deadline states (DOMAIN.md section 3).

Pure Python over dates and datetimes, shared by the web pages and ``casereview deadline``
(CONTRACTS.md "casereview deadline").

Datetimes: a naive datetime is wall-clock time in Europe/London (as the command reads its START);
an aware datetime is a real instant in its own zone, and results come back in that zone. Calendar
spans (days, weeks, months, working days) move the London calendar date and keep the London time
of day; hours are elapsed real hours, so 24 hours across a clock change ends at 11:00 or 13:00.
A naive time in the spring-forward gap (01:30 on the last Sunday of March) is read as PEP 495
does with ``fold=0``, i.e. as the Greenwich time (= 02:30 BST); ``wall_clock_exists`` lets a
caller refuse it instead. An ambiguous autumn time (01:30 on the last Sunday of October) is the
first one (BST) unless its ``fold`` is 1.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import overload
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")


class Nation(StrEnum):
    """A nation whose bank holidays a board follows (DOMAIN.md section 3)."""

    ENGLAND_AND_WALES = "england-and-wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern-ireland"


# England and Wales share one list (checked equal in holidays for 1980-2100).
_SUBDIVISIONS = {
    Nation.ENGLAND_AND_WALES: "ENG",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}


class Unit(StrEnum):
    """The unit of a span; the values are the plural words people write."""

    WORKING_DAYS = "working days"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    HOURS = "hours"

    @property
    def singular(self) -> str:
        """The unit's word for an amount of one."""
        return self.value[:-1]


@dataclass(frozen=True)
class Span:
    """An amount of a unit, such as 7 working days or 1 month.

    The amount is a whole number, zero or more: 0 is allowed and makes the due date the start
    itself (a same-day deadline; no roll-forward). Negative amounts are refused because a
    timescale runs forwards from its event.
    """

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"a span's amount must be a whole number, not {self.amount!r}")
        if self.amount < 0:
            raise ValueError(f"a span cannot be negative: {self.amount}")
        object.__setattr__(self, "unit", Unit(self.unit))

    def __str__(self) -> str:
        word = self.unit.singular if self.amount == 1 else self.unit.value
        return f"{self.amount} {word}"


_SPAN_RE = re.compile(
    r"(?P<sign>[-+]?)(?P<amount>[0-9]+)\s*(?P<unit>working\s+days?|days?|weeks?|months?|hours?)",
    re.IGNORECASE,
)
_SPAN_EXAMPLES = "'7 working days', '28 days', '2 weeks', '1 month' or '24 hours'"


def parse_span(text: str) -> Span:
    """Read a span such as "7 working days", "1 month" or "24 hours".

    Case and extra spaces do not matter, and singular and plural are both accepted
    ("1 working day", "2 week"). The amount is a whole number of 0 or more (see Span); anything
    else raises ValueError with a message fit to show a person.
    """
    match = _SPAN_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(
            f"unrecognised span {text.strip()!r}: give a whole number and a unit, "
            f"such as {_SPAN_EXAMPLES}"
        )
    if match["sign"] == "-":
        raise ValueError(f"a span cannot be negative: {text.strip()!r}")
    unit_word = " ".join(match["unit"].lower().split())
    unit = Unit(unit_word if unit_word.endswith("s") else unit_word + "s")
    return Span(int(match["amount"]), unit)


def describe(span: Span, event: str) -> str:
    """Say a timescale in words for a page, e.g. "within 7 working days of the decision"."""
    return f"within {span} of {event}"


# Bank holidays and working days


@functools.cache
def _holidays(year: int, nation: Nation) -> Mapping[date, str]:
    first, last = holidays.UK.start_year, holidays.UK.end_year
    if not first <= year <= last:
        # The library knows no holidays outside its range: refuse rather than count them all
        # as working days.
        raise ValueError(f"bank holidays are known only for the years {first} to {last}")
    calendar_ = holidays.UK(subdiv=_SUBDIVISIONS[nation], years=year)
    # A holiday on a weekend is replaced by its substitute day, so keep weekdays only, as
    # GOV.UK's list does.
    return MappingProxyType(
        {
            day: name.replace("(observed)", "(substitute day)")
            for day, name in sorted(calendar_.items())
            if day.weekday() < 5
        }
    )


def bank_holidays(year: int, nation: Nation = Nation.ENGLAND_AND_WALES) -> dict[date, str]:
    """The nation's bank holidays in a year, with substitute days, as {date: name} in date order.

    Only weekdays are listed: a holiday falling on a weekend appears as its substitute day, as on
    GOV.UK. The lookup is cached; each call returns a fresh dict. Years outside the holidays
    library's range (1872-2100) raise ValueError.
    """
    return dict(_holidays(year, Nation(nation)))


def is_working_day(
    d: date,
    nation: Nation = Nation.ENGLAND_AND_WALES,
    extra_holidays: frozenset[date] = frozenset(),
) -> bool:
    """Whether a day is a working day: not a weekend, a bank holiday or an extra holiday."""
    day = _local_date(d)
    if day.weekday() >= 5 or day in extra_holidays:
        return False
    return day not in _holidays(day.year, Nation(nation))


def non_working_day(
    d: date,
    nation: Nation = Nation.ENGLAND_AND_WALES,
    extra_holidays: frozenset[date] = frozenset(),
) -> str | None:
    """What a day is when it is not a working day ("a Saturday", "Christmas Day"), else None.

    A span of working days never ends on one; a span of calendar days, weeks or months can,
    and there is no roll-forward, so a page says so beside the date.
    """
    day = _local_date(d)
    if day.weekday() >= 5:
        return "a Saturday" if day.weekday() == 5 else "a Sunday"
    name = _holidays(day.year, Nation(nation)).get(day)
    if name is not None:
        return f"{name}, a bank holiday"
    if day in extra_holidays:
        return "a holiday"
    return None


def add_working_days(
    d: date,
    n: int,
    nation: Nation = Nation.ENGLAND_AND_WALES,
    extra_holidays: frozenset[date] = frozenset(),
) -> date:
    """The n-th working day after d (DOMAIN.md section 3: counting starts the day after).

    n = 0 gives d itself, even on a weekend (no roll-forward); a negative n counts backwards
    from the working day before d.
    """
    day = _local_date(d)
    step = timedelta(days=1 if n >= 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day, nation, extra_holidays):
            remaining -= 1
    return day


def working_days_between(
    a: date,
    b: date,
    nation: Nation = Nation.ENGLAND_AND_WALES,
    extra_holidays: frozenset[date] = frozenset(),
) -> int:
    """The number of working days after a, up to and including b.

    So add_working_days(a, working_days_between(a, b)) == b when b is a working day. When b is
    before a the count is negative: minus the working days after b up to and including a.
    """
    start, end = _local_date(a), _local_date(b)
    if end < start:
        return -working_days_between(end, start, nation, extra_holidays)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day, nation, extra_holidays)
    return count


# Due dates


@overload
def due(
    start: datetime,
    span: Span,
    nation: Nation = ...,
    extra_holidays: frozenset[date] = ...,
) -> datetime: ...
@overload
def due(
    start: date,
    span: Span,
    nation: Nation = ...,
    extra_holidays: frozenset[date] = ...,
) -> date | datetime: ...
def due(
    start: date | datetime,
    span: Span,
    nation: Nation = Nation.ENGLAND_AND_WALES,
    extra_holidays: frozenset[date] = frozenset(),
) -> date | datetime:
    """When a span from start falls due (CONTRACTS.md "casereview deadline").

    - working days: the span's n-th working day after the start day;
    - days and weeks: calendar days;
    - months: calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb);
    - hours: elapsed real hours, across weekends and clock changes.
    There is no roll-forward: a span ending on a weekend or holiday ends there.

    A date start gives a date, except with hours, which start at 00:00 and give a datetime. A
    datetime start gives a datetime with the same London time of day (except with hours), naive or
    aware like the start (see the module docstring). Raises ValueError when the result falls
    outside the calendar.
    """
    try:
        if span.unit is Unit.HOURS:
            return _add_hours(start, span.amount)
        if not isinstance(start, datetime):
            return _add_to_date(start, span, nation, extra_holidays)
        local = _to_london(start)
        day = _add_to_date(local.date(), span, nation, extra_holidays)
        moved = datetime.combine(day, local.timetz())
        return _from_london(moved, like=start)
    except OverflowError as exc:
        raise ValueError(f"{span} after {start.isoformat()} is beyond the calendar") from exc


def _add_to_date(start: date, span: Span, nation: Nation, extra_holidays: frozenset[date]) -> date:
    if span.unit is Unit.WORKING_DAYS:
        return add_working_days(start, span.amount, nation, extra_holidays)
    if span.unit is Unit.DAYS:
        return start + timedelta(days=span.amount)
    if span.unit is Unit.WEEKS:
        return start + timedelta(weeks=span.amount)
    if span.unit is Unit.MONTHS:
        return _add_months(start, span.amount)
    raise ValueError(f"{span.unit} is not a calendar unit")


def _add_months(start: date, months: int) -> date:
    year, month0 = divmod(start.month - 1 + months, 12)
    year += start.year
    if year > date.max.year:
        raise OverflowError("year out of range")
    last_day = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(start.day, last_day))


def _add_hours(start: date | datetime, hours: int) -> datetime:
    if not isinstance(start, datetime):
        # CONTRACTS.md: a date START with hours starts at 00:00 (London wall clock).
        start = datetime.combine(start, time(0, 0))
    # Elapsed hours: add in UTC so a clock change does not shift the result.
    instant = _to_london(start).astimezone(UTC) + timedelta(hours=hours)
    return _from_london(instant, like=start)


# Deadline states


class DeadlineState(StrEnum):
    """How a deadline stands, as every deadline is shown (DOMAIN.md section 3)."""

    DUE = "due"
    DUE_SOON = "due soon"
    OVERDUE = "overdue"
    MET = "met"
    # Never worked out from dates: the case moved on and nothing is owed any more (an agency's
    # answer once the sub group has recommended). deadline_state does not return it.
    NOT_NEEDED = "not needed"


def deadline_state(
    due_at: date | datetime,
    now: datetime | date,
    met_at: date | datetime | None = None,
    soon_working_days: int = 5,
    nation: Nation = Nation.ENGLAND_AND_WALES,
    extra_holidays: frozenset[date] = frozenset(),
) -> DeadlineState:
    """Whether a deadline is met, overdue, due soon or due, seen at now.

    Met whenever met_at is given, late or not (see met_late). Overdue once now is past the due
    time; a date deadline runs to the end of its day. Due soon when the due day is at most
    soon_working_days working days after today (the profile setting, default 5; a deadline due
    today, or on the weekend ahead, is due soon). Otherwise due.
    """
    if soon_working_days < 0:
        raise ValueError("soon_working_days cannot be negative")
    if met_at is not None:
        return DeadlineState.MET
    if _is_past(due_at, now):
        return DeadlineState.OVERDUE
    ahead = working_days_between(_local_date(now), _local_date(due_at), nation, extra_holidays)
    return DeadlineState.DUE_SOON if ahead <= soon_working_days else DeadlineState.DUE


def met_late(due_at: date | datetime, met_at: date | datetime) -> bool:
    """Whether a deadline was met after it fell due (a date deadline runs to the end of its day)."""
    return _is_past(due_at, met_at)


def _is_past(due_at: date | datetime, moment: date | datetime) -> bool:
    if isinstance(due_at, datetime) and isinstance(moment, datetime):
        # In UTC: datetimes sharing a zone compare by wall clock, blind to the repeated hour.
        return _to_london(moment).astimezone(UTC) > _to_london(due_at).astimezone(UTC)
    # A date on either side: compare London calendar days. A bare date moment has no time, so it
    # is past a datetime deadline only on a later day.
    return _local_date(moment) > _local_date(due_at)


# Meetings


def next_meeting(
    first_meeting: date,
    cadence_days: int,
    after: datetime,
    min_notice_hours: int = 48,
    meeting_time: time = time(9, 30),
) -> date:
    """The first meeting at least min_notice_hours after `after`, for information sent then.

    Meetings fall every cadence_days from first_meeting at meeting_time (London). DOMAIN.md 2.1
    (003 §1.1): if the next meeting is less than 48 hours away, agency information goes to the
    following one; exactly 48 hours is enough. Notice is counted in elapsed hours.
    """
    if cadence_days <= 0:
        raise ValueError("meetings need a cadence of at least 1 day")
    if min_notice_hours < 0:
        raise ValueError("the notice cannot be negative")
    # In UTC: adding hours to a London datetime would add wall-clock hours.
    earliest = _to_london(after).astimezone(UTC) + timedelta(hours=min_notice_hours)
    # Start at a meeting no later than the earliest day; at most a step or two follow.
    k = max(0, (earliest.date() - first_meeting).days // cadence_days)
    while True:
        meeting = first_meeting + timedelta(days=k * cadence_days)
        if datetime.combine(meeting, meeting_time, tzinfo=LONDON) >= earliest:
            return meeting
        k += 1


# London wall clock


def wall_clock_exists(moment: datetime) -> bool:
    """Whether a naive Europe/London wall-clock time really happens (not in the spring gap)."""
    if moment.tzinfo is not None:
        return True
    there_and_back = moment.replace(tzinfo=LONDON).astimezone(UTC).astimezone(LONDON)
    return there_and_back.replace(tzinfo=None) == moment


def _to_london(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=LONDON)
    return moment.astimezone(LONDON)


def _from_london(moment: datetime, like: datetime) -> datetime:
    """The instant moment, naive London wall clock or in like's zone, as like is."""
    # Through UTC: astimezone() to a datetime's own zone would leave a spring-gap time as it is.
    instant = moment.astimezone(UTC)
    if like.tzinfo is None:
        return instant.astimezone(LONDON).replace(tzinfo=None)
    return instant.astimezone(like.tzinfo)


def _local_date(day: date | datetime) -> date:
    if isinstance(day, datetime):
        return _to_london(day).date()
    return day
