"""Ukrainian and Russian language data: as good as English.

* the example corpora ``tests/corpus/{uk,ru}/{numbers,counts,negatives}.jsonl`` (same record
  format as ``test_corpus.py``; known failures are strict xfail with a reason);
* the word tables themselves: every inflected form parses to its value, ordinal words never
  make a number, every word is written as the view sees it (lower-case, "'" and "е" for
  the folded apostrophes and "ё"), outcome words end a counted noun phrase;
* Duckling's ordinal suites (../shared, skipped when absent): no number in an ordinal;
* a smoke run over the news corpora (../shared, skipped when absent): spans are exact and
  no count is glued to letters or ends in an ordinal suffix.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from quantities import Options, analyze
from quantities.filters import split_numbers
from quantities.lang import load
from quantities.normalize import to_view
from quantities.numbers import find_numbers, number_data

from conftest import CORPUS, read_jsonl, shared_path

LANGS = ("uk", "ru")
FILES = ("numbers", "counts", "negatives")
COUNT_KINDS = {"count", "people", "personnel", "casualties", "aircraft", "flights", "equipment"}


@pytest.mark.parametrize("lang", LANGS)
def test_corpora_are_not_empty(lang: str) -> None:
    for name in FILES:
        assert len(read_jsonl(CORPUS / lang / f"{name}.jsonl")) >= 20, f"{lang}/{name}.jsonl is too small"


# ---------------------------------------------------------------- the word tables
def _whole(text: str, lang: str) -> list[tuple[int, int, Any]]:
    view = to_view(text)
    kept, _ = split_numbers(view, lang, find_numbers(view, lang, text))
    return [(n.start, n.end, n.value) for n in kept]


@pytest.mark.parametrize("lang", LANGS)
def test_every_cardinal_form_parses_to_its_value(lang: str) -> None:
    data = number_data(lang)
    wrong = []
    for word, value in data.cardinals.items():
        got = _whole(word, lang)
        if got != [(0, len(word), value)]:
            wrong.append((word, value, got))
    assert not wrong, wrong


@pytest.mark.parametrize("lang", LANGS)
def test_every_scale_form_multiplies(lang: str) -> None:
    data = number_data(lang)
    two = {"uk": "дві", "ru": "две"}[lang]
    wrong = []
    for word, factor in data.scales.items():
        text = f"{two} {word}"
        got = _whole(text, lang)
        if got != [(0, len(text), 2 * factor)]:
            wrong.append((text, got))
        digits = f"2 {word}"
        if word in data.multipliers and _whole(digits, lang) != [(0, len(digits), 2 * factor)]:
            wrong.append((digits, _whole(digits, lang)))
    assert not wrong, wrong


@pytest.mark.parametrize("lang", LANGS)
def test_every_vague_form_has_its_figure(lang: str) -> None:
    data = number_data(lang)
    wrong = []
    for word, spec in data.vague.items():
        view = to_view(word)
        nums = find_numbers(view, lang, word)
        if [(n.start, n.end, n.value, n.vague, n.low, n.high) for n in nums] != [
            (0, len(word), spec.value, True, spec.low, spec.high)
        ]:
            wrong.append((word, nums))
    assert not wrong, wrong


@pytest.mark.parametrize("lang", LANGS)
def test_ordinal_words_are_never_numbers(lang: str) -> None:
    data = number_data(lang)
    overlap = data.ordinal_words & (set(data.cardinals) | set(data.scales) | set(data.vague))
    assert not overlap, f"words both ordinal and cardinal: {sorted(overlap)}"
    tens = {"uk": "двадцять", "ru": "двадцать"}[lang]
    wrong = []
    for word in sorted(data.ordinal_words):
        for text in (word, f"{tens} {word}", f"сто {word}"):
            if _whole(text, lang):
                wrong.append(text)
    assert not wrong, wrong


@pytest.mark.parametrize("lang", LANGS)
def test_ordinal_suffixes_after_digits(lang: str) -> None:
    wrong = [f"47{s}" for s in number_data(lang).ordinal_suffixes if _whole(f"у 47{s} бригаді", lang)]
    assert not wrong, wrong


def _words(value: Any) -> list[str]:
    """Every string inside a data value (lists, nested tables)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [w for item in value for w in _words(item)]
    if isinstance(value, dict):
        return [w for item in value.values() for w in _words(item)]
    return []


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ["numbers", "qualifiers", "cues", "filters"])
def test_words_are_written_as_the_view_sees_them(lang: str, name: str) -> None:
    raw = load(lang, name)
    words = _words(raw)
    for section in ("cardinals", "scales", "multipliers", "multipliers_attached", "multipliers_money",
                    "fractions", "vague"):
        words += list(raw.get(section, {}))
    wrong = [w for w in words if to_view(w) != w]
    assert not wrong, f"{lang}/{name}.toml: not lower-case or not folded: {wrong}"


