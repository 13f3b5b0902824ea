"""Date formatting shared by pages and letters."""

from __future__ import annotations

import datetime as dt


def long_date(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return f"{value.day} {value:%B %Y} at {value:%H:%M}"
    return f"{value.day} {value:%B %Y}"
