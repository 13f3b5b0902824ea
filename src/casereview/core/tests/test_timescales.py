"""Tables for casereview.core.timescales: no database, no Django.

Expected bank holidays are GOV.UK's published lists (england-and-wales, scotland,
northern-ireland), checked by hand.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from casereview.core.timescales import (
    DeadlineState,
    Nation,
    Span,
    Unit,
    add_working_days,
    bank_holidays,
    deadline_state,
    describe,
    due,
    is_working_day,
    met_late,
    next_meeting,
    parse_span,
    wall_clock_exists,
    working_days_between,
)

EW, SCT, NI = Nation.ENGLAND_AND_WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND
LONDON = ZoneInfo("Europe/London")
D = date.fromisoformat


def T(text: str) -> datetime:
    """A naive London wall-clock datetime."""
    return datetime.fromisoformat(text)


# Spans


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("7 working days", Span(7, Unit.WORKING_DAYS)),
        ("1 working day", Span(1, Unit.WORKING_DAYS)),
        ("28 days", Span(28, Unit.DAYS)),
        ("1 day", Span(1, Unit.DAYS)),
        ("2 weeks", Span(2, Unit.WEEKS)),
        ("1 week", Span(1, Unit.WEEKS)),
        ("1 month", Span(1, Unit.MONTHS)),
        ("6 months", Span(6, Unit.MONTHS)),
        ("24 hours", Span(24, Unit.HOURS)),
        ("1 hour", Span(1, Unit.HOURS)),
        ("  7   Working   DAYS ", Span(7, Unit.WORKING_DAYS)),
        ("24hours", Span(24, Unit.HOURS)),
        ("2 week", Span(2, Unit.WEEKS)),
        ("0 days", Span(0, Unit.DAYS)),
        ("+3 days", Span(3, Unit.DAYS)),
    ],
)
def test_parse_span_reads_the_words_people_write(text, span):
    assert parse_span(text) == span


@pytest.mark.parametrize(
    "text",
    [
        "",
        "days",
        "7",
        "seven days",
        "7 fortnights",
        "7 business days",
        "1.5 days",
        "-1 days",
        "7 days 2 hours",
        "7 working",
        "\uff17 days",  # a full-width digit seven
    ],
)
def test_parse_span_refuses_anything_else_with_a_message(text):
    with pytest.raises(ValueError, match="span"):
        parse_span(text)


def test_a_span_cannot_be_negative():
    with pytest.raises(ValueError, match="negative"):
        Span(-1, Unit.DAYS)


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (Span(7, Unit.WORKING_DAYS), "7 working days"),
        (Span(1, Unit.WORKING_DAYS), "1 working day"),
        (Span(1, Unit.MONTHS), "1 month"),
        (Span(0, Unit.DAYS), "0 days"),
        (Span(24, Unit.HOURS), "24 hours"),
        (Span(1, Unit.WEEKS), "1 week"),
    ],
)
def test_span_reads_back_as_words(span, text):
    assert str(span) == text
    assert parse_span(str(span)) == span


def test_describe_names_the_event_counted_from():
    assert describe(parse_span("7 working days"), "the decision") == (
        "within 7 working days of the decision"
    )
    assert describe(parse_span("1 month"), "referral") == "within 1 month of referral"


# Bank holidays


@pytest.mark.parametrize(
    ("nation", "day", "name"),
    [
        # Easter Monday is a bank holiday in England, Wales and NI, not in Scotland.
        (EW, "2024-04-01", "Easter Monday"),
        (NI, "2024-04-01", "Easter Monday"),
        (SCT, "2024-04-01", None),
        # Scotland: 2 January; its own summer holiday; St Andrew's Day and its substitutes.
        (SCT, "2024-01-02", "New Year Holiday"),
        (EW, "2024-01-02", None),
        (SCT, "2024-08-05", "Summer Bank Holiday"),
        (SCT, "2024-08-26", None),
        (EW, "2024-08-26", "Late Summer Bank Holiday"),
        (SCT, "2023-11-30", "Saint Andrew's Day"),
        (SCT, "2024-12-02", "Saint Andrew's Day (substitute day)"),
        (SCT, "2025-12-01", "Saint Andrew's Day (substitute day)"),
        (EW, "2025-12-01", None),
        (SCT, "2022-01-03", "New Year's Day (substitute day)"),
        (SCT, "2022-01-04", "New Year Holiday (substitute day)"),
        (SCT, "2021-01-04", "New Year Holiday (substitute day)"),
        (EW, "2021-01-04", None),
        # Northern Ireland: St Patrick's Day and the Twelfth, with substitutes.
        (NI, "2025-03-17", "Saint Patrick's Day"),
        (NI, "2024-03-18", "Saint Patrick's Day (substitute day)"),
        (EW, "2024-03-18", None),
        (NI, "2024-07-12", "Battle of the Boyne"),
        (NI, "2025-07-14", "Battle of the Boyne (substitute day)"),
        (NI, "2020-07-13", "Battle of the Boyne (substitute day)"),
        (EW, "2024-07-12", None),
        # Christmas on a weekend: substitute days.
        (EW, "2021-12-27", "Christmas Day (substitute day)"),
        (EW, "2021-12-28", "Boxing Day (substitute day)"),
        (EW, "2022-12-26", "Boxing Day"),
        (EW, "2022-12-27", "Christmas Day (substitute day)"),
        (SCT, "2022-12-27", "Christmas Day (substitute day)"),
        (EW, "2020-12-28", "Boxing Day (substitute day)"),
        (EW, "2022-01-03", "New Year's Day (substitute day)"),
        # One-off days: moved May Day 2020, the jubilees, the Queen's funeral, the coronation.
        (EW, "2020-05-08", "May Day"),
        (EW, "2020-05-04", None),
        (EW, "2022-06-02", "Spring Bank Holiday"),
        (EW, "2022-06-03", "Platinum Jubilee of Elizabeth II"),
        (EW, "2022-05-30", None),
        (EW, "2012-06-05", "Diamond Jubilee of Elizabeth II"),
        (EW, "2022-09-19", "State Funeral of Queen Elizabeth II"),
        (SCT, "2022-09-19", "State Funeral of Queen Elizabeth II"),
        (NI, "2022-09-19", "State Funeral of Queen Elizabeth II"),
        (EW, "2023-05-08", "Coronation of Charles III"),
        (SCT, "2023-05-08", "Coronation of Charles III"),
        (NI, "2023-05-08", "Coronation of Charles III"),
    ],
)
def test_bank_holidays_of_each_nation_match_gov_uk(nation, day, name):
    assert bank_holidays(D(day).year, nation).get(D(day)) == name
    assert is_working_day(D(day), nation) is (name is None)


@pytest.mark.parametrize(
    ("nation", "year", "days"),
    [
        (
            EW,
            2024,
            ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
        ),
        (
            SCT,
            2024,
            ["01-01", "01-02", "03-29", "05-06", "05-27", "08-05", "12-02", "12-25", "12-26"],
        ),
        (
            NI,
            2024,
            [
                "01-01",
                "03-18",
                "03-29",
                "04-01",
                "05-06",
                "05-27",
                "07-12",
                "08-26",
                "12-25",
                "12-26",
            ],
        ),
        (
            EW,
            2022,
            [
                "01-03",
                "04-15",
                "04-18",
                "05-02",
                "06-02",
                "06-03",
                "08-29",
                "09-19",
                "12-26",
                "12-27",
            ],
        ),
    ],
)
def test_a_whole_year_matches_gov_uk_in_date_order(nation, year, days):
    assert list(bank_holidays(year, nation)) == [D(f"{year}-{day}") for day in days]


def test_weekend_holidays_are_listed_as_their_substitute_days_only():
    assert D("2022-12-25") not in bank_holidays(2022, EW)
    assert not is_working_day(D("2022-12-25"), EW)


def test_bank_holidays_returns_a_fresh_dict_each_time():
    bank_holidays(2024).clear()
    assert D("2024-12-25") in bank_holidays(2024)


def test_bank_holidays_outside_the_librarys_years_are_refused():
    with pytest.raises(ValueError, match="2100"):
        bank_holidays(2101)


def test_a_nation_can_be_given_as_its_plain_value():
    assert bank_holidays(2024, "scotland") == bank_holidays(2024, SCT)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2024-11-22", True),  # Friday
        ("2024-11-23", False),  # Saturday
        ("2024-11-24", False),  # Sunday
        ("2024-11-25", True),  # Monday
    ],
)
def test_weekends_are_not_working_days(day, expected):
    assert is_working_day(D(day)) is expected


def test_extra_holidays_are_not_working_days():
    closure = frozenset({D("2024-11-25")})
    assert not is_working_day(D("2024-11-25"), EW, closure)
    assert add_working_days(D("2024-11-22"), 1, EW, closure) == D("2024-11-26")


# Working days


@pytest.mark.parametrize(
    ("nation", "start", "n", "expected"),
    [
        (EW, "2024-11-18", 0, "2024-11-18"),
        (EW, "2024-11-23", 0, "2024-11-23"),  # n = 0 is the start, even on a Saturday
        (EW, "2024-11-18", 1, "2024-11-19"),
        (EW, "2024-11-22", 1, "2024-11-25"),  # Friday + 1 = Monday
        (EW, "2024-11-23", 1, "2024-11-25"),  # from a Saturday, day 1 is Monday
        (EW, "2024-11-18", 5, "2024-11-25"),
        (EW, "2024-11-18", 7, "2024-11-27"),
        # Christmas: 25, 26 Dec and 1 Jan skipped; Scotland also 2 Jan.
        (EW, "2024-12-20", 5, "2024-12-31"),
        (EW, "2024-12-20", 7, "2025-01-03"),
        (SCT, "2024-12-20", 7, "2025-01-06"),
        (EW, "2021-12-24", 1, "2021-12-29"),
        (SCT, "2021-12-31", 1, "2022-01-05"),
        # Easter: England skips Good Friday and Easter Monday, Scotland Good Friday only.
        (EW, "2024-03-28", 1, "2024-04-02"),
        (SCT, "2024-03-28", 1, "2024-04-01"),
        (NI, "2024-03-15", 1, "2024-03-19"),  # St Patrick's substitute
        (EW, "2024-03-15", 1, "2024-03-18"),
        # Counting backwards.
        (EW, "2024-11-25", -1, "2024-11-22"),
        (EW, "2025-01-02", -2, "2024-12-30"),
        (EW, "2024-12-27", -1, "2024-12-24"),
    ],
)
def test_add_working_days(nation, start, n, expected):
    assert add_working_days(D(start), n, nation) == D(expected)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("2024-11-18", "2024-11-18", 0),
        ("2024-11-18", "2024-11-19", 1),
        ("2024-11-22", "2024-11-24", 0),  # Friday to Sunday
        ("2024-11-22", "2024-11-25", 1),
        ("2024-12-20", "2025-01-03", 7),
        ("2024-11-25", "2024-11-22", -1),
        ("2025-01-03", "2024-12-20", -7),
    ],
)
def test_working_days_between_counts_after_a_up_to_and_including_b(a, b, expected):
    assert working_days_between(D(a), D(b)) == expected


@pytest.mark.parametrize("n", [0, 1, 3, 7, 20, 60])
def test_working_days_between_undoes_add_working_days(n):
    start = D("2024-12-20")
    assert working_days_between(start, add_working_days(start, n)) == n
    end = add_working_days(start, n)
    assert add_working_days(end, -working_days_between(start, end)) == start


# Due dates


@pytest.mark.parametrize(
    ("start", "span", "expected"),
    [
        # Months: calendar months, clamped to the month's end.
        ("2023-01-31", "1 month", "2023-02-28"),
        ("2024-01-31", "1 month", "2024-02-29"),  # leap year
        ("2024-08-31", "1 month", "2024-09-30"),
        ("2024-11-30", "3 months", "2025-02-28"),
        ("2024-02-29", "12 months", "2025-02-28"),
        ("2024-02-29", "48 months", "2028-02-29"),
        ("2024-03-31", "6 months", "2024-09-30"),
        ("2024-11-15", "2 months", "2025-01-15"),
        ("2024-01-15", "0 months", "2024-01-15"),
        # Days and weeks: calendar days, no roll-forward.
        ("2024-11-03", "28 days", "2024-12-01"),  # a Sunday stays a Sunday
        ("2024-12-20", "5 days", "2024-12-25"),  # Christmas Day stays Christmas Day
        ("2024-02-28", "1 day", "2024-02-29"),
        ("2024-11-18", "2 weeks", "2024-12-02"),
        ("2024-11-18", "6 weeks", "2024-12-30"),
        ("2024-11-18", "0 days", "2024-11-18"),
        # Working days: counting starts the working day after the start.
        ("2024-12-20", "5 working days", "2024-12-31"),
        ("2024-11-23", "1 working day", "2024-11-25"),
        ("2024-11-23", "0 working days", "2024-11-23"),
    ],
)
def test_due_for_a_date_start_is_a_date(start, span, expected):
    result = due(D(start), parse_span(span))
    assert type(result) is date
    assert result == D(expected)


def test_due_working_days_follow_the_nation():
    assert due(D("2024-12-20"), parse_span("7 working days"), SCT) == D("2025-01-06")
    assert due(D("2024-12-20"), parse_span("7 working days"), EW) == D("2025-01-03")


@pytest.mark.parametrize(
    ("start", "span", "expected"),
    [
        # A date START with hours starts at 00:00.
        ("2024-11-22", "24 hours", "2024-11-23T00:00"),
        ("2024-11-22", "0 hours", "2024-11-22T00:00"),
        # Hours run across weekends and holidays.
        ("2024-11-22T16:30", "24 hours", "2024-11-23T16:30"),
        ("2024-11-22T16:30", "72 hours", "2024-11-25T16:30"),
        ("2024-12-24T10:00", "48 hours", "2024-12-26T10:00"),
        # Elapsed hours across the clock changes (31 Mar and 27 Oct 2024).
        ("2024-03-30T12:00", "24 hours", "2024-03-31T13:00"),
        ("2024-10-26T12:00", "24 hours", "2024-10-27T11:00"),
        ("2024-03-31T00:30", "1 hour", "2024-03-31T02:30"),
        ("2024-03-31", "24 hours", "2024-04-01T01:00"),
        # A datetime START keeps its time of day for calendar spans, across clock changes too.
        ("2024-03-30T12:00", "1 day", "2024-03-31T12:00"),
        ("2024-10-26T09:15", "1 week", "2024-11-02T09:15"),
        ("2024-01-31T17:45", "1 month", "2024-02-29T17:45"),
        ("2024-12-20T14:00", "5 working days", "2024-12-31T14:00"),
        ("2024-11-23T08:00", "1 working day", "2024-11-25T08:00"),
        ("2024-11-03T10:00:30", "28 days", "2024-12-01T10:00:30"),
    ],
)
def test_due_gives_a_datetime_for_hours_or_a_datetime_start(start, span, expected):
    start_value = T(start) if "T" in start else D(start)
    result = due(start_value, parse_span(span))
    assert type(result) is datetime
    assert result.tzinfo is None
    assert result == T(expected)


def test_a_calendar_span_ending_in_the_spring_gap_gives_the_real_time():
    # 01:30 on 31 March 2024 never happened; the same instant is 02:30 BST.
    assert due(T("2024-03-30T01:30"), parse_span("1 day")) == T("2024-03-31T02:30")


@pytest.mark.parametrize(
    ("start", "span", "expected"),
    [
        # Aware datetimes: real elapsed hours, answered in the start's own zone.
        (
            datetime(2024, 3, 30, 12, 0, tzinfo=LONDON),
            "24 hours",
            datetime(2024, 3, 31, 13, 0, tzinfo=LONDON),
        ),
        (
            datetime(2024, 10, 26, 11, 0, tzinfo=UTC),
            "24 hours",
            datetime(2024, 10, 27, 11, 0, tzinfo=UTC),
        ),
        # Calendar spans keep the London time of day, whatever the start's zone.
        (
            datetime(2024, 3, 30, 12, 0, tzinfo=UTC),
            "1 day",
            datetime(2024, 3, 31, 11, 0, tzinfo=UTC),
        ),
        (
            datetime(2024, 12, 24, 23, 30, tzinfo=UTC),
            "1 working day",
            datetime(2024, 12, 27, 23, 30, tzinfo=UTC),
        ),
    ],
)
def test_due_for_aware_datetimes(start, span, expected):
    result = due(start, parse_span(span))
    assert result == expected
    assert result.utcoffset() == expected.utcoffset()


def test_due_beyond_the_calendar_is_a_value_error():
    with pytest.raises(ValueError, match="beyond the calendar"):
        due(D("9999-12-01"), parse_span("2 months"))
    with pytest.raises(ValueError, match="beyond the calendar"):
        due(D("9999-12-01"), parse_span("60 days"))


@pytest.mark.parametrize(
    ("moment", "exists"),
    [
        ("2024-03-31T00:59", True),
        ("2024-03-31T01:00", False),
        ("2024-03-31T01:59", False),
        ("2024-03-31T02:00", True),
        ("2024-10-27T01:30", True),  # happens twice, but happens
    ],
)
def test_wall_clock_exists(moment, exists):
    assert wall_clock_exists(T(moment)) is exists


# Deadline states


@pytest.mark.parametrize(
    ("due_at", "now", "met_at", "state"),
    [
        # A date deadline runs to the end of its day.
        ("2024-11-29", "2024-11-29T23:59", None, DeadlineState.DUE_SOON),
        ("2024-11-29", "2024-11-30T00:00", None, DeadlineState.OVERDUE),
        ("2024-11-29", "2024-11-30", None, DeadlineState.OVERDUE),
        ("2024-11-29", "2024-11-29", None, DeadlineState.DUE_SOON),
        # Due soon: within 5 working days of today, inclusive.
        ("2024-11-29", "2024-11-22T09:00", None, DeadlineState.DUE_SOON),  # 5 working days
        ("2024-12-02", "2024-11-22T09:00", None, DeadlineState.DUE),  # 6 working days
        ("2024-12-01", "2024-11-22T09:00", None, DeadlineState.DUE_SOON),  # a Sunday after 5
        ("2024-12-31", "2024-12-20T09:00", None, DeadlineState.DUE_SOON),  # Christmas skipped
        ("2025-01-02", "2024-12-20T09:00", None, DeadlineState.DUE),
        # A datetime deadline is overdue the moment it passes.
        ("2024-11-29T12:00", "2024-11-29T12:00", None, DeadlineState.DUE_SOON),
        ("2024-11-29T12:00", "2024-11-29T12:01", None, DeadlineState.OVERDUE),
        ("2024-11-29T12:00", "2024-11-29", None, DeadlineState.DUE_SOON),
        ("2024-11-29T12:00", "2024-11-30", None, DeadlineState.OVERDUE),
        # Met, whether on time or late.
        ("2024-11-29", "2024-12-20T09:00", "2024-11-28", DeadlineState.MET),
        ("2024-11-29", "2024-12-20T09:00", "2024-12-10", DeadlineState.MET),
        ("2024-12-29", "2024-11-01T09:00", "2024-11-01T08:00", DeadlineState.MET),
    ],
)
def test_deadline_state(due_at, now, met_at, state):
    def value(text):
        return T(text) if "T" in text else D(text)

    met = None if met_at is None else value(met_at)
    assert deadline_state(value(due_at), value(now), met) is state


def test_due_soon_follows_the_profile_setting():
    due_at, now = D("2024-12-02"), T("2024-11-22T09:00")
    assert deadline_state(due_at, now, soon_working_days=6) is DeadlineState.DUE_SOON
    assert deadline_state(due_at, now, soon_working_days=0) is DeadlineState.DUE
    assert deadline_state(D("2024-11-22"), now, soon_working_days=0) is DeadlineState.DUE_SOON


def test_due_soon_follows_the_nation():
    # From Friday 20 Dec 2024, 2 Jan 2025 is the 6th working day in England; in Scotland it is
    # a holiday, 5 working days ahead.
    now = T("2024-12-20T09:00")
    assert deadline_state(D("2025-01-02"), now, nation=EW) is DeadlineState.DUE
    assert deadline_state(D("2025-01-02"), now, nation=SCT) is DeadlineState.DUE_SOON


def test_deadline_state_reads_an_aware_now_in_london():
    # 00:30 BST on 30 May is still 29 May in UTC: the date deadline of 29 May has passed.
    now = datetime(2024, 5, 29, 23, 30, tzinfo=UTC)
    assert deadline_state(D("2024-05-29"), now) is DeadlineState.OVERDUE


@pytest.mark.parametrize(
    ("due_at", "met_at", "late"),
    [
        ("2024-11-29", "2024-11-29T23:59", False),
        ("2024-11-29", "2024-11-30T00:00", True),
        ("2024-11-29", "2024-11-28", False),
        ("2024-11-29", "2024-12-02", True),
        ("2024-11-29T12:00", "2024-11-29T12:00", False),
        ("2024-11-29T12:00", "2024-11-29T12:30", True),
    ],
)
def test_met_late(due_at, met_at, late):
    def value(text):
        return T(text) if "T" in text else D(text)

    assert met_late(value(due_at), value(met_at)) is late


def test_met_late_compares_instants_in_the_repeated_autumn_hour():
    due_at = T("2024-10-27T01:15").replace(fold=1)  # the second 01:15, GMT
    assert not met_late(due_at, T("2024-10-27T01:30"))  # the first 01:30, BST: earlier
    assert met_late(due_at, T("2024-10-27T01:30").replace(fold=1))


# Meetings (Manchester: fortnightly, information less than 48 hours before goes to the next)

FIRST = D("2024-11-05")  # a Tuesday


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        ("2024-10-01T10:00", "2024-11-05"),  # before the first meeting
        ("2024-11-01T10:00", "2024-11-05"),
        ("2024-11-03T09:30", "2024-11-05"),  # exactly 48 hours before
        ("2024-11-03T09:31", "2024-11-19"),  # less than 48 hours: the following one
        ("2024-11-05T08:00", "2024-11-19"),
        ("2024-11-05T10:00", "2024-11-19"),  # after that day's meeting
        ("2024-11-17T09:30", "2024-11-19"),
        ("2024-11-17T09:31", "2024-12-03"),
        ("2025-03-01T12:00", "2025-03-11"),
    ],
)
def test_next_meeting_with_48_hours_notice(after, expected):
    assert next_meeting(FIRST, 14, T(after)) == D(expected)


def test_next_meeting_notice_is_elapsed_hours_across_the_clock_change():
    # Monday 1 April 2024, 09:30 BST, is 48 real hours after 08:30 GMT on Saturday 30 March
    # (the clocks went forward in between), so 09:00 that Saturday is only 47.5 hours before.
    first = D("2024-04-01")
    assert next_meeting(first, 14, T("2024-03-30T08:30")) == first
    assert next_meeting(first, 14, T("2024-03-30T09:00")) == D("2024-04-15")


def test_next_meeting_time_and_notice_are_settings():
    assert next_meeting(FIRST, 14, T("2024-11-03T12:00"), meeting_time=time(14, 0)) == FIRST
    assert next_meeting(FIRST, 14, T("2024-11-05T08:00"), min_notice_hours=0) == FIRST
    assert next_meeting(FIRST, 42, T("2024-11-05T08:00")) == D("2024-12-17")


def test_next_meeting_accepts_an_aware_after():
    after = datetime(2024, 11, 3, 9, 30, tzinfo=UTC)  # 09:30 GMT = London time in November
    assert next_meeting(FIRST, 14, after) == FIRST


def test_next_meeting_needs_a_positive_cadence():
    with pytest.raises(ValueError, match="cadence"):
        next_meeting(FIRST, 0, T("2024-11-01T10:00"))


def test_timescales_does_not_import_django():
    import subprocess
    import sys

    code = "import sys, casereview.core.timescales; print('django' in sys.modules)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
