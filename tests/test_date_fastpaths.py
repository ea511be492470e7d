"""Shortcuts of the date stage's per-date work say what the plain definitions say."""

from __future__ import annotations

import calendar
import random
import re
from collections.abc import Iterable
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


def _spans_by_plain_loop(grammar: dates._Grammar, view: str) -> dict[str, list[tuple[int, int]]]:
    """The spans of every feature, each context made from its base in the order of
    ``grammar.contexts`` (a whole pass over them, found or not)."""
    spans = dates._anchor_spans(grammar, view)
    for name, context in grammar.contexts.items():
        spans[name] = [span for span in spans[context.base]
                       if (context.pattern.match(view, span[0]) if context.measure is None
                           else context.pattern.search(view, max(0, span[0] - context.before), span[0]))]
    return spans


def _dates_by_plain_loop(text: str, view: str, lang: str, reference: date | None
                         ) -> tuple[list[dates.Candidate], list[dates.Rejected]]:
    """:func:`dates.find_dates` without its shortcuts: every rule tried in turn over the
    spans of every feature, the anchor worked out for every text with a date, every date
    placed as a dateline checked."""
    grammar = dates._grammar(lang)
    scan = dates._Scan(text, view, grammar.lex)
    spans = _spans_by_plain_loop(grammar, view)
    hits: list[dates._Hit] = []
    for order, rule in enumerate(grammar.rules):
        for m in dates._matches(rule, view, spans):
            hit = rule.build(scan, m)
            if hit is not None and hit.end > hit.start:
                hit.order = order
                hits.append(hit)
    if not hits:
        return [], []
    chosen = dates._join(grammar, view, dates._select(hits))
    if reference is not None and dates.YEAR_MIN <= reference.year <= dates.YEAR_MAX:
        anchor = dates._Anchor(reference, "reference_date")
    else:
        placed = [h for h in chosen if dates._dateline_place(grammar, view, h)]
        anchor = dates._dateline(reference, placed, dates._latest_year(chosen))
    candidates: list[dates.Candidate] = []
    rejected: list[dates.Rejected] = []
    for hit in chosen:
        if hit.spec is None:
            rejected.append(dates.Rejected(hit.start, hit.end, hit.rule, hit.reason or "invalid"))
            continue
        tense = dates._tense(grammar, view, hit.start, hit.end) if dates._needs_tense(hit.spec) else "past"
        result = dates._resolve(hit.spec, anchor, tense)
        if isinstance(result, str):
            rejected.append(dates.Rejected(hit.start, hit.end, hit.rule, result))
        else:
            candidates.append(dates._candidate(hit, result, tense))
    return candidates, rejected


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_the_per_text_shortcuts_find_the_dates_of_the_plain_loop(lang: str) -> None:
    """:func:`dates.find_dates` makes the spans of the features found only, tries the rules
    of those features only, and works out the anchor (the dateline, without a reference
    date) only for a date that needs it: the same dates and rejections as the plain loop,
    on short windows of real text (a paragraph's, where the shortcuts count) and whole
    texts, with and without a reference date."""
    rng = random.Random(20261125)
    texts = _texts(lang)
    views = ["", "9 January", "on 9 January.", "Today, January 6, 2021",
             "January 9, 2021\nToday, January 6, 2021, they met.", *texts[:100]]
    every_ref = len(views)  # these with every reference date, the windows with one each
    views += [t[a:a + rng.randrange(20, 400)] for t in texts for a in (rng.randrange(len(t)),)]
    refs = (None, date(2020, 1, 1), date(2016, 2, 29), date(1800, 5, 5))
    differ = []
    found = 0
    for i, text in enumerate(views):
        view = to_view(text)
        spans = dates._anchor_spans(dates._grammar(lang), view)
        if spans != _spans_by_plain_loop(dates._grammar(lang), view):
            differ.append(("spans", text[:80]))
        for reference in (refs if i < every_ref else refs[i % 4:i % 4 + 1]):
            fast = dates.find_dates(text, view, lang, reference)
            found += len(fast[0]) + len(fast[1])
            if fast != _dates_by_plain_loop(text, view, lang, reference):
                differ.append((str(reference), text[:80]))
    assert found > 300
    assert not differ, differ[:5]


def _select_by_map(hits: list[dates._Hit]) -> list[dates._Hit]:
    """:func:`dates._select` with a map of the text's taken characters, for any number of hits."""
    ordered = sorted(hits, key=lambda h: (h.start - h.end, h.order, h.start))
    occupied = bytearray(max((h.end for h in ordered), default=0))
    taken = []
    for hit in ordered:
        if hit.end <= hit.start or occupied.find(1, hit.start, hit.end) >= 0:
            continue
        occupied[hit.start:hit.end] = b"\x01" * (hit.end - hit.start)
        taken.append(hit)
    return sorted(taken, key=lambda h: h.start)


