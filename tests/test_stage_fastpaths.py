"""The first-character tests of the filter and measure stages change nothing.

:func:`quantities.filters._reason` and :func:`quantities.measures._measure` rule out
most rules by the characters just before and after a number before they try a pattern
or slice the text; here each is compared with the plain form it was written from (every
pattern tried) on generated texts made of the language's own words (labels, furniture,
time, pronoun and ordinal words; units, currencies, percent and power words, some cut
short or upper-cased), numbers and the separators around them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from functools import cache

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from quantities.candidates import Mention, Num
from quantities.filters import (
    _CLOCK,
    _PHONE,
    _TIME,
    FilterData,
    _dotted,
    _furniture,
    _furniture_near,
    _looks_like_phone,
    _ordinal_by_agreement,
    _reason,
    filter_data,
    glued_identifier,
)
from quantities.lang import load
from quantities.measures import (
    _GAP,
    MeasureData,
    _currency_after,
    _currency_before,
    _measure,
    _percent,
    _Site,
    _unit_after,
    measure_data,
)
from quantities.normalize import to_view
from quantities.numbers import find_numbers, number_data

_LANGS = ["en", "uk", "ru"]
_NUMBERS = ["1", "5", "12", "21", "57", "2024", "1.5", "19.00", "2:30", "2:30:15", "7.5.1", "555-12-34",
            "+1 555 123 4567", "(044) 123-45-67"]
_GLUE = ["", " ", "  ", "\n", ":", ".", "-", "#", "№", "(", ")", ",", "/", "+", "x", "é"]


def _reason_plain(
    num: Num, view: str, data: FilterData, phones: Sequence[tuple[int, int]]
) -> tuple[str, str] | None:
    """The rules as first written: every pattern tried, every slice taken."""
    start, end = num.start, num.end
    if num.words:
        if data.ordinal_word_re.match(view, end):
            return "filter.ordinal", "part of an ordinal number"
    else:
        if start and view[start - 1] != " " and glued_identifier(view, start):
            return "filter.identifier", "glued to letters: a model, code or designation"
        if view[end : end + 1] in data.ordinal_first and data.ordinal_re.match(view, end):
            return "filter.ordinal", "ordinal suffix: a rank or a unit name, not a count"
    if data.ordinal_adjectives and _ordinal_by_agreement(num, view, data):
        return "filter.ordinal", "a singular adjective follows: a rank in a name ('57 окремої бригади')"
    window = view[max(0, start - 30):start]
    if num.words and view[start:end] in data.pronouns:
        pronoun_re = data.pronoun_before_re
        if pronoun_re is not None and pronoun_re.search(window):
            return "filter.pronoun", "a pronoun: 'which one', 'the one'"
        if data.pronoun_after_re is not None and data.pronoun_after_re.match(view, end):
            return "filter.pronoun", "a pronoun before a partitive: 'one of the ...'"
    if data.label_re.search(window):
        return "filter.label", "after a label word: an article, number or line"
    if _furniture_near(view, end, window, data) and (found := _furniture(view, end, window, data)):
        return found
    if not num.words:
        if end < len(view) - 2 and view[end] in ":" and view[end + 1 : end + 3].isdigit():
            return "filter.time", "a time of day"
        if start >= 3 and view[start - 1] == ":" and view[start - 3 : start - 1].strip().isdigit():
            return "filter.time", "a time of day"
        width = end - start
        clock = 4 <= width <= 5 and _CLOCK.fullmatch(view, start, end)
        if clock and data.clock_re is not None and data.clock_re.search(view, max(0, start - 12), start):
            return "filter.time", "a clock time: 'at 19.00'"
        small = isinstance(num.value, int) and 0 <= num.value <= 24
        timelike = small or (4 <= width <= 8 and _TIME.fullmatch(view, start, end))
        if timelike and data.time_re.match(view, end):
            return "filter.time", "a time of day"
        if (view[end : end + 1] == "." or view[start - 1 : start] == ".") and _dotted(view, start, end):
            return "filter.dotted", "part of a dotted code, version or address"
    i = bisect_right(phones, (start, len(view) + 1)) - 1
    if i >= 0 and phones[i][0] <= start and end <= phones[i][1]:
        return "filter.phone", "part of a phone number"
    return None


def _draw_text(draw: st.DataObject, words: list[str], numbers: list[str]) -> str:
    """Up to 14 of ``words``, ``numbers`` and glue, each followed by glue."""
    token = st.one_of(st.sampled_from(words), st.sampled_from(numbers), st.sampled_from(_GLUE))
    parts = draw.draw(st.lists(token, max_size=14))
    glue = draw.draw(st.lists(st.sampled_from(_GLUE), min_size=len(parts), max_size=len(parts)))
    return "".join(p + g for p, g in zip(parts, glue, strict=True))


@cache
def _filter_words(lang: str) -> list[str]:
    """Every word the filters of ``lang`` look for, and a few numbers and adjectives."""
    raw = load(lang, "filters")
    words = [*raw["preceding"]["labels"], *raw["time"]["suffixes"], *raw["time"].get("prefixes", [])]
    for template in raw["furniture"]["templates"]:
        words.extend(part for part in template.split("<n>") if part.strip())
    pronoun = raw.get("pronoun", {})
    words += [*pronoun.get("words", []), *pronoun.get("before", []), *pronoun.get("after", [])]
    words += [f"окрем{e}" for e in raw.get("ordinal_adjectives", {}).get("endings", [])]
    words += list(number_data(lang).ordinal_suffixes) + list(number_data(lang).ordinal_words)[:20]
    return words


@settings(max_examples=600, derandomize=True, database=None, deadline=None)  # the first loads data
@given(st.sampled_from(_LANGS), st.data())
def test_reason_as_without_shortcuts(lang: str, draw: st.DataObject) -> None:
    words = _filter_words(lang)
    text = _draw_text(draw, words, _NUMBERS)
    view = to_view(text)
    data = filter_data(lang)
    phones = [m.span() for m in _PHONE.finditer(view) if _looks_like_phone(m.group(0))]
    for num in find_numbers(view, lang, text):
        for spans in (phones, []):
            assert _reason(num, view, data, spans) == _reason_plain(num, view, data, spans), (text, num)


@pytest.mark.parametrize("lang", _LANGS)
def test_reason_as_without_shortcuts_at_every_word(lang: str) -> None:
    """Every filter word just before and after a number, spaced or not, and every
    furniture template filled in, after a word or a space."""
    data = filter_data(lang)
    raw = load(lang, "filters")
    one = raw["pronoun"]["words"][0]  # a number word
    texts = [t.replace("<n>", n) for t in raw["furniture"]["templates"] for n in ("5", "12")]
    for word in _filter_words(lang):
        for number in ("5", "19.00", one):
            texts += [f"x {word} {number}", f"x {word}{number}", f"x{word}  {number}", f"x {word}\n{number}",
                      f"{number} {word}", f"{number}{word}", f"{number}   {word} x", f"{number}\n{word}"]
    for text in [*texts, *(f"x {t}" for t in texts), *(f"{t} x" for t in texts)]:
        view = to_view(text)
        phones = [m.span() for m in _PHONE.finditer(view) if _looks_like_phone(m.group(0))]
        for num in find_numbers(view, lang, text):
            assert _reason(num, view, data, phones) == _reason_plain(num, view, data, phones), (text, num)


def _measure_plain(text: str, view: str, num: Num, data: MeasureData) -> Mention:
    """The measure stage as first written: every rule tried at every number."""
    g = _GAP.match(view, num.end)
    gap = g.group(0) if g else ""
    site = _Site(text, view, num, data, gap, g.end() if g else num.end)
    pb = data.percent_before_re
    before = pb.search(view, max(0, num.start - 20), num.start) if pb is not None else None
    if before is not None:
        return Mention(num, before.start(), num.end, kind="percent", rules=["percent.before"])
    if num.words and not gap:
        return Mention(num, num.start, num.end)
    for rule in (_percent, _currency_before, _currency_after, _unit_after):
        mention = rule(site)
        if mention is not None:
            return mention
    return Mention(num, num.start, num.end)


@cache
def _unit_surfaces(lang: str) -> list[str]:
    """Surfaces of every kind the measure stage of ``lang`` looks for, some cut short,
    some upper-cased (symbols are case-sensitive), and money cue words."""
    data = measure_data(lang)
    raw = load(lang, "units")
    forms = [*data.symbols, *data.words, *data.money_symbols, *data.money_words, *data.power_before,
             *data.power_after, *raw["percent"]["percent"], *raw["percent"].get("points", []),
             *raw["percent"].get("before", []), *raw["context"]["between"], *raw["context"]["money_before"],
             *raw["context"]["measure_after"], "per", "/", "^2", "²", "a day", "на добу"]
    return sorted({*forms, *(f[:2] for f in forms), *(f.upper() for f in forms[:200])})


@settings(max_examples=600, derandomize=True, database=None, deadline=None)  # the first loads data
@given(st.sampled_from(_LANGS), st.data())
def test_measure_as_without_shortcuts(lang: str, draw: st.DataObject) -> None:
    surfaces = _unit_surfaces(lang)
    numbers = [*_NUMBERS, "two", "один", "два", "пять", "10K", "2.13", "1990"]
    text = _draw_text(draw, surfaces, numbers)
    view = to_view(text)
    data = measure_data(lang)
    for num in find_numbers(view, lang, text):
        assert _measure(text, view, num, data) == _measure_plain(text, view, num, data), (text, num)


@cache
def _some_units(lang: str) -> list[str]:
    """A few unit words and symbols of ``lang``, one of each unit."""
    data = measure_data(lang)
    return [*{u.expr: s for s, u in data.words.items()}.values()][:6] + [*data.symbols][:3]


@pytest.mark.parametrize("lang", _LANGS)
def test_measure_as_without_shortcuts_at_every_surface(lang: str) -> None:
    """Every surface (and its cut and upper-cased forms) right after a number, spaced or
    not, followed by a letter, a space, a digit or a sign, and right before one."""
    data = measure_data(lang)
    for surface in _unit_surfaces(lang):
        texts = [f"x 5{gap}{surface}{after}" for gap in ("", " ", "-") for after in ("", " x", "x", "2", "/")]
        texts += [f"{surface}{gap}5" for gap in ("", " ", "  ", "\n")]
        texts += [f"({surface}   5", f"4 {surface}  5"]
        texts += [f"x 5 {surface} {unit}" for unit in _some_units(lang)]  # "5 square km", "5 more days"
        for text in texts:
            view = to_view(text)
            for num in find_numbers(view, lang, text):
                assert _measure(text, view, num, data) == _measure_plain(text, view, num, data), (text, num)
