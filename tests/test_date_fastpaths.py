"""Shortcuts of the date stage's per-date work say what the plain definitions say."""

from __future__ import annotations

import calendar
import random
import re
from datetime import date, timedelta

import pytest
from test_date_anchors import _texts

from quantities import dates
from quantities.normalize import to_view


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


def _tense_by_parts(grammar: dates._Grammar, cues: tuple[re.Pattern[str], re.Pattern[str]],
                    view: str, start: int, end: int) -> str | None:
    """The tense of a date's sentence with a search for each kind of cue in turn."""
    future, past = cues
    lo = max(0, start - dates._SENTENCE_REACH)
    hi = min(len(view), end + dates._SENTENCE_REACH)
    for stop in dates._SENTENCE_STOP.finditer(view, lo, start):
        lo = stop.end()
    after = dates._SENTENCE_STOP.search(view, end, hi)
    hi = after.start() if after is not None else hi
    if future.search(view, lo, hi) is not None:
        return "future"
    if past.search(view, lo, hi) is not None:
        return "past"
    if dates._past_word_in(grammar, view, lo, start) or dates._past_word_in(grammar, view, end, hi):
        return "past"
    return None


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_one_search_for_both_cues_finds_the_tense_of_two(lang: str) -> None:
    """:func:`dates._tense` looks for future and past cues in one search (and for a
    future one after the first past one): the tenses of a search for each kind."""
    grammar = dates._grammar(lang)
    words = grammar.lex.words
    future = re.compile(dates._words(words["future_cues"]))
    past = re.compile(dates._words(words["past_cues"]))
    rng = random.Random(20261122)
    views = [to_view(t) for t in _texts(lang)[:200]]
    views += [to_view(" ".join(words["past_cues"][:5] + words["future_cues"][:5])),
              to_view(" ".join(words["future_cues"][-3:] + words["past_cues"][-3:]))]
    tenses: dict[str | None, int] = {}
    differ = []
    for view in views:
        for _ in range(40):
            start = rng.randrange(len(view) + 1)
            end = rng.randrange(start, min(len(view), start + 30) + 1)
            tense = dates._tense(grammar, view, start, end)
            tenses[tense] = tenses.get(tense, 0) + 1
            if tense != _tense_by_parts(grammar, (future, past), view, start, end):
                differ.append(view[max(0, start - 40):end + 40])
    assert not differ, differ[:5]
    assert len(tenses) == 3, tenses
