"""The date rules are tried only around their anchors (dates._ANCHORS): the matches must
be exactly those of a scan of the whole text, for every rule of every language.

Texts: every text of the example corpora of the language (tests/corpus/<lang>/), the
seed articles, and the first documents of ../shared/corpora when present.
"""

from __future__ import annotations

import json
import random
import re
from itertools import islice

import pytest

from quantities import dates
from quantities.normalize import to_view

from conftest import ROOT, SHARED


def _texts(lang: str) -> list[str]:
    texts = []
    for path in sorted((ROOT / "tests" / "corpus" / lang).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    if lang == "en":
        texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "seeds").glob("*.txt"))]
    corpus = SHARED / "corpora" / f"news_{lang}.jsonl"
    if corpus.exists():  # real news when ../shared is there; the examples alone otherwise
        with corpus.open(encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for line in islice(fh, 300)]
    return texts


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_anchored_matches_equal_a_whole_scan(lang: str) -> None:
    grammar = dates._grammar(lang)
    differ: dict[str, int] = {}
    found = 0
    for text in _texts(lang):
        view = to_view(text)
        spans = dates._anchor_spans(grammar, view)
        for rule in grammar.rules:
            whole = [m.span() for m in rule.pattern.finditer(view)]
            found += len(whole)
            if [m.span() for m in dates._matches(rule, view, spans)] != whole:
                differ[rule.name] = differ.get(rule.name, 0) + 1
    assert found > 50, "too few date matches to test anything"
    assert not differ, f"rules whose anchored matches differ from a whole scan (texts): {differ}"


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_geometry_from_stand_ins_equals_the_real_patterns(lang: str) -> None:
    """Rules and contexts are measured on their patterns built with stand-ins for the word
    lists (no parse of the real, long patterns): the same as measuring the real ones."""
    grammar = dates._grammar(lang)
    for rule in grammar.rules:
        real = dates._geometry(rule.name, rule.regex.source)
        assert (rule.anchor, rule.width, rule.reach) == real, rule.name
    parser = dates._SRE_PARSER
    for name, context in grammar.contexts.items():
        if context.measure is not None:
            assert context.before == parser.parse(context.regex.source).getwidth()[1], name


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_the_past_word_search_equals_a_loop_over_the_words(lang: str) -> None:
    """``dates._past_word_in`` (one regex search) says what the loop over the words of a
    window said: a word of ``_LETTERS``, at least ``_PAST_MIN_LETTERS`` long, ending in a
    past ending; a word cut by the window's start counts from there."""
    grammar = dates._grammar(lang)
    rng = random.Random(20261122)
    texts = [to_view(t) for t in _texts(lang)[:300]]
    texts += ["ab'ed 1xed _abed " + "a" * 60 + "ed", "redx bedded 12ед прийшла' данный сказала"]
    differ = []
    for view in texts:
        for _ in range(30):
            lo = rng.randrange(len(view) + 1)
            hi = rng.randrange(lo, min(len(view), lo + 300) + 1)
            loop = any(len(w.group()) >= dates._PAST_MIN_LETTERS and w.group().endswith(grammar.past_endings)
                       for w in dates._LETTERS.finditer(view, lo, hi))
            if dates._past_word_in(grammar, view, lo, hi) != loop:
                differ.append(view[lo:hi][:60])
    assert not differ, differ[:5]
    if lang == "ru":  # a window that starts inside "данный": "нный" alone is no past form
        view = "это данный момент"
        assert not dates._past_word_in(grammar, view, view.index("нный"), len(view))
        assert dates._past_word_in(grammar, view, view.index("данный"), len(view))


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_the_scanners_two_letter_test_turns_down_no_feature_word(lang: str) -> None:
    """The word scanner's lookahead for the first two letters of a feature word
    (``dates._two_letters``) is a shortcut only: without it, the scanner finds the same
    words at the same places, in whole texts and in random windows of them."""
    scanner = dates._grammar(lang).scanner
    shortcut = dates._two_letters([*scanner.whole, *scanner.prefix])
    assert scanner.pattern.pattern.count(shortcut) == 1
    plain = re.compile(scanner.pattern.pattern.replace(shortcut, "", 1))
    rng = random.Random(20261123)
    views = [" " + to_view(t) for t in _texts(lang)]
    views += [view[a:a + rng.randrange(1, 300)] for view in views[:300]
              for a in (rng.randrange(len(view)),)]
    found = 0
    for view in views:
        fast = [(m.span(), m.group("w", "p", "q")) for m in scanner.pattern.finditer(view)]
        assert fast == [(m.span(), m.group("w", "p", "q")) for m in plain.finditer(view)], view[:80]
        found += len(fast)
    assert found > 100


def test_the_scanners_first_class_leaves_out_word_characters_only() -> None:
    """The scanner starts with ``dates._NOT_WORD_LEAD`` (a bitmap class, cheaper than
    ``\\W``) and checks ``\\W`` after it: so the class must hold every non-word character
    of Unicode."""
    lead = re.compile(dates._NOT_WORD_LEAD)
    word = re.compile(r"\w")
    missing = [hex(c) for c in range(0x110000) if not lead.match(chr(c)) and not word.match(chr(c))]
    assert not missing, missing[:10]
    assert not lead.match("a") and not lead.match("я") and lead.match(" ")


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_the_digit_features_are_the_runs_of_their_lengths(lang: str) -> None:
    """``year_digits`` (a maximal run of four digits) and ``day_digits`` (of one or two,
    followed by "." or "/"), found in one pass: the same as taken from all digit runs."""
    grammar = dates._grammar(lang)
    rng = random.Random(20261124)
    views = [to_view(t) for t in _texts(lang)]
    views += ["1.2/2020 12345 123. 12/ 1234/ 0.5 2020", "7.", "2021"]
    views += [view[a:a + rng.randrange(1, 300)] for view in views[:300] for a in (rng.randrange(len(view)),)]
    for view in views:
        runs = [m.span() for m in re.finditer(r"[0-9]+", view)]
        spans = dates._anchor_spans(grammar, view)
        assert spans["year_digits"] == [(a, b) for a, b in runs if b - a == 4], view[:80]
        days = [(a, b) for a, b in runs if b - a <= 2 and view[b:b + 1] in (".", "/")]
        assert spans["day_digits"] == days, view[:80]
