"""The cheap tests the qualify and classify stages make before a regex rule out only
what the regex would not match: on generated texts dense in the phrases, every match
starts with a character of the set tested first."""

from __future__ import annotations

import random
import re
from functools import cache

import pytest

from quantities import Options, extract
from quantities.classify import (
    _COMMON_LETTER,
    _GAP,
    _LETTER,
    _TOKEN,
    CueData,
    _find_noun,
    _match_at,
    _outcome_after,
    _tokens,
    cue_data,
)
from quantities.durations import merge_durations
from quantities.filters import split_numbers
from quantities.measures import attach
from quantities.normalize import to_view
from quantities.numbers import find_numbers
from quantities.qualify import _share_units, qualifier_data

_LANGS = ["en", "uk", "ru"]
_FILLERS = [" ", "  ", "   ", "    ", "-", " - ", "~", ",", ".", ":", "5", "12", "x", "'", ">", "<", "="]


def _pieces(lang: str) -> list[str]:
    data = qualifier_data(lang)
    words = [*data.prefix_tags, *data.suffix_tags]
    words += [t.name.replace("<a>", " ").replace("<b>", " ") for t in data.templates]
    words += [name.replace("<a>", " ").replace("<b>", " ") for name, _ in data.ratios]
    return [*words, *(w.split()[0] for w in words if w.split()), *_FILLERS]


def _texts(lang: str, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pieces = _pieces(lang)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(n)]


def _may_start(text: str, pos: int, chars: frozenset[str]) -> bool:
    """The test made before a suffix match (a prefix one, on the reversed view): a phrase
    character or a space at ``pos``, and after a space another, or a phrase character."""
    c = text[pos : pos + 1]
    return c in chars and (c != " " or text[pos + 1 : pos + 2] in chars)


@pytest.mark.parametrize("lang", _LANGS)
def test_phrase_first_characters(lang: str) -> None:
    """A prefix phrase (matched backwards), a suffix phrase, a range infix and a ratio
    infix each start with a character of the set tested before its regex."""
    data = qualifier_data(lang)
    missed = []
    for text in _texts(lang, 1500, seed=len(lang)):
        back = text[::-1]
        for pos in range(len(text) + 1):
            c = text[pos : pos + 1]
            if data.suffix_re.match(text, pos) and not _may_start(text, pos, data.suffix_first):
                missed.append(("suffix", text, pos))
            if data.prefix_back_re.match(back, pos) and not _may_start(back, pos, data.prefix_last):
                missed.append(("prefix", text, pos))
            for end in range(pos, min(len(text), pos + 14) + 1):
                infix = data.any_infix_re.fullmatch(text, pos, end)
                if infix and (end <= pos or (data.infix_first is not None and c not in data.infix_first)):
                    missed.append(("infix", text, pos))
                if infix and data.pair_first is not None and (
                    c not in data.pair_first or not text[pos:end].strip(" ")
                ):
                    missed.append(("pair", text, pos))
                for t in data.templates:
                    if t.infix_re.fullmatch(text, pos, end) and infix is None:
                        missed.append(("template", text, pos))
                if any(r.fullmatch(text, pos, end) for _, r in data.ratios) and (
                    c != " " or (data.pair_first is not None and c not in data.pair_first)
                    or not text[pos:end].strip(" ")
                ):
                    missed.append(("ratio", text, pos))
    assert not missed, missed[:5]


def _cue_pieces(lang: str) -> list[str]:
    data = cue_data(lang)
    words = [" ".join(p) for p in [*data.kinds, *data.outcomes_after]]
    words += [w for index in (data.aux, data.kind_first, data.after_first) for w in index]
    words += [*data.before_tags, *data.stop, *data.joiners, *data.of_words, *data.places]
    return [*words, *_FILLERS, ", ", " ,", "\n", "7", "é", "ß", "½", "_", "ʼ", "Ї", "ǅ", "٣"]


_PLAIN_WORD = r"[^\W\d_]++(?:['.\-][^\W\d_]++)*+"  # classify._WORD, as first written
_PLAIN_TOKEN = re.compile(rf"({_GAP})({_PLAIN_WORD})")


@cache
def _plain_run(words_max: int) -> re.Pattern[str]:
    return re.compile(rf"(?:(?:{_GAP}){_PLAIN_WORD}){{0,{words_max}}}+")