def test_a_few_hits_are_selected_as_with_a_map_of_the_text() -> None:
    """:func:`dates._select` checks a few hits against each other: the same choice as
    with a map of the characters taken, for lists of every size around the switch."""
    rng = random.Random(20261126)
    for _ in range(3000):
        hits = []
        for order in range(rng.randrange(dates._FEW_HITS + 4)):
            start = rng.randrange(40)
            hits.append(dates._Hit(start, start + rng.randrange(-1, 12), f"r{order}",
                                   order=rng.randrange(5)))
        assert dates._select(hits) == _select_by_map(hits), hits


# ---------------------------------------------------------------- the past-word index

_PIECES = ["went", "arrived", "said", "red", "bed", "x'ed", "5abled", "a_ed", "o'", "'", "_",
           "вона", "прийшла", "пішли", "сказал", "было", "1", "42", " ", " ", ", ", ". ", "\n", "-"]


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_past_word_index_is_the_window_search(lang: str) -> None:
    """``_PastWords.search(lo, hi)`` says what ``pattern.search(view, lo, hi)`` says, for
    every window of short texts built from words with past endings, words that only end
    like them, digits, apostrophes and underscores glued to letters (runs cut by a
    window's ends on either side), and for random windows of every test text."""
    pattern = dates._grammar(lang).past_word.compiled
    rng = random.Random(f"past-{lang}")
    for _ in range(150):
        view = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12)))
        index = dates._PastWords(pattern, view)
        for lo in range(len(view) + 1):
            for hi in range(lo, len(view) + 1):
                assert index.search(lo, hi) == (pattern.search(view, lo, hi) is not None), (view, lo, hi)
    for text in _texts(lang):
        view = to_view(text)
        index = dates._PastWords(pattern, view)
        for _ in range(200):
            lo = rng.randrange(len(view) + 1)
            hi = rng.randrange(lo, min(len(view), lo + 500) + 1)
            assert index.search(lo, hi) == (pattern.search(view, lo, hi) is not None), (lo, hi)


def test_tense_with_the_index_is_the_tense_without() -> None:
    """A text with a date every few characters and no sentence end (where find_dates
    builds the index): every date's tense is the same with the index and without."""
    for lang, date_text, verb in [("uk", "9 січня ", "прийшли "), ("ru", "9 января ", "пришли "),
                                  ("en", "January 9 ", "arrived ")]:
        grammar = dates._grammar(lang)
        rng = random.Random(lang)
        view = to_view("".join(rng.choice([date_text, date_text, verb, "x ", "5'"]) for _ in range(400)))
        index = dates._PastWords(grammar.past_word.compiled, view)
        surface = date_text.strip().lower()  # the view is case-folded
        starts = [m.start() for m in re.finditer(re.escape(surface), view)]
        assert len(starts) > 100
        for start in starts:
            end = start + len(surface)
            with_index = dates._tense(grammar, view, start, end, index=index)
            assert with_index == dates._tense(grammar, view, start, end)


# ---------------------------------------------------------------- the sentence and cue index

_STOPS = [".", ". ", "!", "?\n", "\n", ".»", '."', ".x", "3.5", "?", " "]