@pytest.mark.parametrize("lang", LANGS)
def test_case_multipliers_are_upper_case(lang: str) -> None:
    for word in load(lang, "numbers")["multipliers_case"]:
        assert word.isupper(), word


@pytest.mark.parametrize("lang", LANGS)
def test_outcome_words_end_a_counted_noun(lang: str) -> None:
    """ "17 загиблих": the outcome word must be a stop word, or it would be taken as the noun."""
    cues = load(lang, "cues")
    stop = set(cues["stop"]["words"])
    missing = sorted(
        {phrase.split()[0] for spec in cues["outcomes"].values() for phrase in spec["after"]} - stop
    )
    assert not missing, f"{lang}/cues.toml: outcome words missing from [stop]: {missing}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_word_is_listed_twice_in_a_section(lang: str) -> None:
    for name in ("qualifiers", "cues", "filters"):
        raw = load(lang, name)
        for section, table in raw.items():
            items = table.items() if isinstance(table, dict) else []
            for key, value in items:
                if isinstance(value, list):
                    dupes = sorted({w for w in value if value.count(w) > 1})
                    assert not dupes, f"{lang}/{name}.toml [{section}] {key}: listed twice: {dupes}"


# ---------------------------------------------------------------- peer suites and corpora
@pytest.mark.parametrize("lang", LANGS)
def test_duckling_ordinals_are_not_numbers(lang: str) -> None:
    path = shared_path("eval", "peers", f"duckling_ordinal_{lang}.jsonl")
    wrong = []
    for rec in read_jsonl(path):
        text = rec["text"]
        facts = analyze(text, lang=lang, options=Options(all_numbers=True)).facts
        if any(f.kind in COUNT_KINDS | {"number"} for f in facts):
            wrong.append(text)
    assert not wrong, wrong


_GLUED = re.compile(r"\w")


@pytest.mark.parametrize("lang", LANGS)
def test_news_corpus_smoke(lang: str) -> None:
    """Research-only corpus (never copied here): spans exact, no count glued to letters."""
    path = shared_path("corpora", f"news_{lang}.jsonl")
    suffixes = sorted(number_data(lang).ordinal_suffixes, key=len, reverse=True)
    ordinal = re.compile(rf"(?:{'|'.join(re.escape(s) for s in suffixes)})(?![^\W\d_])")
    problems = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= 150:
                break
            text = json.loads(line)["text"][:4000]
            view = to_view(text)
            for fact in analyze(text, lang=lang).facts:
                assert text[fact.start : fact.end] == fact.text
                if fact.kind not in COUNT_KINDS:
                    continue
                context = text[max(0, fact.start - 20) : fact.end + 20]
                if fact.start and _GLUED.match(text[fact.start - 1]):
                    problems.append(("glued", context))
                if fact.text[-1:].isdigit() and ordinal.match(view, fact.end):
                    problems.append(("ordinal", context))
    assert not problems, problems
