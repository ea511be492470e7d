"""Shortcuts of the date stage's per-date work say what the plain definitions say."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from quantities import dates


def _year_by_dates(c: dates._Cal, ref: date, tense: str | None) -> int | None:
    """The year of a year-less month or day, worked out with dates for every year tried
    (the module docstring's definition)."""
    month = c.month or 1

    def bounds(year: int) -> tuple[date, date] | None:
        last = calendar.monthrange(year, month)[1]
        if c.day is None:
            return date(year, month, 1), date(year, month, last)
        return (date(year, month, c.day),) * 2 if c.day <= last else None

    current = ref.year if bounds(ref.year) is not None else None
    if tense is None and current is not None:
        return current
    years = range(ref.year - 8, ref.year + 2)
    if tense == "future":
        horizon = ref + timedelta(days=dates.FUTURE_HORIZON_DAYS)
        ahead = [y for y in years if (b := bounds(y)) is not None and b[1] >= ref and b[0] <= horizon]
        if ahead:
            return ahead[0]
        if current is not None:
            return current
    soon = ref + timedelta(days=dates.NEAR_FUTURE_DAYS)
    past = [y for y in years if (b := bounds(y)) is not None and b[0] <= soon]
    return past[-1] if past else None


def test_year_inference_equals_working_it_out_with_dates() -> None:
    """:func:`dates._infer_year` compares (year, month, day) tuples: the same years as
    with dates, for every month and day, every tense, references around the year."""
    refs = [date(2016, 1, 1) + timedelta(days=n) for n in range(0, 9 * 366, 23)]
    edges = ((1, 1), (2, 28), (2, 29), (3, 1), (6, 30), (7, 1), (12, 24), (12, 31))
    refs += [date(y, m, d) for y in (2019, 2020, 2023, 2024) for m, d in edges
             if d <= calendar.monthrange(y, m)[1]]
    cals = [dates._Cal(None, m) for m in range(1, 13)]
    cals += [dates._Cal(None, m, d) for m in range(1, 13)
             for d in range(1, calendar.monthrange(2000, m)[1] + 1)]
    differ = [
        (cal, ref, tense)
        for ref in refs for cal in cals for tense in ("past", "future", None)
        if dates._infer_year(cal, ref, tense) != _year_by_dates(cal, ref, tense)
    ]
    assert not differ, differ[:5]