def _cue_pieces(lang: str) -> list[str]:
    """Cue words of ``lang``, whole and cut short, words that start like them, stops."""
    words = dates._grammar(lang).lex.words
    cues = sorted({*words["future_cues"], *words["past_cues"]})
    rng = random.Random(f"cues-{lang}")
    picked = rng.sample(cues, min(12, len(cues)))
    return [*picked, *(w[: max(1, len(w) // 2)] for w in picked), *(w + "x" for w in picked[:4]),
            " ", " ", "  ", ", ", "\n", "5", *_STOPS]


def _sentence_by_search(view: str, lo: int, start: int, end: int, hi: int) -> tuple[int, int]:
    last = dates._LAST_STOP.match(view, lo, start)
    if last is not None:
        lo = last.end()
    after = dates._SENTENCE_STOP.search(view, end, hi)
    return lo, (after.start() if after is not None else hi)


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_tense_marks_are_the_window_searches(lang: str) -> None:
    """``_TenseMarks.sentence`` and ``.cue`` say what the searches of ``_tense`` say, for
    every window of short texts of cue words (whole, cut, lengthened), stops and spaces
    (cues and stops cut by a window's end), and for random windows of every test text."""
    grammar = dates._grammar(lang)
    cue_after = grammar.cue_after.compiled
    pieces = _cue_pieces(lang)
    rng = random.Random(f"marks-{lang}")

    def check(view: str, windows: list[tuple[int, int]]) -> None:
        marks = dates._TenseMarks(grammar, view)
        for lo, hi in windows:
            found = cue_after.search(view, lo, hi)
            want = None if found is None else (found.start(), found.lastgroup is not None)
            assert marks.cue(lo, hi) == want, (view, lo, hi)
            start = rng.randint(lo, min(hi, lo + dates._SENTENCE_REACH))  # as _tense's windows
            end = rng.randint(start, hi)
            got = marks.sentence(lo, start, end, hi)
            assert got == _sentence_by_search(view, lo, start, end, hi), (view, lo, start, end, hi)

    cues_found = 0
    for _ in range(120):
        view = to_view("".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(1, 8))))
        check(view, [(lo, hi) for lo in range(len(view) + 1) for hi in range(lo, len(view) + 1)])
        cues_found += cue_after.search(view) is not None
    assert cues_found > 30  # the texts do hold cues
    for text in _texts(lang):
        view = to_view(text)
        windows = []
        for _ in range(100):
            lo = rng.randrange(len(view) + 1)
            windows.append((lo, rng.randrange(lo, min(len(view), lo + 450) + 1)))
        check(view, windows)


def test_tense_with_the_marks_is_the_tense_without() -> None:
    """Dense dates among cue words, past verbs and sentence ends: every date's tense is
    the same with the sentence and cue index (and the past-word index) and without."""
    for lang, date_text, verb in [("uk", "9 січня ", "прийшли "), ("ru", "9 января ", "пришли "),
                                  ("en", "January 9 ", "arrived ")]:
        grammar = dates._grammar(lang)
        pieces = [verb, "x ", ". ", "\n", *_cue_pieces(lang)]
        rng = random.Random(f"tense-{lang}")
        view = to_view("".join((date_text if rng.random() < 0.3 else rng.choice(pieces)) + " "
                               for _ in range(600)))
        index = dates._PastWords(grammar.past_word.compiled, view)
        marks = dates._TenseMarks(grammar, view)
        surface = date_text.strip().lower()
        starts = [m.start() for m in re.finditer(re.escape(surface), view)]
        assert len(starts) > 60
        tenses = set()
        for start in starts:
            end = start + len(surface)
            tense = dates._tense(grammar, view, start, end)
            assert dates._tense(grammar, view, start, end, index=index, marks=marks) == tense
            tenses.add(tense)
        assert len(tenses) > 1  # the texts give dates of more than one tense


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_a_context_tested_for_what_it_needs_first_says_the_same(lang: str) -> None:
    """A context with ``needs`` (a range's link) is tested for it first: found where the
    full pattern is found, in every window of generated range texts and random windows
    of every test text."""
    grammar = dates._grammar(lang)
    contexts = [ctx for kids in grammar.children.values() for _, ctx in kids if ctx.needs is not None]
    assert contexts
    words = {"en": ["9", "12", "to", "and", "-", "January", "fifth", "of"],
             "uk": ["9", "12", "до", "по", "і", "-", "січня", "п'ятого"],
             "ru": ["9", "12", "до", "по", "и", "-", "января", "пятого"]}[lang]
    rng = random.Random(f"needs-{lang}")
    found = 0
    for ctx in contexts:
        test, back = ctx.test
        for _ in range(300):
            view = to_view(" ".join(rng.choice(words) for _ in range(rng.randint(2, 9))))
            for hi in range(len(view) + 1):
                lo = max(0, hi - back)
                want = ctx.pattern.search(view, lo, hi)
                assert (test(view, lo, hi) is None) == (want is None), (view, lo, hi)
                found += want is not None
        for text in _texts(lang):
            view = to_view(text)
            for _ in range(200):
                hi = rng.randrange(len(view) + 1)
                lo = max(0, hi - back)
                assert (test(view, lo, hi) is None) == (ctx.pattern.search(view, lo, hi) is None)
    assert found > 20  # the generated texts hold ranges


# ---------------------------------------------------------------- backward matches

#: patterns with each construct the reverser spells backwards, and strings to try them on
_REVERSIBLE = [
    "ab", "a[^b]c", "[a-c1]x", r"[^a-c\d]b", r"\w\W", r"\d\D\s\S", r"[\w.][^\W\d]", ".a",
    "x(?:a|bc|)", "(?:ab|a)c", "(a)(?P<n>b)?", "a{1,3}b", "(?:ab){0,2}?c", "a*b+", "(?:a|bb)+?",
    "a(?=b).", "a(?!bc)", "(?=ab)a.", "(?<=a)b", "(?<!ab)c", r"(?<![\w])ab(?!\w)",
    r"(?<![0-9][.,])1(?![.,][0-9])", "(?<=a(?=b))b", "(?=(?<=a)b)b", "(?<=(?<!a)b)c",
    r"(?!(?<=a)b)\w", r"\bab\b", r"a\B.", r"\B1", r"\Ab", r"(?:\Aa|b)c", r"a(?:\A|b)", r"(?<=\A)a",
    r"(?<=\Ab)a", "1(?![.,][0-9]) ", "(?:ab(?:c|)|a(?:bd|c)|b)(?!b)",
    r"(?<!\w)(?:a(?:b(?:c)?|c)|b(?:a|c))(?!\w)[ ]{1,2}", dates._words(["ab", "a b", "b", "ba c"]),
]
#: each construct the reverser gives up on
_IRREVERSIBLE = [r"a++", r"(?:ab)*+", r"(?>ab|a)b", r"(a)\1", r"(a)?(?(1)b|c)", r"(?i)a", r"(?i:a)b",
                 r"(?-i:a)b", r"^a", r"a$", r"(?=a|bc)", r"a(?!b*)", r"(?m)a"]
_ALPHABET = "ab  abc1.,\nx"  # letters and spaces more often than the rest


def test_a_pattern_spelled_backwards_matches_the_reversed_strings() -> None:
    r"""A backward pattern matches at the start of a reversed string exactly when the
    pattern matches ending at the string's end, for patterns of every construct it
    spells (classes, repeats, alternatives, lookarounds nested both ways, ``\b``,
    ``\A``) on random short strings; and the window test built on it says what the
    search of the window says, for every end of a window and its start ``back`` before
    (``\A`` and lookbehinds at the window's start see the text before it)."""
    rng = random.Random("reversal")
    for pattern in _REVERSIBLE:
        reversal = dates._reversal(pattern)
        assert reversal is not None, pattern
        back = re.compile(reversal.pattern)
        forward = re.compile(pattern + r"\Z")
        answers = set()
        strings = ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 7))) for _ in range(3000)]
        for s in strings:
            found = forward.search(s) is not None
            assert (back.match(s[::-1]) is not None) == found, (pattern, reversal.pattern, s)
            answers.add(found)
        assert answers == {True, False}, pattern  # the strings tell matches from the others
        if reversal.width >= dates._SRE_CONSTANTS.MAXREPEAT:
            continue
        for extra in (0, 2):  # a context looks back as far as its piece is wide, or further
            width = reversal.width + extra
            test = dates._backward_test(pattern + r"\Z", width)
            assert test is not None
            for s in strings[:400]:
                for hi in range(len(s) + 1):
                    lo = max(0, hi - width)
                    want = forward.search(s, lo, hi) is not None
                    assert (test(s, lo, hi) is not None) == want, (pattern, s, lo, hi)


