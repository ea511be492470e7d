"""The fast scans give exactly the matches of the plain patterns they stand for.

:class:`quantities.skipscan.WordScan` against ``finditer`` of ``(?<![\\w'])(?:body)``,
:class:`quantities.skipscan.SkipScan` (with its first-character test) against the
pattern's own ``finditer``, and the phone pattern of :mod:`quantities.filters` against
the plain form it is written from, on generated texts dense in what each one looks for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import cache

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from quantities.candidates import Num, Rejected
from quantities.filters import _PHONE, _Chain, _looks_like_phone, _reason, filter_data, split_numbers
from quantities.numbers import (
    _VULGAR,
    NumberData,
    _parse_words,
    _restated,
    _scan_digits,
    alternation,
    find_numbers,
    number_data,
)
from quantities.skipscan import DIGITS_SUPERSET, SkipScan, WordScan, digits_superset

_WORDS = ["one", "one by one", "two", "twenty", "a dozen", "at one point", "point"]
_PHONE_PLAIN = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[ -]?)?(?:\(\d{2,5}\)[ ]?)?\d{2,4}(?:[ -]\d{2,4}){1,4}(?![\w])"
)


def _texts(alphabet: str) -> st.SearchStrategy[str]:
    return st.text(alphabet=st.sampled_from(alphabet), max_size=60)


@settings(max_examples=400, derandomize=True, database=None)
@given(_texts("onetwbyadzpi '-,\n.é2"))
def test_word_scan_is_finditer(text: str) -> None:
    body = rf"(?:{alternation(_WORDS)})(?![\w'])"
    plain = re.compile(rf"(?<![\w'])(?:{body})")
    assert list(WordScan(body).spans(text)) == [m.span() for m in plain.finditer(text)]


def test_word_scan_after_letters_outside_its_class() -> None:
    """Letters the fast class lets through ("é", "ґ") still keep a word from starting."""
    body = rf"(?:{alternation(_WORDS)})(?![\w'])"
    plain = re.compile(rf"(?<![\w'])(?:{body})")
    for text in ["éone one", "ґtwo, two", "ééone one", "éone éone one", "x éat one point", "éone"]:
        assert list(WordScan(body).spans(text)) == [m.span() for m in plain.finditer(text)]


@settings(max_examples=400, derandomize=True, database=None)
@given(_texts("0123 -.,/^e×x+½a\u0663"))
def test_skip_scan_is_finditer(text: str) -> None:
    for lang in ("en", "uk"):
        pattern = number_data(lang).digits_re
        scan = SkipScan(pattern, rf"[\d{_VULGAR}]")
        assert [m.span() for m in scan.finditer(text)] == [m.span() for m in pattern.finditer(text)]


@settings(max_examples=300, derandomize=True, database=None)
@given(st.lists(st.sampled_from(["1", "12", "1.5", "2½", "-3", " ", ", ", ":", "-", "x", "ab",
                                 "a" * 7, " " * 9, "3e5", "1/2", "\u0663"]), max_size=120))
def test_skip_scan_is_finditer_through_runs_of_numbers(parts: list[str]) -> None:
    """Runs of close numbers (where the scan goes on with finditer) and gaps of every
    size (where it leaves them), in long texts."""
    text = "".join(parts)
    for lang in ("en", "uk"):
        pattern = number_data(lang).digits_re
        scan = SkipScan(pattern, rf"[\d{_VULGAR}]")
        assert [m.span() for m in scan.finditer(text)] == [m.span() for m in pattern.finditer(text)]


def test_skip_scan_goes_on_with_finditer_in_a_run_of_numbers() -> None:
    """The run is read by finditer (not one search and one match a number), and the scan
    by anchors takes over again after a long gap."""
    pattern = number_data("en").digits_re
    scan = SkipScan(pattern, rf"[\d{_VULGAR}]")
    text = "1:" * 40 + "x" * 50 + " 7 of them" + " 1, 2" * 30
    calls: list[int] = []
    real = SkipScan._dense

    def spy(self: SkipScan, text: str, pos: int, out: list[re.Match[str]]) -> re.Match[str] | None:
        calls.append(pos)
        return real(self, text, pos, out)

    SkipScan._dense = spy  # type: ignore[method-assign]
    try:
        assert [m.span() for m in scan.finditer(text)] == [m.span() for m in pattern.finditer(text)]
    finally:
        SkipScan._dense = real  # type: ignore[method-assign]
    assert len(calls) == 2  # into the first run, out at the gap, into the second run


@settings(max_examples=400, derandomize=True, database=None)
@given(_texts("0123 -+()a_"))
def test_phone_pattern_is_the_plain_one(text: str) -> None:
    assert [m.span() for m in _PHONE.finditer(text)] == [m.span() for m in _PHONE_PLAIN.finditer(text)]


@settings(max_examples=300, derandomize=True, database=None)
@given(
    st.lists(st.sampled_from(["one", "by", "two", "a", "dozen", "at", "point", " ", ",", "x"]), max_size=40),
    st.lists(st.tuples(st.integers(0, 90), st.integers(0, 12)), max_size=12),
)
def test_chain_covers_as_the_whole_chain(words: list[str], asked: list[tuple[int, int]]) -> None:
    text = "".join(words)
    body = rf"(?:{alternation(_WORDS)})(?![\w'])"
    scan = WordScan(body)
    spans = list(scan.spans(text))
    chain = _Chain(scan, text)
    for start, length in asked:
        end = start + length
        expected = any(s <= start and end <= e for s, e in spans)
        assert chain.covers(start, end) == expected


def test_chain_covers_packed_matches() -> None:
    """Matches packed so that each could start where the last one ends: near a number,
    the chain must not be read from a point that one of them runs across."""
    scan = WordScan(rf"(?:{alternation(['one', 'one by one'])})(?![\w'])")
    for lead in range(8):
        text = "x" * lead + " " + " by ".join(["one"] * 14)
        spans = list(scan.spans(text))
        for start in range(len(text)):
            expected = any(s <= start and start + 3 <= e for s, e in spans)
            assert _Chain(scan, text).covers(start, start + 3) == expected


_NUMBER_PARTS = st.tuples(
    st.sampled_from(["", "-", ".", ",", "/", "1/", "x", "1 ", "2,"]),
    st.sampled_from(["1", "23", "456", "7890", "12 345", "1,5", "2.5", "3½", "4e3"]),
    st.sampled_from([" ", "  ", "", "-", " 1/2 "]),
    st.sampled_from(["thousand", "point five", "point", "two", "тисяч", "x", ""]),
    st.sampled_from([" ", ", ", "."]),
)


@settings(max_examples=500, derandomize=True, database=None)
@given(st.lists(_NUMBER_PARTS, max_size=8))
def test_digit_words_found_with_the_digits(parts: list[tuple[str, ...]]) -> None:
    text = "".join("".join(part) for part in parts)
    for lang in ("en", "uk"):
        data = number_data(lang)
        found: list[tuple[int, int]] = []
        list(_scan_digits(text, data, None, found))
        assert found == [m.span() for m in data.digit_word_re.finditer(text)]


def test_digits_superset_holds_every_digit() -> None:
    """``DIGITS_SUPERSET`` leaves out only code points that are no decimal digit."""
    digits = re.compile(f"[{DIGITS_SUPERSET}]")
    assert not any(chr(c).isdecimal() for c in range(0x110000) if not digits.match(chr(c)))


@pytest.mark.parametrize("anchor", [r"[\d]", r"[+(\d]", rf"[\d{_VULGAR}]", r"[\d\u0600-\u0700]"])
def test_digits_superset_class_is_the_range_class(anchor: str) -> None:
    """The fast-compiling class :func:`digits_superset` writes holds exactly the code
    points of the class written with ``DIGITS_SUPERSET``, over all of Unicode."""
    fast = re.compile(digits_superset(anchor))
    slow = re.compile(anchor.replace(r"\d", DIGITS_SUPERSET))
    everything = "".join(map(chr, range(0x110000)))
    assert fast.findall(everything) == slow.findall(everything)


@cache
def _vocabulary(lang: str) -> list[str]:
    data = number_data(lang)
    words = {*data.cardinals, *data.scales, *data.fractions, *data.vague, *data.ordinal_words}
    for group in data.words.values():
        words |= group
    return [*sorted(words), "7", "25", "people", "x", "(", ",", "-"]


@settings(max_examples=300, derandomize=True, database=None)
@given(st.sampled_from(["en", "uk", "ru"]), st.data())
def test_lone_words_as_the_parser(lang: str, draw: st.DataObject) -> None:
    """A number word alone is read as the full parser reads it."""
    words = draw.draw(st.lists(st.sampled_from(_vocabulary(lang)), min_size=1, max_size=5))
    gaps = draw.draw(st.lists(st.sampled_from([" ", " ", "  ", "-", ", ", "\n"]), min_size=5, max_size=5))
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))
    data = number_data(lang)
    slow = replace(data, lone_words=frozenset())
    assert repr(_parse_words(text, 0, data)) == repr(_parse_words(text, 0, slow))


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_lone_words_before_every_word(lang: str) -> None:
    """Every number word alone, then any word of the vocabulary and a few endings:
    read as the full parser reads it."""
    data = number_data(lang)
    slow = replace(data, lone_words=frozenset())
    vocabulary = _vocabulary(lang)
    halves = sorted(data.words["half"])
    tails = ["", "people", "7", *halves, *(f"{a} {h}" for a in sorted(data.words["article"]) for h in halves),
             *sorted(data.fractions)[:6], *sorted(data.scales)[:4]]
    lone = sorted(data.lone_words)
    for first in lone[:: len(lone) // 4]:
        for second in vocabulary:
            for tail in tails:
                for gap in (" ", "-"):
                    text = f"{first}{gap}{second} {tail}"
                    assert repr(_parse_words(text, 0, data)) == repr(_parse_words(text, 0, slow)), text


def _scan_words_plain(view: str, data: NumberData, digit_words: list[tuple[int, int]]) -> list[Num]:
    """The word scan as first written: the leftmost of the three searches, each one
    searched again once the scan has passed its match."""

    def listed(text: str, pos: int) -> tuple[int, int] | None:
        return next((span for span in digit_words if span[0] >= pos), None)

    def point(text: str, pos: int) -> tuple[int, int] | None:
        m = data.point_re.search(text, pos) if data.point_re is not None else None
        return None if m is None else m.span()

    searches: list[Callable[[str, int], tuple[int, int] | None]] = [data.word_scan.search, listed, point]
    found = [search(view, 0) for search in searches]
    out: list[Num] = []
    while live := [span for span in found if span is not None]:
        start, stop = min(live, key=lambda span: span[0])
        num = _parse_words(view, start, data)
        pos = stop if num is None else max(num.end, stop)
        if num is not None:
            out.append(num)
        for k, other in enumerate(found):
            if other is not None and other[0] < pos:
                found[k] = searches[k](view, pos)
    return out


def _find_numbers_plain(view: str, lang: str) -> list[Num]:
    """find_numbers without its shortcuts: every list merged and sorted."""
    data = number_data(lang)
    digit_words: list[tuple[int, int]] = []
    nums = list(_scan_digits(view, data, None, digit_words))
    merged: list[Num] = []
    for num in sorted(nums + _scan_words_plain(view, data, digit_words), key=lambda n: (n.start, -n.end)):
        if merged and num.start < merged[-1].end:
            continue
        if merged and num.start - merged[-1].end <= 2 and _restated(view, merged[-1], num):
            merged[-1].end = num.end + 1
            continue
        merged.append(num)
    return merged


def _split_numbers_plain(view: str, lang: str, nums: list[Num]) -> tuple[list[Num], list[Rejected]]:
    """split_numbers without its shortcuts: the phones and the idiom chain always made."""
    data = filter_data(lang)
    phones = [m.span() for m in _PHONE.finditer(view) if _looks_like_phone(m.group(0))]
    idioms = _Chain(data.idioms, view) if data.idioms is not None else None
    kept: list[Num] = []
    rejected: list[Rejected] = []
    for num in nums:
        why = _reason(num, view, data, phones)
        if idioms is not None and why is not None and why[0] == "filter.label":
            label = data.label_re.search(view, max(0, num.start - 30), num.start)
            if label is not None and idioms.covers(label.start(), label.start() + 1):
                why = None
        if idioms is not None and why is None and num.words and idioms.covers(num.start, num.end):
            why = ("filter.idiom", "")
        if why is None:
            kept.append(num)
        else:
            rejected.append(Rejected(num.start, num.end, why[0], ""))
    return kept, rejected


_MIXED = {
    "en": ["one", "two", "point", "five", "thousand", "3", "40", "1,5", "2.5", "(", ")", "at one point",
           "one by one", "No.", "at", "minus", "a", "half", "and", "x", "1 2", "+1", "555-12-34",
           "4 thousand", "1 point 5", "point 77"],
    "uk": ["один", "два", "кома", "п'ять", "тисяч", "3", "40", "1,5", "(", ")", "один за одним", "№",
           "мінус", "і", "половиною", "x", "555-12-34", "2 тисячі"],
    "ru": ["один", "два", "запятая", "пять", "тысяч", "3", "40", "1,5", "(", ")", "один за другим",
           "№", "минус", "и", "половиной", "x", "555-12-34", "2 тысячи"],
}


@settings(max_examples=400, derandomize=True, database=None)
@given(st.sampled_from(["en", "uk", "ru"]), st.data())
def test_find_and_split_numbers_as_without_shortcuts(lang: str, draw: st.DataObject) -> None:
    """The fast paths of find_numbers (words only, digits only, no "point") and of
    split_numbers (no numbers, the idiom chain made when asked) change nothing."""
    parts = draw.draw(st.lists(st.sampled_from(_MIXED[lang]), max_size=10))
    gaps = draw.draw(st.lists(st.sampled_from([" ", "  ", "-", ", ", ""]), min_size=10, max_size=10))
    view = "".join(p + g for p, g in zip(parts, gaps, strict=False))
    nums = find_numbers(view, lang)
    assert repr(nums) == repr(_find_numbers_plain(view, lang))
    kept, rejected = split_numbers(view, lang, nums)
    plain_kept, plain_rejected = _split_numbers_plain(view, lang, nums)
    assert repr(kept) == repr(plain_kept)
    assert [(r.start, r.end, r.rule) for r in rejected] == [(r.start, r.end, r.rule) for r in plain_rejected]