def _tokens_by_run(view: str, pos: int, data: CueData) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words after ``pos`` as the definition reads them: the run, split by findall."""
    end = _plain_run(data.modifiers_max + 6).match(view, pos).end()  # type: ignore[union-attr]
    pairs = _PLAIN_TOKEN.findall(view, pos, end)
    return tuple(g for g, _ in pairs), tuple(w for _, w in pairs)


def _match_plain(
    words: tuple[str, ...], gaps: tuple[str, ...], i: int, index: dict[str, list[tuple[str, ...]]]
) -> tuple[str, ...] | None:
    """classify._match_at as first written: word by word."""
    for phrase in index.get(words[i], ()):
        if i + len(phrase) <= len(words) and all(
            words[i + k] == phrase[k] and (k == 0 or "," not in gaps[i + k]) for k in range(len(phrase))
        ):
            return phrase
    return None


@pytest.mark.parametrize("lang", _LANGS)
def test_words_after_a_number(lang: str) -> None:
    """:func:`classify._tokens` (the first word, then the run after it) reads the words
    of the whole run; :func:`classify._match_at` finds the phrases a word-by-word test
    finds; with no word or an idle one first, no noun is counted and no outcome follows,
    as the general path finds; an outcome phrase before a number starts with a space."""
    data = cue_data(lang)
    rng = random.Random(7 + len(lang))
    pieces = _cue_pieces(lang)
    missed = []
    for _ in range(1500):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        text = "".join(rng.choice(["", " ", "  ", ",", ", ", " , ", "-"]) + w for w in text.split(" "))
        back = text[::-1]
        for pos in range(len(text) + 1):
            gaps, words = _tokens_by_run(text, pos, data)
            toks = _tokens(text, pos, data)
            if (toks.gaps, toks.words) != (gaps, words):
                missed.append(("tokens", text, pos))
            for index in (data.kind_first, data.after_first, data.aux):
                for i in range(len(words)):
                    if _match_at(toks, i, index) != _match_plain(words, gaps, i, index):
                        missed.append(("match", text, pos))
            if (_TOKEN.match(text, pos) is None) != (not words):
                missed.append(("head", text, pos))
            if (not words or words[0] in data.idle) and (
                _find_noun(toks, data) != (0, 0, None) or _outcome_after(toks, 0, data) is not None
            ):
                missed.append(("idle", text, pos))
            at = len(text) - pos
            found = data.before_back_re.match(back, at) or data.before_focus_back_re.match(back, at)
            last = data.before_last
            space, before = text[pos - 1 : pos], text[pos - 2 : pos - 1]
            if found and (space != " " or (last is not None and before not in last)):
                missed.append(("before", text, pos))
    assert not missed, missed[:5]


_MEASURED = {
    "en": ["5", "12", "3.5", "two", "mg", "km", "years", "months", "days", "hours", "%", "$", "and", "or",
           ",", "to", "-", "between", "people", "more than", "up to"],
    "uk": ["5", "12", "3,5", "два", "мг", "км", "років", "місяців", "днів", "годин", "%", "грн", "і", "та",
           "або", ",", "до", "-", "між", "людей", "понад"],
    "ru": ["5", "12", "3,5", "два", "мг", "км", "лет", "месяцев", "дней", "часов", "%", "руб", "и", "или",
           ",", "до", "-", "между", "человек", "более"],
}


@pytest.mark.parametrize("lang", _LANGS)
def test_mentions_left_alone(lang: str) -> None:
    """:func:`qualify` calls ``_share_units`` only with a bare number and a measured one,
    and ``merge_durations`` only with a duration: without, each gives back the mentions."""
    data = qualifier_data(lang)
    rng = random.Random(11 + len(lang))
    checked = 0
    for _ in range(600):
        text = " ".join(rng.choice(_MEASURED[lang]) for _ in range(rng.randint(1, 10)))
        view = to_view(text)
        mentions = attach(text, view, lang, split_numbers(view, lang, find_numbers(view, lang, text))[0])
        kinds = [m.kind for m in mentions]
        if "bare" not in kinds or kinds.count("bare") == len(kinds):
            checked += 1
            assert _share_units(view, mentions, data) == list(mentions), text
        if "duration" not in kinds:
            assert merge_durations(view, mentions, data.duration_joiner_re) == list(mentions), text
    assert checked > 100


@pytest.mark.parametrize("lang", _LANGS)
def test_infix_templates_remembered(lang: str) -> None:
    """The templates :func:`qualify._range_at` remembers for an infix are those whose
    infix pattern it matches, in order."""
    data = qualifier_data(lang)
    rng = random.Random(13 + len(lang))
    joins = [" ".join(t.name.split()[1:-1]) for t in data.templates] + ["-", "~", ":", "/"]
    numbers = ["5", "12", "3.5", "40"]
    for _ in range(300):
        text = rng.choice(numbers)
        for _ in range(rng.randint(1, 4)):
            join = "".join(rng.choice(["", " ", "  "]) + w for w in rng.choice(joins).split(" "))
            text += join + rng.choice(["", " ", "   "]) + rng.choice(numbers)
        extract(text, lang=lang)
    assert len(data.infix_templates) > 5
    for infix, templates in data.infix_templates.items():
        assert templates == tuple(t for t in data.templates if t.infix_re.fullmatch(infix)), infix


def test_common_letters_are_letters() -> None:
    """What classify reads by range before the Unicode lookup is letters only."""
    common, letter = re.compile(_COMMON_LETTER), re.compile(_LETTER)
    assert all(letter.match(chr(c)) for c in range(0x110000) if common.match(chr(c)))


@pytest.mark.parametrize(
    ("surface", "year_like"),
    [
        ("1999", True), ("2100", True), ("1800", True), ("２０１４", True),  # fullwidth digits too
        ("1799", False), ("2101", False), ("2,000", False), ("19990", False), ("12", False),
        ("1999.5", False),
    ],
)
def test_a_year_like_number_is_told_by_its_four_digits(surface: str, year_like: bool) -> None:
    """A count or bare number of four plain digits from 1800 to 2100 turns into a number
    (rule number.year_like); the four-digit test made before the mention is looked up
    lets through every such number."""
    facts = extract(f"The {surface} boxes arrived.", lang="en", options=Options(all_numbers=True))
    (fact,) = [f for f in facts if f.text == surface]
    assert ("number.year_like" in fact.rules) is year_like
    assert (fact.kind == "number") is (year_like or surface == "1999.5")