def test_what_cannot_be_spelled_backwards_is_left_to_the_search() -> None:
    """Possessive repeats, atomic groups, backreferences, conditionals, flags, ``^``, ``$``
    and lookaheads of several widths: no backward pattern; nor a window test for a
    pattern whose matches may be wider than the window."""
    for pattern in _IRREVERSIBLE:
        assert dates._reversal(pattern) is None, pattern
    assert dates._backward_test(r"ab?\Z", 1) is None
    assert dates._backward_test(r"ab*\Z", 100) is None
    assert dates._backward_test(r"ab?\Z", 2) is not None


def _lead_words(lang: str) -> dict[str, list[str]]:
    """A few words of each kind the backward contexts of ``lang`` are built from, the
    longest of each kind first."""
    lex = dates._grammar(lang).lex
    w = lex.words
    rng = random.Random(f"lead-words-{lang}")

    def some(forms: Iterable[str], k: int) -> list[str]:
        pool = sorted(forms)
        if not pool:
            return []
        longest = max(pool, key=len)
        return [longest, *rng.sample([f for f in pool if f != longest], min(k, len(pool) - 1))]

    positive = [form for form, n in lex.ordinals.items() if n > 0]
    tens = [f"{t}{link}{o}" for t in some(lex.ordinal_tens, 1) for link in (" \r\n ", "-", " ")
            for o in some(positive, 2)]
    return {
        "day": [*tens, "1", "9", "12", "31", "05", "123", "2021",
                *(d + s for d in ("21", "2") for s in some(w["day_suffixes"], 3)), *some(positive, 8)],
        "ordinal": some(lex.ordinals, 8),
        "weekday": [*some([*lex.weekdays, *w["day_words"]], 6)],
        "in_month": [*some([*w["in_month"], *w["day_of"]], 4)],
        "cue": some(w["cues"], 10),
        "modifier": some(lex.modifiers, 6),
        "month": [*some(lex.months, 4), *some(lex.month_abbreviations, 2)],
        "link": [*some({pair[1] for pair in lex.range_pairs}, 3), "-", " - ", "  -"],
        "noise": ["x", "5", "5.5", ".", ",", "-", "the", "a"],
    }


#: the pieces before a feature (see dates._contexts), as kinds of words in order
_LEADS = [["day", "month"], ["day", "in_month", "month"], ["day", "link", "day", "month"],
          ["day", "link", "day", "in_month", "month"], ["ordinal", "weekday", "month"],
          ["ordinal", "weekday", "in_month", "month"], ["cue", "month"], ["cue", "day"],
          ["modifier", "month"], ["modifier", "weekday"]]
_SEPARATORS = [" ", " ", " ", "  ", "   ", "    ", "\n", " \n ", " \r\n ", "\n\n", "", ", ", ".", "-", "x"]


def _lead_text(rng: random.Random, words: dict[str, list[str]]) -> str:
    """A few pieces before features, each with now and then a word of another kind,
    joined by gaps of one to four spaces, line breaks, nothing, punctuation."""
    kinds: list[str] = []
    for _ in range(rng.randint(1, 3)):
        lead = list(rng.choice(_LEADS))
        if rng.random() < 0.3:
            lead[rng.randrange(len(lead))] = rng.choice(list(words))
        kinds += lead
    parts = [rng.choice(words[kind]) for kind in kinds]
    return "".join(part + rng.choice(_SEPARATORS) for part in parts)


def _widest_leads(words: dict[str, list[str]]) -> list[str]:
    """Each piece as wide as it can be (its longest words, the widest gaps), so that it
    starts right where the window before its feature starts, after a letter, a digit
    or a space: whether it matches hangs on the character before the window."""
    return [before + "".join(words[kind][0] + " \r\n " for kind in lead[:-1]) + words[lead[-1]][0]
            for lead in _LEADS for before in ("x", "5", " ")]


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_every_backward_context_says_what_its_search_says(lang: str) -> None:
    """Each context before a feature can be matched backwards (and is, unless its window
    is narrow), and its test and its backward match say what the search of its window
    says: at every position of generated texts of its own words (days in digits and
    words, ordinals, weekdays, cues, modifiers, months, range links, glued and spaced
    in every way, and each piece as wide as it can be), and wherever a word or a number
    starts in every test text (where its feature may start: it is tested there only)."""
    grammar = dates._grammar(lang)
    contexts = {name: ctx for name, ctx in grammar.contexts.items() if ctx.measure is not None}
    assert len(contexts) == 7
    words = _lead_words(lang)
    rng = random.Random(f"backward-{lang}")
    generated = [to_view(_lead_text(rng, words)) for _ in range(800)]
    generated += [to_view(text) for text in _widest_leads(words)]
    texts = [to_view(text) for text in _texts(lang)]
    places = [(view, range(len(view) + 1)) for view in generated]
    places += [(view, [m.start() for m in re.finditer(r"(?<!\w)\w|(?<![0-9])[0-9]", view)]) for view in texts]
    searched = []
    for name, ctx in contexts.items():
        test, back = ctx.test
        backward = dates._backward_test(ctx.regex.source, back)
        assert backward is not None, name
        if back <= dates._SEARCHED_WINDOW:
            searched.append(name)
        found = [0, 0]
        for i, (view, ends) in enumerate(places):
            for hi in ends:
                lo = max(0, hi - back)
                want = ctx.pattern.search(view, lo, hi) is not None
                assert (test(view, lo, hi) is not None) == want, (name, view[lo:hi], lo, hi)
                assert (backward(view, lo, hi) is not None) == want, (name, view[lo:hi], lo, hi)
                found[i >= len(generated)] += want
        assert found[0] > 40, (name, found)  # the generated texts hold the context's pieces
    # the English modifiers ("last", "next"...) alone are searched: a window of 12
    assert searched == (["month_after_modifier", "weekday_after_modifier"] if lang == "en" else [])
