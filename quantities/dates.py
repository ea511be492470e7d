"""The date stage: calendar dates, months, seasons, years and relative days.

:func:`find_dates` scans the normalised view of a text with named rules built from the
language's ``dates.toml`` and resolves every match against the reference date:

* A date whose year the text gives is ``anchor="explicit"``.
* A year-less date ("January 5", "5 January", "in March", "the first Tuesday of
  October") is resolved against the reference date by the tense of its sentence, as
  HeidelTime's news mode does (never the clock; Duckling always resolves forward,
  dateparser's PREFER_DATES_FROM defaults to the current period):

  - a **future** cue (``future_cues``: "will", "scheduled", "відбудеться", "состоится")
    takes the first occurrence that has not ended before the reference, if it starts
    within :data:`FUTURE_HORIZON_DAYS`, else the one in the reference year;
  - otherwise a **past** cue (``past_cues`` such as "was", "був", "был", or a word of
    four letters or more ending in one of ``past_endings``: "-ed", "заявив", "прошла")
    takes the latest occurrence that starts no more than :data:`NEAR_FUTURE_DAYS` after
    the reference (news reports what happened);
  - with **no tense cue** at all (headlines, captions, lists: "Выборы — 8 сентября") the
    date is taken in the current period: the reference year.

  Such dates are ``anchor="reference_date"``; the rule ``date.future_sentence``,
  ``date.past_sentence`` or ``date.current_period`` says which case applied.
* Without a reference date, the latest full date with a year in the first
  :data:`DATELINE_CHARS` characters (the article's dateline) serves; ``anchor="dateline"``.
  A reference date outside :data:`YEAR_MIN`-:data:`YEAR_MAX` counts as none given.
* Without either, a year-less date keeps a partial value ("--01-02", "--01") and
  ``anchor="none"``; relative words ("yesterday") are rejected.
* A bare weekday ("on Thursday") follows the same tenses: the first such day after the
  reference date in a future sentence, the latest on or before it in a past one, and the
  one in the reference date's (ISO, Monday-first) week with no tense cue.
* "<n> <unit> ago" and "in <n> <unit>" keep the grain of their unit ("three months ago"
  is a month, "in 3 years" a year): the offset is only as precise as its unit.

Values are ISO 8601 strings: "2022-01-17" (day), "2022-01" (month), "2014" (year and
season), intervals "A/B" with ``low``/``high`` set. The qualifier is always "exact": an
interval of dates names its period exactly.

>>> from datetime import date
>>> from quantities.normalize import to_view
>>> text = "On January 5, troops arrived."
>>> [(c.value, c.extra["grain"]) for c in find_dates(text, to_view(text), "en", date(2022, 1, 7))[0]]
[('2022-01-05', 'day')]
"""

from __future__ import annotations

import calendar
import importlib
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache, cached_property
from types import MappingProxyType
from typing import Any, NamedTuple, TypeVar

from quantities.candidates import Candidate, Rejected
from quantities.errors import DataError
from quantities.lang import load
from quantities.normalize import to_view
from quantities.numbers import alternation

__all__ = [
    "DATELINE_CHARS", "DATELINE_LEAD", "FUTURE_HORIZON_DAYS", "NEAR_FUTURE_DAYS", "YEAR_MAX", "YEAR_MIN",
    "find_dates",
]

#: A year-less date may lie this many days after the reference date and still be chosen.
NEAR_FUTURE_DAYS = 7
#: In a future sentence, a year-less date is looked for at most this far ahead.
FUTURE_HORIZON_DAYS = 183
#: Where the article's own dateline is looked for when no reference date is given.
DATELINE_CHARS = 300
DATELINE_LEAD = 40  # a dateline starts at most this far into its line
#: Years accepted as written years.
YEAR_MIN, YEAR_MAX = 1000, 2199

_YEAR_PHRASE_GAP = re.compile(r",?[ ]{1,3}")
_SENTENCE_REACH = 200  # how far the sentence of a date is searched for tense cues
_TENSE_WINDOW = 2 * _SENTENCE_REACH  # the most a date's tense search reads
_PAST_MIN_LETTERS = 4  # a word this long ending in a past ending is a past-tense verb
# The end of a sentence: not the point of "0.4%" or "Dr.Smith".
# (It starts with a set of characters, so the engine skips ahead to one.)
_SENTENCE_STOP = re.compile(r"[.!?\n](?:(?<=\n)|(?=[ \n\"'»”)]|\Z))")
# the last sentence end in a window of _SENTENCE_REACH characters: the greedy repeat
# takes the window and backs off from its end (one pass, not a loop over every stop)
_LAST_STOP = re.compile(rf"(?s:.{{0,{_SENTENCE_REACH}}})" + _SENTENCE_STOP.pattern)
_QUOTES = frozenset("«\"„“'")
_LETTERS = re.compile(r"[^\W\d_][\w']*+")
_LETTER = re.compile(r"[^\W\d_]")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_UNITS = ("day", "week", "month", "year")
_PERIOD_UNITS = ("week", "month", "year")
_SEASONS = ("spring", "summer", "autumn", "winter")
_PARTS = ("early", "mid", "late")

# Gaps between words: one to three spaces, or one line break; never a blank line.
_GAP = r"(?:[ ]{1,3}|[ ]?\r?\n[ ]?)"
_GAP_WIDTH = 4  # the longest gap
_WORD = r"\w"
_DASH = r"[ ]{0,2}-[ ]{0,2}"
# The left edge of a number: not inside a word or a number like 1.5, 3/4, 18:00.
_LB = r"(?<!\w)(?<![0-9][.,:/-])"


# --------------------------------------------------------------------------- the data


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """The validated content of one language's ``dates.toml``."""

    months: Mapping[str, int]
    month_abbreviations: Mapping[str, int]
    weekdays: Mapping[str, int]
    weekday_abbreviations: Mapping[str, int]
    ordinals: Mapping[str, int]
    ordinal_tens: Mapping[str, int]
    counts: Mapping[str, int]
    units: Mapping[str, str]
    modifiers: Mapping[str, int]
    period_words: Mapping[str, tuple[str, int]]
    relative_days: Mapping[str, int]
    seasons: Mapping[str, str]
    month_parts: Mapping[str, str]
    holidays: Mapping[str, tuple[int, int]]
    words: Mapping[str, tuple[str, ...]]
    range_pairs: frozenset[tuple[str, str]]
    numeric_order: str
    numeric_separators: tuple[str, ...]
    short_numeric_separators: tuple[str, ...]
    textual_orders: frozenset[str]
    bare_weekday: str
    bare_year_before_word: bool
    next_weekday: str
    capitalized_only: frozenset[str]


_WORD_LISTS = (
    "cues", "year_words", "year_followers", "year_suffixes", "day_suffixes", "day_of",
    "article", "week_of", "in_month", "day_words", "ago", "later", "period_blockers",
    "future_cues", "past_cues", "past_endings", "bare_weekday_blockers", "not_dateline",
    "later_blockers", "not_dateline_after",
)
_SETTINGS = (
    "numeric_order", "numeric_separators", "short_numeric_separators", "textual_orders",
    "bare_weekday", "bare_year_before_word", "next_weekday", "capitalized_only",
)
_SECTIONS = (
    "settings", "months", "month_abbreviations", "weekdays", "weekday_abbreviations",
    "ordinals", "ordinal_tens", "counts", "units", "modifiers", "period_words",
    "relative_days", "seasons", "month_parts", "holidays", "words",
)
_T = TypeVar("_T")


def _forms(where: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataError(f"{where}: expected a list of strings")
    for form in value:
        if not form or form != to_view(form) or form != form.strip() or "  " in form:
            raise DataError(f"{where}: {form!r} is not written as the normalised view")
    return list(value)


def _int_tag(low: int, high: int) -> Callable[[str], int]:
    def parse(tag: str) -> int:
        try:
            number = int(tag)
        except ValueError:
            raise DataError(f"tag {tag!r} is not a number") from None
        if not low <= number <= high:
            raise DataError(f"tag {tag!r} is outside {low}..{high}")
        return number

    return parse


def _enum_tag(allowed: tuple[str, ...]) -> Callable[[str], str]:
    def parse(tag: str) -> str:
        if tag not in allowed:
            raise DataError(f"tag {tag!r} is not one of {', '.join(allowed)}")
        return tag

    return parse


def _holiday_tag(tag: str) -> tuple[int, int]:
    month, _, day = tag.partition("-")
    parsed = _int_tag(1, 12)(month), _int_tag(1, 31)(day)
    if _invalid(_Cal(None, *parsed)) is not None:
        raise DataError(f"tag {tag!r} is not a calendar day")
    return parsed


def _period_tag(tag: str) -> tuple[str, int]:
    unit, _, shift = tag.partition(":")
    return _enum_tag(_PERIOD_UNITS)(unit), _int_tag(-9, 9)(shift)


def _table(
    data: Mapping[str, Any], lang: str, section: str, parse: Callable[[str], _T]
) -> Mapping[str, _T]:
    raw = data.get(section)
    if not isinstance(raw, dict):
        raise DataError(f"{lang}/dates.toml: [{section}] is missing or not a table")
    out: dict[str, _T] = {}
    for tag, forms in raw.items():
        where = f"{lang}/dates.toml [{section}] {tag}"
        try:
            value = parse(tag)
        except DataError as exc:
            raise DataError(f"{where}: {exc}") from None
        for form in _forms(where, forms):
            if form in out and out[form] != value:
                raise DataError(f"{where}: {form!r} is listed under two tags")
            out[form] = value
    return MappingProxyType(out)


def _setting(settings: Mapping[str, Any], lang: str, key: str, kind: type) -> Any:
    value = settings.get(key)
    if not isinstance(value, kind):
        raise DataError(f"{lang}/dates.toml [settings] {key}: expected {kind.__name__}")
    return value


def _choice(settings: Mapping[str, Any], lang: str, key: str, allowed: tuple[str, ...]) -> str:
    value: str = _setting(settings, lang, key, str)
    if value not in allowed:
        raise DataError(f"{lang}/dates.toml [settings] {key}: {value!r} not in {allowed}")
    return value


@cache
def _lexicon(lang: str) -> _Lexicon:
    data = load(lang, "dates")
    unknown = set(data) - set(_SECTIONS)
    if unknown:
        raise DataError(f"{lang}/dates.toml: unknown sections {sorted(unknown)}")
    settings = data.get("settings")
    words = data.get("words")
    if not isinstance(settings, dict) or not isinstance(words, dict):
        raise DataError(f"{lang}/dates.toml: [settings] and [words] must be tables")
    if set(words) != set(_WORD_LISTS) | {"range_pairs"}:
        raise DataError(f"{lang}/dates.toml [words]: expected keys {sorted(_WORD_LISTS)}")
    if set(settings) != set(_SETTINGS):
        raise DataError(f"{lang}/dates.toml [settings]: expected keys {sorted(_SETTINGS)}")
    pairs = words["range_pairs"]
    if not isinstance(pairs, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(w, str) for w in p) for p in pairs
    ):
        raise DataError(f"{lang}/dates.toml [words] range_pairs: expected [[opener, closer]]")
    _forms(f"{lang}/dates.toml [words] range_pairs", [w for p in pairs for w in p if w])
    orders = _setting(settings, lang, "textual_orders", list)
    if not set(orders) <= {"dmy", "mdy"}:
        raise DataError(f"{lang}/dates.toml [settings] textual_orders: {orders!r}")
    separators = {
        key: tuple(_setting(settings, lang, key, list))
        for key in ("numeric_separators", "short_numeric_separators")
    }
    for key, seps in separators.items():
        if not set(seps) <= {".", "/"}:
            raise DataError(f"{lang}/dates.toml [settings] {key}: only '.' and '/' are known")
    return _Lexicon(
        months=_table(data, lang, "months", _int_tag(1, 12)),
        month_abbreviations=_table(data, lang, "month_abbreviations", _int_tag(1, 12)),
        weekdays=_table(data, lang, "weekdays", _int_tag(1, 7)),
        weekday_abbreviations=_table(data, lang, "weekday_abbreviations", _int_tag(1, 7)),
        ordinals=_table(data, lang, "ordinals", _int_tag(-1, 31)),
        ordinal_tens=_table(data, lang, "ordinal_tens", _int_tag(20, 30)),
        counts=_table(data, lang, "counts", _int_tag(1, 100)),
        units=_table(data, lang, "units", _enum_tag(_UNITS)),
        modifiers=_table(data, lang, "modifiers", _int_tag(-2, 1)),
        period_words=_table(data, lang, "period_words", _period_tag),
        relative_days=_table(data, lang, "relative_days", _int_tag(-7, 7)),
        seasons=_table(data, lang, "seasons", _enum_tag(_SEASONS)),
        month_parts=_table(data, lang, "month_parts", _enum_tag(_PARTS)),
        holidays=_table(data, lang, "holidays", _holiday_tag),
        words=MappingProxyType(
            {key: tuple(_forms(f"{lang}/dates.toml [words] {key}", words[key]))
             for key in _WORD_LISTS}
        ),
        range_pairs=frozenset((p[0], p[1]) for p in pairs),
        numeric_order=_choice(settings, lang, "numeric_order", ("dmy", "mdy")),
        numeric_separators=separators["numeric_separators"],
        short_numeric_separators=separators["short_numeric_separators"],
        textual_orders=frozenset(orders),
        bare_weekday=_choice(settings, lang, "bare_weekday", ("capitalized", "sentence_start", "cue")),
        bare_year_before_word=_setting(settings, lang, "bare_year_before_word", bool),
        next_weekday=_choice(settings, lang, "next_weekday", ("next_week", "following")),
        capitalized_only=frozenset(
            _forms(f"{lang}/dates.toml [settings] capitalized_only",
                   settings.get("capitalized_only"))
        ),
    )


# ------------------------------------------------------------------ partial results
#
# The classes made per date (calendar points, specs, hits, a text's scan) are plain
# slotted dataclasses, hashed as frozen ones are, but never changed once made by
# convention only: a frozen dataclass's __init__ sets each field through
# object.__setattr__, three times the cost of a plain one (0.64 against 0.18 us for a
# _Hit), and several are made per date.


@dataclass(slots=True, unsafe_hash=True)
class _Cal:
    """A calendar point as written: any of year, month and day may be missing."""

    year: int | None
    month: int | None = None
    day: int | None = None
    season: str | None = None

    @property
    def grain(self) -> str:
        if self.season is not None:
            return "season"
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"


@dataclass(slots=True, unsafe_hash=True)
class _Fixed:
    """A date, month, season or year (or an interval of them) named by the calendar."""

    first: _Cal
    last: _Cal | None = None
    weekday: int | None = None  # ISO weekday written next to the date, to be checked
    year_shift: int | None = None  # the year is the reference year + this ("this year")
    offset: int | None = None  # days from the reference date said next to it ("today, ...")


@dataclass(slots=True, unsafe_hash=True)
class _Shift:
    """``amount`` units from the reference date; ``whole`` = the whole unit period."""

    unit: str
    amount: int
    whole: bool


@dataclass(slots=True, unsafe_hash=True)
class _WeekdayRef:
    """A weekday relative to the reference date. ``mode``: bare, before, following, week."""

    weekday: int
    mode: str
    weeks: int = 0


@dataclass(slots=True, unsafe_hash=True)
class _MonthRef:
    """A month shifted from the reference month: "last March", "next May"."""

    month: int
    shift: int


@dataclass(slots=True, unsafe_hash=True)
class _NthInMonth:
    """The n-th weekday (or day, ``weekday`` None) of a month; ``nth`` -1 = the last."""

    nth: int
    weekday: int | None
    month: int
    year: int | None


_Spec = _Fixed | _Shift | _WeekdayRef | _MonthRef | _NthInMonth


@dataclass(slots=True, unsafe_hash=True)
class _Hit:
    """A rule's match: a spec to resolve, or the reason it was turned down."""

    start: int
    end: int
    rule: str
    spec: _Spec | None = None
    reason: str | None = None
    also: tuple[str, ...] = ()  # further rules that shaped the hit
    order: int = 0  # the rule's place in the grammar: breaks ties between equal spans


# ------------------------------------------------------------------------- patterns


_Trie = dict[str, "_Trie"]
_END = ""  # marks the end of a form in a trie node


def _alt(forms: Iterable[str]) -> str:
    """One alternation of ``forms``: escaped, never matching if empty.

    The forms are merged into a prefix tree ("jan|january" -> "jan(?:uary)?"), so the
    regex engine tries each letter once instead of each form in turn. Optional tails are
    greedy: the longest form wins, as with a longest-first alternation. A space in a form
    matches any gap between words.
    """
    trie: _Trie = {}
    for form in set(forms):
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[_END] = {}
    return _emit(trie) if trie else "(?!)"


def _pattern_of_char(char: str) -> str:
    """A character of a form as a pattern: a space matches any gap between words."""
    return _GAP if char == " " else re.escape(char)


def _emit(node: _Trie, write: Callable[[str], str] = _pattern_of_char) -> str:
    """The trie ``node`` as one pattern, each key written with ``write`` (a form's
    characters; or items already written as patterns, see :func:`_backward_trie`)."""
    branches = [write(key) + _emit(child, write)
                for key, child in sorted(node.items()) if key != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END not in node:
        return body
    return f"(?:{body})?"


def _words(forms: Iterable[str]) -> str:
    """Whole words: ``forms`` not glued to other letters or digits."""
    return rf"(?<!\w){_alt(forms)}(?!\w)"


def _stand_in(forms: Iterable[str]) -> str:
    """A pattern as narrow and as wide as ``_alt(forms)``, with no lookaround: ``.{lo,hi}``.

    A pattern built with stand-ins for its word lists (``_Parts(lex, _stand_in)``) has the
    width and the lookaheads of the real one, and is parsed in a fraction of the time.

    >>> _stand_in(["may", "june", "next week"]), _stand_in([])
    ('.{3,12}', '(?!)')
    """
    sizes = [(len(form), len(form) + (_GAP_WIDTH - 1) * form.count(" ")) for form in set(forms)]
    if not sizes:
        return "(?!)"
    return f".{{{min(lo for lo, _ in sizes)},{max(hi for _, hi in sizes)}}}"


@dataclass(frozen=True)
class _Regex:
    """A pattern compiled when it is first used.

    Compiling costs most of a grammar's first build (the product's cold start is one short
    text), and a text needs only the patterns of the features it has.
    """

    source: str

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.source)


@dataclass(frozen=True)
class _Rule:
    """A named pattern and its builder; compiled and measured when first used.

    ``measure`` is the pattern built with stand-ins for its word lists (:func:`_stand_in`).
    """

    name: str
    regex: _Regex
    build: Callable[[_Scan, re.Match[str]], _Hit | None]
    measure: str

    @property
    def pattern(self) -> re.Pattern[str]:
        return self.regex.compiled

    @property
    def feature(self) -> str | None:
        """The feature of _ANCHORS every match contains, if any."""
        return _ANCHORS.get(self.name)

    @cached_property
    def geometry(self) -> tuple[str | None, int, int]:
        """(anchor, width, reach): see :func:`_geometry`."""
        return _geometry(self.name, self.measure)

    @property
    def anchor(self) -> str | None:
        """The feature the rule is tried around (None: the whole text is scanned)."""
        return self.geometry[0]

    @property
    def width(self) -> int:
        """The longest match."""
        return self.geometry[1]

    @property
    def reach(self) -> int:
        """How far past its start a match attempt may read (lookaheads included)."""
        return self.geometry[2]

    @cached_property
    def window(self) -> tuple[str | None, Callable[[str, int, int], re.Match[str] | None], int, int]:
        """(anchor, the pattern's bound ``search``, width, reach): what :func:`_matches`
        uses, looked up once (a document's dates are found in a few microseconds each, a
        paragraph's rules are looked at once per paragraph)."""
        return self.anchor, self.pattern.search, self.width, self.reach


@dataclass(frozen=True)
class _Context:
    r"""A narrower feature: the occurrences of feature ``base`` where ``pattern`` matches.

    No ``measure``: the pattern matches at the occurrence (it starts with the feature);
    else it matches ending right at the occurrence (it ends with ``\Z``) and starts at
    most ``before`` characters earlier (the width of ``measure``, taken when first needed).
    """

    base: str
    regex: _Regex
    measure: str | None = None  # a piece before the feature, built with stand-ins
    #: a part of ``pattern`` that any match of it holds (a range's link: "-", " to "):
    #: searched for first, far cheaper, in the window before the occurrence
    needs: _Regex | None = None

    @property
    def pattern(self) -> re.Pattern[str]:
        return self.regex.compiled

    @cached_property
    def before(self) -> int:
        return 0 if self.measure is None else _SRE_PARSER.parse(self.measure).getwidth()[1]

    @cached_property
    def test(self) -> tuple[Callable[[str, int, int], re.Match[str] | None], int]:
        """(the pattern's bound ``match`` and 0, or a test of the window before an
        occurrence and how far back it looks): what :func:`_anchor_spans` uses, looked
        up once.

        A piece before the occurrence is matched backwards (:func:`_backward_test`) on
        the window reversed, from the occurrence, instead of searched for from every
        position of the window: ``test(view, lo, hi)`` is None exactly when
        ``pattern.search(view, lo, hi)`` is, for ``lo = max(0, hi - back)`` (the windows
        :func:`_found_spans` tests). A window of :data:`_SEARCHED_WINDOW` characters or
        fewer is searched, as is a piece that cannot be spelled backwards.
        """
        if self.measure is None:
            return self.pattern.match, 0
        back = self.before
        backward = _backward_test(self.regex.source, back) if back > _SEARCHED_WINDOW else None
        test = self.pattern.search if backward is None else backward
        if self.needs is None:
            return test, back
        needs = self.needs.compiled.search

        def test_needs(view: str, lo: int, hi: int) -> re.Match[str] | None:
            # a match of the pattern in [lo, hi) holds one of ``needs`` there
            return test(view, lo, hi) if needs(view, lo, hi) is not None else None

        return test_needs, back


@dataclass(frozen=True, slots=True)
class _Grammar:
    lex: _Lexicon
    rules: tuple[_Rule, ...]
    future: _Regex  # a future cue
    cue: _Regex  # a future cue (group "future") or a past cue, in one search
    cue_after: _Regex  # the same after a non-word character (see _cues)
    past_endings: tuple[str, ...]
    past_word: _Regex  # a word of _PAST_MIN_LETTERS letters or more with a past ending
    not_dateline: _Regex  # words before a date that make it no dateline
    not_dateline_after: _Regex  # words just after it that do ("... родился")
    range_join: _Regex
    range_open: _Regex
    features: Mapping[str, _Regex]  # word features of _ANCHORS, by name
    scanner: _Scanner  # where word features may start
    contexts: Mapping[str, _Context]  # narrower features, each after its base
    # the contexts of each feature or context: (name, context), in the order of ``contexts``
    children: Mapping[str, tuple[tuple[str, _Context], ...]]
    roots: tuple[str, ...]  # the features (no contexts) that have contexts
    # the rules anchored at each feature, as a bit mask of their orders (bit ``order``);
    # and the mask of the rules with no feature (scanned whole, whatever the text has)
    masks: Mapping[str, int]
    unanchored: int
    # (order, rule) of the rules of a mask, in rule order, made when first needed
    # (:func:`_tried`): a text's rules are those of the features it has
    tried: dict[int, tuple[tuple[int, _Rule], ...]]


@dataclass(slots=True, unsafe_hash=True)
class _Scan:
    """What a rule's builder may look at."""

    text: str
    view: str
    lex: _Lexicon


class _Parts:
    """Sub-patterns of one language; group names get a prefix so they can repeat.

    Every word list goes through ``alt`` (and :meth:`words`): with :func:`_stand_in`, the
    same patterns with each list replaced by a stand-in as wide, cheap to parse.
    """

    def __init__(self, lex: _Lexicon, alt: Callable[[Iterable[str]], str] = _alt) -> None:
        self.alt = alt  # _alt; or _stand_in, to measure the patterns (see _geometry)
        w = lex.words
        self.cues = self.words(w["cues"])
        self.months_full = self.alt(lex.months)
        self._month_abbr = self.alt(lex.month_abbreviations)
        positive = [f for f, n in lex.ordinals.items() if n > 0]
        self._ord_pos = self.words(positive)
        self.ordinals = self.words(lex.ordinals)
        self._tens = self.words(lex.ordinal_tens)
        self._day_suffix = self.alt(w["day_suffixes"])
        self._year_suffix = self.alt(w["year_suffixes"])
        self._year_words = rf"{self.alt(w['year_words'])}(?!\w)"  # may be glued to the year
        self.weekdays = self.words(lex.weekdays)
        self._weekdays_any = self.words([*lex.weekdays, *lex.weekday_abbreviations])
        self.article = self.words(w["article"])
        self.day_of = self.words(w["day_of"])
        opener_words = {p[0] for p in lex.range_pairs if p[0]}
        self.openers = self.words(opener_words)
        self._closer_forms = sorted({p[1] for p in lex.range_pairs})
        self.closers = self.words(self._closer_forms)
        self.counts = self.words(lex.counts)
        self.units = self.words(lex.units)
        self.modifiers = self.words(lex.modifiers)
        self._day_words = self.words(w["day_words"])
        self._in_month = self.words(w["in_month"])

    def words(self, forms: Iterable[str]) -> str:
        """Whole words, as :func:`_words`."""
        return rf"(?<!\w){self.alt(forms)}(?!\w)"

    def month(self, g: str) -> str:
        return rf"(?<!\w)(?P<{g}>{self.months_full}(?!\w)|{self._month_abbr}(?:\.|(?!\w)))"

    def day(self, g: str) -> str:
        return (rf"(?:(?P<{g}n>[0-9]{{1,2}})(?![0-9])(?:{self._day_suffix})?(?!\w)(?![.,][0-9])"
                rf"|(?P<{g}w>(?:{self._tens}(?:-|{_GAP}))?{self._ord_pos}))")

    def year(self, g: str) -> str:
        # a year word may be glued on (Russian "2007 g."); a bare year ends the number:
        # "2014-15" and the decade "1990-kh" are no years
        return (rf"(?P<{g}>[0-9]{{4}})(?![0-9])(?:{self._year_suffix})?"
                rf"(?:(?:{_GAP})?(?P<{g}w>{self._year_words})|(?![.,][0-9])(?!-?\w))")

    def worded_year(self, g: str) -> str:
        """A year followed by its year word ("2007 року"): no bare year."""
        return (rf"(?P<{g}>[0-9]{{4}})(?![0-9])(?:{self._year_suffix})?"
                rf"(?:{_GAP})?(?P<{g}w>{self._year_words})")

    def weekday_prefix(self) -> str:
        return rf"(?P<wdp>(?P<wd>{self._weekdays_any})\.?,?{_GAP}(?:{self.article}{_GAP})?)?"

    def range_link(self) -> str:
        return rf"(?:{_DASH}|{_GAP}(?P<close>{self.closers}){_GAP})"

    def range_link_clue(self) -> str:
        r"""What every match of :meth:`range_link` holds: its dash, or the first word of
        its closer at a word's end. Each branch starts with a literal character, so a
        search skips at C speed to those characters; the link itself starts with an
        optional gap and is tried at every position (ten to twenty times slower).

        >>> print(_Parts(_lexicon("en")).range_link_clue())
        -|and(?!\w)|through(?!\w)|till(?!\w)|to(?!\w)|until(?!\w)
        """
        firsts = sorted({form.split()[0] for form in self._closer_forms if form.split()})
        return "|".join(["-", *(rf"{re.escape(word)}(?!\w)" for word in firsts)])

    def opener(self) -> str:
        return rf"(?:(?<!\w)(?P<open>{self.openers}){_GAP})?"

    # The pieces below are shared by a rule and the context of its anchor (see
    # _contexts): what stands right before or from a month, a weekday or a number.

    def day_lead(self, g: str) -> str:
        """A day and what may stand between it and its month: "5 ", "fifth of "."""
        return rf"{self.day(g)}{_GAP}(?:{self.day_of}{_GAP})?"

    def day_range_lead(self) -> str:
        """Two days and their link before the month: "9 to 12 ", "5-7 of "."""
        return rf"{self.day('a')}{self.range_link()}{self.day_lead('b')}"

    def month_day(self) -> str:
        return rf"{self.month('m')}{_GAP}(?:{self.article}{_GAP})?{self.day('d')}"

    def month_day_range(self) -> str:
        return rf"{self.month('m')}{_GAP}{self.day('a')}{self.range_link()}{self.day('b')}"

    def month_range(self) -> str:
        return rf"{self.month('m')}{self.range_link()}{self.month('n')}"

    def month_year(self) -> str:
        return rf"{self.month('m')},?{_GAP}{self.year('y')}"

    def nth_lead(self) -> str:
        """What stands before the month of "the first Tuesday of October"."""
        return (rf"(?<!\w)(?P<nth>{self.ordinals}){_GAP}(?:(?P<wd>{self.weekdays})|{self._day_words})"
                rf"{_GAP}(?:{self._in_month}{_GAP})?")

    def cue_lead(self) -> str:
        return rf"(?<!\w)(?P<cue>{self.cues}){_GAP}"

    def modifier_lead(self) -> str:
        return rf"(?<!\w)(?P<mod>{self.modifiers}){_GAP}"

    def year_range(self) -> str:
        return rf"{_LB}(?P<a>[0-9]{{4}})(?![0-9]){self.range_link()}{self.year('b')}"

    def numeric_date(self) -> str:
        """Day, month and year in digits: "5/3/2021", "05.03.21"."""
        # the same separator twice, one branch per separator (no backreference: issue 5)
        middle = "|".join(
            rf"(?P<sep{i}>{re.escape(sep)})(?P<n2_{i}>[0-9]{{1,2}}){re.escape(sep)}"
            for i, sep in enumerate(sorted(_DAY_SEPARATORS))
        )
        return (rf"(?P<n1>[0-9]{{1,2}})(?:{middle})"
                rf"(?P<y>[0-9]{{4}}|[0-9]{{2}})(?![0-9]|[./,-][0-9])")

    def iso_date(self) -> str:
        return (rf"{_LB}(?P<y>[0-9]{{4}})-(?P<m>[0-9]{{1,2}})-(?P<d>[0-9]{{1,2}})"
                rf"(?![0-9]|[.,:/-][0-9])")


# ------------------------------------------------------------------------ builders


def _month_of(scan: _Scan, m: re.Match[str], group: str, strict: bool = False) -> int | None:
    """The month number of a matched month word, or None if its case rules it out.

    ``strict``: no day number stands next to the month, so a month that is an ordinary
    word too ("may", "march") must be capitalised in the original.
    """
    surface = m.group(group)
    if surface is None:
        return None
    key = surface.rstrip(".")
    if strict and not _case_ok(scan, m.start(group), key):
        return None
    return scan.lex.months.get(key) or scan.lex.month_abbreviations.get(key)


def _case_ok(scan: _Scan, start: int, key: str) -> bool:
    return key not in scan.lex.capitalized_only or scan.text[start].isupper()


def _day_of(scan: _Scan, m: re.Match[str], g: str) -> int | None:
    digits = m.group(g + "n")
    if digits is not None:
        return int(digits)
    words = m.group(g + "w")
    if words is None:
        return None
    *tens, unit = re.split(r"[ \r\n-]+", words)
    ordinal = scan.lex.ordinals.get(unit)
    if ordinal is None or not tens:
        return ordinal
    ten = scan.lex.ordinal_tens.get(" ".join(tens))
    return ten + ordinal if ten is not None and 1 <= ordinal <= 9 else None


def _year_of(m: re.Match[str], g: str) -> int | None:
    digits = m.group(g)
    return int(digits) if digits is not None else None


def _weekday_of(scan: _Scan, m: re.Match[str], g: str = "wd") -> int | None:
    surface = m.group(g)
    if surface is None:
        return None
    key = surface.rstrip(".")
    if not _case_ok(scan, m.start(g), key):
        return None
    return scan.lex.weekdays.get(key) or scan.lex.weekday_abbreviations.get(key)


def _prefixed(scan: _Scan, m: re.Match[str], start: int) -> tuple[int | None, int]:
    """The weekday written before a date, and where the hit starts.

    A prefix that is no weekday after all ("sun, 5 May") is left out of the span.
    """
    if m.group("wdp") is None:
        return None, start
    weekday = _weekday_of(scan, m)
    return (weekday, m.start("wdp")) if weekday is not None else (None, m.end("wdp"))


def _invalid(c: _Cal) -> str | None:
    """Why ``c`` is no calendar date (year-less days are checked in a leap year)."""
    if c.year is not None and not YEAR_MIN <= c.year <= YEAR_MAX:
        return f"year {c.year} outside {YEAR_MIN}-{YEAR_MAX}"
    if c.month is not None and not 1 <= c.month <= 12:
        return f"month {c.month} does not exist"
    if c.day is not None and c.month is not None:
        days = _month_days(c.year if c.year is not None else 2000, c.month)
        if not 1 <= c.day <= days:
            return f"day {c.day} does not exist in month {c.month}"
    return None


def _fixed(m: re.Match[str], rule: str, first: _Cal, last: _Cal | None = None, *,
           weekday: int | None = None, start: int | None = None) -> _Hit:
    begin = m.start() if start is None else start
    for cal in (first, last):
        reason = _invalid(cal) if cal is not None else None
        if reason is not None:
            return _Hit(begin, m.end(), rule, reason=reason)
    return _Hit(begin, m.end(), rule, spec=_Fixed(first, last, weekday))


def _span_start(m: re.Match[str], *groups: str) -> int:
    """The start of the first group that matched: spans leave cue words out."""
    for g in groups:
        if m.group(g) is not None:
            return m.start(g)
    return m.start()


def _pair_ok(scan: _Scan, m: re.Match[str]) -> bool:
    """A range's opener and closer form a listed pair (a dash joins anything)."""
    close = m.group("close")
    if close is None:
        return True
    opener = m.groupdict().get("open") or ""
    return (_squash(opener), _squash(close)) in scan.lex.range_pairs


def _squash(words: str) -> str:
    return " ".join(words.split())


def _build_iso(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    cal = _Cal(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return _fixed(m, "date.iso", cal)


def _two_digit_year(yy: int) -> int:
    # A fixed pivot, never the clock: 00-49 -> 2000s, 50-99 -> 1900s.
    return 2000 + yy if yy < 50 else 1900 + yy


def _numeric_fields(scan: _Scan, a: int, b: int) -> tuple[int, int]:
    """(month, day) of the numeric date a/b in the language's order."""
    if scan.lex.numeric_order == "mdy" and not (a > 12 >= b):
        return a, b
    return b, a


def _numeric_middle(m: re.Match[str]) -> tuple[str, str]:
    """(separator, second number) of a :meth:`_Patterns.numeric_date` match."""
    for i in range(len(_DAY_SEPARATORS)):
        sep = m.group(f"sep{i}")
        if sep is not None:
            return sep, m.group(f"n2_{i}")
    raise ValueError("not a numeric date match")


def _build_numeric(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    sep, n2 = _numeric_middle(m)
    if sep not in scan.lex.numeric_separators:
        return None
    month, day = _numeric_fields(scan, int(m.group("n1")), int(n2))
    raw = m.group("y")
    year = int(raw) if len(raw) == 4 else _two_digit_year(int(raw))
    weekday, start = _prefixed(scan, m, m.start())
    return _fixed(m, "date.numeric", _Cal(year, month, day), weekday=weekday, start=start)


def _build_numeric_short(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    sep = m.group("sep")
    if sep not in scan.lex.short_numeric_separators:
        return None
    if sep == "." and len(m.group("n2")) != 2:
        return None  # "by 2.5": a decimal, not a date
    month, day = _numeric_fields(scan, int(m.group("n1")), int(m.group("n2")))
    cal = _Cal(None, month, day)
    if _invalid(cal) is not None:
        return None  # most likely not a date at all
    return _fixed(m, "date.numeric_day_month", cal, start=m.start("n1"))


def _build_textual(rule: str) -> Callable[[_Scan, re.Match[str]], _Hit | None]:
    def build(scan: _Scan, m: re.Match[str]) -> _Hit | None:
        month = _month_of(scan, m, "m")
        day = _day_of(scan, m, "d")
        if month is None or day is None:
            return None
        year = _year_of(m, "y")
        name = rule + ("_year" if year is not None else "")
        weekday, start = _prefixed(scan, m, m.start())
        return _fixed(m, name, _Cal(year, month, day), weekday=weekday, start=start)

    return build


def _build_holiday(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    year = _year_of(m, "y")
    if m.group("cue") is None and year is None:
        return None  # "Christmas tree": a holiday is a date after a cue or with its year
    month, day = scan.lex.holidays[_squash(m.group("h"))]
    return _fixed(m, "date.holiday", _Cal(year, month, day), start=m.start("h"))


def _build_month_year(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    month = _month_of(scan, m, "m")
    if month is None:
        return None
    return _fixed(m, "date.month_year", _Cal(_year_of(m, "y"), month))


def _build_month(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    month = _month_of(scan, m, "m", strict=True)
    if month is None:
        return None
    return _fixed(m, "date.month", _Cal(None, month), start=m.start("m"))


def _year_ok(scan: _Scan, m: re.Match[str], year_group: str) -> bool:
    """Is a bare year really one, not a count ("by 2030 people")? See ``bare_year_before_word``.

    A year word or an ordinal ending marks a year; otherwise punctuation, a capitalised
    word or a listed follower must come next.
    """
    after = m.end(year_group)
    marked = m.groupdict().get(year_group + "w") is not None or scan.view[after:after + 1] == "-"
    if marked or scan.lex.bare_year_before_word:
        return True
    rest = scan.text[m.end():m.end() + 40].lstrip(" ")
    word = re.match(r"\w+", rest)
    if word is None or word.group()[0].isupper():
        return True
    return word.group().lower() in scan.lex.words["year_followers"]


def _build_year(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    """A year after a cue (group ``y``) or with its year word (``z``, ``zw``)."""
    group = "y" if m.group("cue") is not None else "z"
    year = int(m.group(group))
    if not YEAR_MIN <= year <= YEAR_MAX or not _year_ok(scan, m, group):
        return None
    return _fixed(m, "date.year", _Cal(year), start=m.start(group))


def _build_season(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    season = scan.lex.seasons[_squash(m.group("s"))]
    return _fixed(m, "date.season_year", _Cal(int(m.group("y")), season=season))


def _share_year(first: _Cal, last: _Cal) -> tuple[_Cal, _Cal]:
    """Give both ends of a range the year written on one of them."""
    if first.year is None and last.year is not None:
        later = (first.month or 0, first.day or 0) > (last.month or 0, last.day or 0)
        first = replace(first, year=last.year - 1 if later else last.year)
    elif last.year is None and first.year is not None:
        earlier = (last.month or 0, last.day or 0) < (first.month or 0, first.day or 0)
        last = replace(last, year=first.year + 1 if earlier else first.year)
    return first, last


def _build_day_range(order: str) -> Callable[[_Scan, re.Match[str]], _Hit | None]:
    rule = "date.day_range" if order == "dmy" else "date.month_day_range"

    def build(scan: _Scan, m: re.Match[str]) -> _Hit | None:
        if not _pair_ok(scan, m):
            return None
        month = _month_of(scan, m, "m")
        d1, d2 = _day_of(scan, m, "a"), _day_of(scan, m, "b")
        if month is None or d1 is None or d2 is None:
            return None
        year = _year_of(m, "y")
        weekday, start = _prefixed(scan, m, _span_start(m, "m" if order == "mdy" else "an", "aw"))
        return _fixed(m, rule, _Cal(year, month, d1), _Cal(year, month, d2),
                      weekday=weekday, start=start)

    return build


def _build_month_range(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    if not _pair_ok(scan, m):
        return None
    m1, m2 = _month_of(scan, m, "m", strict=True), _month_of(scan, m, "n", strict=True)
    if m1 is None or m2 is None:
        return None
    year = _year_of(m, "y")
    first, last = _share_year(_Cal(None, m1), _Cal(year, m2))
    return _fixed(m, "date.month_range", first, last, start=m.start("m"))


def _build_year_range(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    if not _pair_ok(scan, m):
        return None
    if m.group("open") is None and m.group("bw") is None:
        return None
    if not _year_ok(scan, m, "b"):
        return None  # "from 1500-2000 people"
    y1, y2 = int(m.group("a")), int(m.group("b"))
    return _fixed(m, "date.year_range", _Cal(y1), _Cal(y2), start=m.start("a"))


def _build_month_part(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    if m.group("y2") is not None:
        year = int(m.group("y2"))
        if not _year_ok(scan, m, "y2"):
            return None
        return _fixed(m, "date.year_part", _Cal(year))
    month = _month_of(scan, m, "m", strict=True)
    if month is None:
        return None
    return _fixed(m, "date.month_part", _Cal(_year_of(m, "y"), month))


def _sentence_start(text: str, start: int) -> bool:
    """Does ``start`` begin a sentence (or the text, a line, a quotation after a colon)?"""
    before = text[max(0, start - 8):start].rstrip(" \"'\u201c\u00ab\u2018(")
    return not before or before[-1] in ".!?:\n"


def _build_relative_day(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    if scan.text[m.start()].isupper() and not _sentence_start(scan.text, m.start()):
        return None  # "Radio 4's Today programme", a newspaper named Today
    offset = scan.lex.relative_days[_squash(m.group("rd"))]
    return _Hit(m.start(), m.end(), "date.relative_day", spec=_Shift("day", offset, True))


def _blocked(scan: _Scan, start: int) -> bool:
    """A period blocker right before ``start`` ("the last year" is a duration)."""
    before = scan.view[max(0, start - 24):start].split()
    blockers = scan.lex.words["period_blockers"]
    return bool(before) and before[-1] in blockers


def _build_relative_period(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    if m.group("pw") is not None:
        unit, shift = scan.lex.period_words[m.group("pw")]
    else:
        unit = scan.lex.units[m.group("unit")]
        shift = scan.lex.modifiers[m.group("mod")]
    if unit not in _PERIOD_UNITS or _blocked(scan, m.start()):
        return None
    return _Hit(m.start(), m.end(), "date.relative_period", spec=_Shift(unit, shift, True))


def _relative_weekday(scan: _Scan, weekday: int, shift: int) -> _WeekdayRef:
    if shift == -1:
        return _WeekdayRef(weekday, "before")
    if shift == 1 and scan.lex.next_weekday == "following":
        return _WeekdayRef(weekday, "following")
    return _WeekdayRef(weekday, "week", shift)


def _build_modified_weekday(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    weekday = _weekday_of(scan, m)
    if weekday is None:
        return None
    spec = _relative_weekday(scan, weekday, scan.lex.modifiers[m.group("mod")])
    return _Hit(m.start(), m.end(), "date.relative_weekday", spec=spec)


def _build_weekday_of_week(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    weekday = _weekday_of(scan, m)
    if weekday is None or scan.lex.units[m.group("unit")] != "week":
        return None
    spec = _WeekdayRef(weekday, "week", scan.lex.modifiers[m.group("mod")])
    return _Hit(m.start(), m.end(), "date.weekday_of_week", spec=spec)


def _in_name(text: str, start: int, end: int) -> bool:
    """Is the capitalised word at ``[start, end)`` part of a longer capitalised name?"""
    after = text[end:end + 2]
    if after[:1] == " " and after[1:].isupper():
        return True
    before = text[max(0, start - 40):start]
    words = before.split()
    if not words or not before.endswith(" ") or not words[-1][:1].isupper():
        return False
    return not _sentence_start(text, start - len(before) + before.rfind(words[-1]))


def _build_weekday(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    weekday = _weekday_of(scan, m)
    if weekday is None:
        return None
    if m.group("cue") is None:
        start = m.start("wd")
        if _squash(m.group("wd")) in scan.lex.words["bare_weekday_blockers"]:
            return None  # "Среда обитания"
        if scan.lex.bare_weekday == "sentence_start":
            if not _sentence_start(scan.text, start) or scan.text[start - 1:start] in _QUOTES:
                return None  # "Черная пятница", «Пятница» (a TV channel)
        elif scan.lex.bare_weekday != "capitalized" or not scan.text[start].isupper():
            return None
        if _in_name(scan.text, start, m.end()):
            return None  # "The Sunday Telegraph", "Super Tuesday"
    return _Hit(m.start("wd"), m.end(), "date.weekday", spec=_WeekdayRef(weekday, "bare"))


def _build_relative_month(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    month = _month_of(scan, m, "m", strict=True)
    if month is None:
        return None
    spec = _MonthRef(month, scan.lex.modifiers[m.group("mod")])
    return _Hit(m.start(), m.end(), "date.relative_month", spec=spec)


def _count_of(scan: _Scan, m: re.Match[str]) -> int | None:
    raw = m.group("n")
    if raw is None:
        return 1
    return int(raw) if raw.isdigit() else scan.lex.counts.get(_squash(raw))


def _build_shift(sign: int, rule: str) -> Callable[[_Scan, re.Match[str]], _Hit | None]:
    def build(scan: _Scan, m: re.Match[str]) -> _Hit | None:
        count = _count_of(scan, m)
        if count is None or not 1 <= count <= 999:
            return None
        unit = scan.lex.units[m.group("unit")]
        return _Hit(m.start(), m.end(), rule, spec=_Shift(unit, sign * count, False))

    return build


def _build_nth(scan: _Scan, m: re.Match[str]) -> _Hit | None:
    nth = scan.lex.ordinals[_squash(m.group("nth"))]
    month = _month_of(scan, m, "m")
    weekday = _weekday_of(scan, m) if m.group("wd") is not None else None
    if month is None or (nth > 5 and weekday is not None):
        return None
    year = _year_of(m, "y")
    if year is not None and not YEAR_MIN <= year <= YEAR_MAX:
        return _Hit(m.start(), m.end(), "date.nth_in_month", reason=f"year {year} out of range")
    spec = _NthInMonth(nth, weekday, month, year)
    return _Hit(m.start(), m.end(), "date.nth_in_month", spec=spec)


_RuleSpec = tuple[str, str, Callable[[_Scan, re.Match[str]], _Hit | None]]


def _specs(lex: _Lexicon, p: _Parts) -> list[_RuleSpec]:
    """(name, pattern, builder) of each rule the language uses, in grammar order."""
    w = lex.words
    wd = p.weekday_prefix()
    year_opt = rf"(?:,?{_GAP}{p.year('y')})?"
    openers = [*(pair[0] for pair in lex.range_pairs if pair[0]), *w["cues"]]
    opener_or_cue = rf"(?:(?<!\w)(?P<open>{p.alt(openers)}){_GAP})?"
    count = rf"(?P<n>[0-9]{{1,3}}|{p.counts})"
    specs: list[_RuleSpec] = [
        ("date.iso", p.iso_date(), _build_iso),
        ("date.numeric", rf"{_LB}{wd}{p.numeric_date()}", _build_numeric),
        ("date.numeric_day_month",
         rf"{p.cue_lead()}(?P<n1>[0-9]{{1,2}})(?P<sep>{_DAY_SEP})(?P<n2>[0-9]{{1,2}})"
         rf"(?![0-9]|[./,][0-9])",
         _build_numeric_short),
        ("date.day_range",
         rf"{p.opener()}{_LB}{wd}{p.day_range_lead()}{p.month('m')}{year_opt}",
         _build_day_range("dmy")),
        ("date.month_day_range",
         rf"{p.opener()}{_LB}{wd}{p.month_day_range()}{year_opt}",
         _build_day_range("mdy")),
        ("date.month_range",
         rf"{p.opener()}{p.month_range()}{year_opt}",
         _build_month_range),
        ("date.year_range",
         rf"{opener_or_cue}{p.year_range()}",
         _build_year_range),
        ("date.day_month",
         rf"{_LB}{wd}{p.day_lead('d')}{p.month('m')}{year_opt}",
         _build_textual("date.day_month")),
        ("date.month_day",
         rf"{_LB}{wd}{p.month_day()}{year_opt}",
         _build_textual("date.month_day")),
        ("date.nth_in_month",
         rf"{p.nth_lead()}{p.month('m')}{year_opt}",
         _build_nth),
        ("date.season_year",
         rf"(?<!\w)(?P<s>{p.alt(lex.seasons)})(?:{_GAP}{p.day_of})?{_GAP}{p.year('y')}",
         _build_season),
        ("date.month_part",
         rf"(?<!\w)(?P<part>{p.alt(lex.month_parts)})(?:-|{_GAP})"
         rf"(?:(?P<m>{p.months_full})(?!\w){year_opt}|{p.year('y2')})",
         _build_month_part),
        ("date.holiday",
         rf"(?:(?<!\w)(?P<cue>{p.cues}){_GAP})?(?P<h>{p.words(lex.holidays)}){year_opt}",
         _build_holiday),
        ("date.month_year", p.month_year(), _build_month_year),
        ("date.month",
         rf"{p.cue_lead()}(?P<m>{p.months_full})(?!\w)",
         _build_month),
        # a year after a cue, or with its year word: a bare number never makes one
        ("date.year",
         rf"(?<!\w)(?P<cue>{p.cues}){_GAP}{_LB}{p.year('y')}|{_LB}{p.worded_year('z')}",
         _build_year),
        ("date.weekday_of_week",
         rf"(?<!\w)(?P<wd>{p.weekdays}){_GAP}(?:{p.words(w['week_of'])}{_GAP})?"
         rf"(?P<mod>{p.words(lex.modifiers)}){_GAP}(?P<unit>{p.units})",
         _build_weekday_of_week),
        ("date.relative_weekday",
         rf"{p.modifier_lead()}(?P<wd>{p.weekdays})",
         _build_modified_weekday),
        ("date.relative_month",
         rf"{p.modifier_lead()}(?P<m>{p.months_full})(?!\w)",
         _build_relative_month),
        ("date.relative_period",
         rf"(?<!\w)(?:(?P<mod>{p.words(lex.modifiers)}){_GAP}(?P<unit>{p.units})"
         rf"|(?P<pw>{p.words(lex.period_words)}))",
         _build_relative_period),
        ("date.ago",
         rf"(?<!\w)(?:{count}{_GAP})?(?P<unit>{p.units}){_GAP}{p.words(w['ago'])}",
         _build_shift(-1, "date.ago")),
        ("date.later",
         rf"(?<!\w){p.words(w['later'])}{_GAP}(?:{count}{_GAP})?(?P<unit>{p.units})"
         rf"(?!{_GAP}{p.words(w['later_blockers'])})",
         _build_shift(1, "date.later")),
        ("date.relative_day",
         rf"(?<!\w)(?P<rd>{p.words(lex.relative_days)})",
         _build_relative_day),
        ("date.weekday",
         rf"(?:(?<!\w)(?P<cue>{p.cues}){_GAP})?(?P<wd>{p.weekdays})",
         _build_weekday),
    ]
    # Written orders the language does not use are not scanned for at all.
    unused = {"dmy": {"date.day_month", "date.day_range"},
              "mdy": {"date.month_day", "date.month_day_range"}}
    skip = {name for order, names in unused.items() if order not in lex.textual_orders
            for name in names}
    return [spec for spec in specs if spec[0] not in skip]


def _rules(lex: _Lexicon, p: _Parts, measure: _Parts) -> tuple[_Rule, ...]:
    """The rules of a language; each one is measured on its pattern built with ``measure``
    (stand-ins for the word lists)."""
    return tuple(
        _Rule(name, _Regex(pattern), build, stand_in)
        for (name, pattern, build), (_, stand_in, _) in zip(_specs(lex, p), _specs(lex, measure), strict=True)
    )


@cache
def _grammar(lang: str) -> _Grammar:
    lex = _lexicon(lang)
    p = _Parts(lex)
    measure = _Parts(lex, _stand_in)
    features = _features(lex, p)
    if set(features) != set(_feature_forms(lex)):
        raise AssertionError("dates: _features and _feature_forms name different features")
    rules = _rules(lex, p, measure)
    contexts = _contexts(p, measure, rules)
    children: dict[str, list[tuple[str, _Context]]] = {}
    for name, context in contexts.items():
        children.setdefault(context.base, []).append((name, context))
    masks: dict[str, int] = {}
    unanchored = 0
    for order, rule in enumerate(rules):
        if rule.feature is None:
            unanchored |= 1 << order
        else:
            masks[rule.feature] = masks.get(rule.feature, 0) | 1 << order
    return _Grammar(
        lex=lex,
        rules=rules,
        future=_Regex(_cues(lex.words["future_cues"])),
        cue=_Regex(_cues(lex.words["future_cues"], lex.words["past_cues"])),
        cue_after=_Regex(_cues(lex.words["future_cues"], lex.words["past_cues"], after=True)),
        past_endings=lex.words["past_endings"],
        past_word=_Regex(_past_word(lex.words["past_endings"])),
        not_dateline=_Regex(_words(lex.words["not_dateline"])),
        not_dateline_after=_Regex(_words(lex.words["not_dateline_after"])),
        range_join=_Regex(rf"{_DASH}|{_GAP}(?P<close>{p.closers}){_GAP}"),
        range_open=_Regex(rf"(?<!\w)(?P<open>{p.openers}){_GAP}\Z"),
        features=features,
        scanner=_scanner(lex),
        contexts=contexts,
        children=MappingProxyType({name: tuple(kids) for name, kids in children.items()}),
        roots=tuple(name for name in children if name not in contexts),
        masks=MappingProxyType(masks),
        unanchored=unanchored,
        tried={},
    )


# ------------------------------------------------------------ scanning around anchors
#
# Scanning the whole text with every rule costs a regex pass per rule. Every rule has a
# feature that each of its matches contains (a digit, a month word, ...): the features
# are found first, in one pass for all the word features and one for the digits, and a
# rule is tried only in a window around its feature's occurrences. The matches are
# exactly those of ``rule.pattern.finditer(view)`` (see :func:`_matches`).
#
# The contract of this table: every match of the rule contains a match of the feature
# (as the rule's pattern, built from the same _Parts, spells it). A rule that is changed
# so that it no longer holds must be changed here too; a rule not listed is scanned whole.
# "year_digits" is a maximal run of exactly four digits; "day_digits" a maximal run of one
# or two digits followed by "." or "/"; the features of :func:`_contexts` are those where
# the rule's own piece stands ("month_after_day": a month word right after a day), which
# leaves a few occurrences of a common feature such as "month" to try a costly rule at
# (tests/test_date_anchors.py checks every rule against a whole scan on the test texts and
# real news of every language).

_ANCHORS: Mapping[str, str] = MappingProxyType({
    "date.iso": "iso_year",
    "date.numeric": "numeric_day",
    "date.numeric_day_month": "day_after_cue",
    "date.day_range": "month_after_day_range",
    "date.month_day_range": "month_before_day_range",
    "date.month_range": "month_before_month",
    "date.year_range": "year_before_year",
    "date.day_month": "month_after_day",
    "date.month_day": "month_before_day",
    "date.nth_in_month": "month_after_nth",
    "date.season_year": "season",
    "date.month_part": "month_part",
    "date.holiday": "holiday",
    "date.month_year": "month_before_year",
    "date.month": "month_after_cue",
    "date.year": "year_digits",
    "date.weekday_of_week": "weekday",
    "date.relative_weekday": "weekday_after_modifier",
    "date.relative_month": "month_after_modifier",
    "date.relative_period": "period",
    "date.ago": "ago",
    "date.later": "later",
    "date.relative_day": "relative_day",
    "date.weekday": "weekday",
})
_DAY_SEPARATORS = frozenset("./")  # every separator a numeric date may use (dates.toml picks)
_DAY_SEP = "[" + "".join(sorted(_DAY_SEPARATORS)) + "]"
# The digit features in one pass: a maximal run of four digits (a year's), or of one or
# two followed by a day separator. It starts with a class, so the engine skips ahead to a
# digit at C speed, and turns down a digit inside a run by a look back right after it.
_DIGIT_FEATURES = re.compile(rf"[0-9](?<![0-9]{{2}})(?:[0-9]{{3}}(?![0-9])|[0-9]?(?={_DAY_SEP}))")
# The standard library's own regex parser, for the widths of the rules' patterns.
_SRE_PARSER: Any = importlib.import_module("re._parser")
_SRE_CONSTANTS: Any = importlib.import_module("re._constants")
_MAX_WINDOW = 1000  # a rule whose matches may be longer is scanned whole


def _feature_forms(lex: _Lexicon) -> dict[str, list[str]]:
    """The forms each word feature of :func:`_features` is built from."""
    w = lex.words
    return {
        "month": [*lex.months, *lex.month_abbreviations],
        "weekday": list(lex.weekdays),
        "holiday": list(lex.holidays),
        "season": list(lex.seasons),
        "month_part": list(lex.month_parts),
        "period": [*lex.units, *lex.period_words],
        "ago": list(w["ago"]),
        "later": list(w["later"]),
        "relative_day": list(lex.relative_days),
    }


#: word features whose one-word forms may go on inside a longer word ("mid-", "summery")
_PREFIX_FEATURES = frozenset(["season", "month_part"])


_Split = tuple[tuple[str, ...], tuple[str, ...]]  # (features sure to match, to check)


def _split(candidates: set[str], sure: set[str]) -> _Split:
    return tuple(sorted(candidates & sure)), tuple(sorted(candidates - sure))


@dataclass(frozen=True, slots=True)
class _Scanner:
    r"""Finds the places where word features may start, in one pass over the text.

    ``pattern`` matches a non-word character and then, at the word start after it, the
    first word of a feature's form (group ``w``, whole) and/or a one-word form of a feature
    that may go on inside a longer word (``p`` or ``q``, a prefix); it is run over the text
    after a space, so that a first word at the start is found too. ``whole`` and ``prefix`` map
    what those groups matched to (the features sure to match there, the features to
    check with their own pattern).
    """

    pattern: re.Pattern[str]
    whole: Mapping[str, _Split]
    prefix: Mapping[str, _Split]


def _scanner(lex: _Lexicon) -> _Scanner:
    """The :class:`_Scanner` of a language's word features.

    Every feature match starts with the first word of one of its forms, at a word start.
    A first word that is a form by itself ends at a word's end; one that only begins
    longer forms ("the" of "the end of") must be followed by a gap and a second word of
    such a form, so that common words are not tried again and again. Each match is
    checked with the feature's own pattern unless the word is a whole form of it.
    Starting the pattern with a non-word character lets the regex engine skip through
    the text at C speed to the places just before a word.

    >>> s = _scanner(_lexicon("en"))
    >>> text = "in the cat, the end of may, mid-summer"
    >>> [(m.start() + 1, m.group("w"), m.group("p") or m.group("q")) for m in s.pattern.finditer(text)]
    [(12, 'the', None), (23, 'may', None), (28, None, 'mid'), (32, None, 'summer')]
    >>> s.whole["the"], s.whole["may"], s.prefix["mid"]
    (((), ('month_part', 'relative_day')), (('month',), ()), (('month_part',), ()))
    """
    forms = _feature_forms(lex)
    whole: dict[str, set[str]] = {}  # first word -> features with a form starting with it
    prefix: dict[str, set[str]] = {}  # one-word forms of prefix features -> those features
    complete: dict[str, set[str]] = {}  # one-word form -> its features
    seconds: dict[str, set[str]] = {}  # first word -> the second words of its forms
    for name, feature_forms in forms.items():
        for form in feature_forms:
            words = form.split()
            if not words:
                continue
            if len(words) == 1:
                complete.setdefault(words[0], set()).add(name)
            if name in _PREFIX_FEATURES and len(words) == 1:
                prefix.setdefault(words[0], set()).add(name)
            else:
                whole.setdefault(words[0], set()).add(name)
                if len(words) > 1:
                    seconds.setdefault(words[0], set()).add(words[1])
    alone = [w for w in whole if w in complete]
    lead = [w for w in whole if w not in complete]
    later = {second for w in lead for second in seconds[w]}
    names: dict[str, set[str]] = {}
    for table in (whole, prefix):
        for first, found in table.items():
            names.setdefault(first, set()).update(found)

    # a whole word reported may hide another one matching there that it begins or ends
    whole_map: dict[str, _Split] = {}
    for w in whole:
        related = [x for x in whole if x.startswith(w) or w.startswith(x)]
        whole_map[w] = _split(set().union(*(names[x] for x in related)), complete.get(w, set()))
    prefix_map: dict[str, _Split] = {}
    for w in prefix:
        shorter = [w[:k] for k in range(1, len(w) + 1)]
        sure = {f for head in shorter for f in complete.get(head, ()) if f in _PREFIX_FEATURES}
        prefix_map[w] = _split(set().union(*(names.get(head, set()) for head in shorter)), sure)
    branches = [rf"(?:{alternation(alone)})(?!\w)"] if alone else []
    if lead:
        branches.append(rf"(?:{alternation(lead)})(?={_GAP}{_alt(later)})")
    firsts = "|".join(branches) or "(?!)"
    starts = f"(?:{alternation(prefix)})" if prefix else "(?!)"
    body = rf"(?:(?=(?P<w>{firsts}))(?P<p>{starts})?|(?P<q>{starts}))"
    pattern = re.compile(rf"{_NOT_WORD_LEAD}{_two_letters([*whole, *prefix])}(?<=\W){body}")
    if pattern.groups != len(pattern.groupindex) or list(pattern.groupindex) != ["w", "p", "q"]:
        raise AssertionError("dates: the scanner's groups must be w, p, q alone (_found_spans)")
    return _Scanner(
        pattern=pattern,
        whole=MappingProxyType(whole_map),
        prefix=MappingProxyType(prefix_map),
    )


# The scanner's first character, a non-word one: a class of all characters but the common
# word characters (ASCII, Cyrillic), checked against a bitmap, turns down a letter faster
# than ``\W`` does (a Unicode category test of every character of the text); the rare other
# characters it lets in are turned down by the ``(?<=\W)`` that follows the two-letter test
# (tests/test_date_anchors.py checks that the class leaves out word characters only).
_NOT_WORD_LEAD = "[^0-9A-Z_a-z\u0400-\u0481\u048a-\u052f]"


def _two_letters(words: Iterable[str]) -> str:
    r"""A lookahead for the first two characters of one of ``words`` (the first one
    alone for a one-letter word): a cheap test that turns down most word starts before
    the scanner's alternations are tried (a sixth of its time on English news).

    >>> _two_letters(["may", "mid", "march", "in", "в"])
    '(?=in|m[ai]|в)'
    """
    seconds: dict[str, set[str]] = {}
    for word in words:
        seconds.setdefault(word[0], set()).add(word[1:2])
    branches = []
    for first, after in sorted(seconds.items()):
        second = "".join(re.escape(c) for c in sorted(after))
        branches.append(re.escape(first) + (
            "" if "" in after else second if len(after) == 1 else f"[{second}]"))
    return "(?=" + "|".join(branches) + ")" if branches else "(?!)"


def _features(lex: _Lexicon, p: _Parts) -> Mapping[str, _Regex]:
    r"""The word features of _ANCHORS, each starting with ``(?<!\w)`` as in the rules."""
    w = lex.words
    return MappingProxyType({name: _Regex(pattern) for name, pattern in {
        "month": rf"(?<!\w)(?:{p.months_full}(?!\w)|{p._month_abbr}(?:\.|(?!\w)))",
        "weekday": p.weekdays,
        "holiday": _words(lex.holidays),
        "season": rf"(?<!\w){_alt(lex.seasons)}",
        "month_part": rf"(?<!\w){_alt(lex.month_parts)}",
        "period": rf"{p.units}|{_words(lex.period_words)}",
        "ago": _words(w["ago"]),
        "later": _words(w["later"]),
        "relative_day": _words(lex.relative_days),
    }.items()})


def _contexts(p: _Parts, measure: _Parts, rules: tuple[_Rule, ...]) -> Mapping[str, _Context]:
    r"""The narrower features of _ANCHORS: a feature where its rule's piece stands.

    A month word is in some date rule's match only if a day stands before it ("5 May"),
    a day after it ("May 5"), a year after it, a cue before it...: each rule is tried only
    around the occurrences of its own context, built from the very piece of the rule
    (see :class:`_Parts`). A context holds at least where its rule's feature stands in a
    match, so the matches found stay those of a whole scan. Each comes after its base;
    only the contexts some of ``rules`` is anchored at (or at a narrower one) are kept.
    A piece before the feature is looked for at most as far back as it is wide (measured
    on its stand-in, built by ``measure``).
    """
    def before(parts: _Parts) -> dict[str, tuple[str, str]]:
        return {
            "month_after_day": ("month", parts.day_lead("d")),
            "month_after_day_range": ("month_after_day", parts.day_range_lead()),
            "month_after_nth": ("month", parts.nth_lead()),
            "month_after_cue": ("month", parts.cue_lead()),
            "month_after_modifier": ("month", parts.modifier_lead()),
            "weekday_after_modifier": ("weekday", parts.modifier_lead()),
            "day_after_cue": ("day_digits", parts.cue_lead()),
        }

    at: dict[str, tuple[str, str]] = {
        "month_before_day": ("month", p.month_day()),
        "month_before_day_range": ("month_before_day", p.month_day_range()),
        "month_before_month": ("month", p.month_range()),
        "month_before_year": ("month", p.month_year()),
        "year_before_year": ("year_digits", p.year_range()),
        "iso_year": ("year_digits", p.iso_date()),
        "numeric_day": ("day_digits", p.numeric_date()),
    }
    lead, lead_measure = before(p), before(measure)
    needs = {"month_after_day_range": p.range_link_clue()}  # the link between the two days
    bases = {name: base for name, (base, _) in (*lead.items(), *at.items())}
    used: set[str] = set()
    for rule in rules:
        context = rule.feature
        while context in bases:
            used.add(context)
            context = bases[context]
    out: dict[str, _Context] = {}
    for name, (base, piece) in (*lead.items(), *at.items()):  # bases come first
        if name in used:
            if name in lead:
                need = _Regex(needs[name]) if name in needs else None
                out[name] = _Context(base, _Regex(rf"{piece}\Z"), lead_measure[name][1], need)
            else:
                out[name] = _Context(base, _Regex(piece))
    return MappingProxyType(out)


def _lookahead(items: Any) -> int:
    """An upper bound of how far the lookaheads of a parsed pattern read past a position."""
    sre = _SRE_CONSTANTS
    total = 0
    for op, av in items:
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, sub = av
            total += (sub.getwidth()[1] if direction == 1 else 0) + _lookahead(sub.data)
        elif op is sre.SUBPATTERN:
            total += _lookahead(av[3].data)
        elif op is sre.BRANCH:
            total += sum(_lookahead(b.data) for b in av[1])
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            total += _lookahead(av[2].data)
        elif op is sre.ATOMIC_GROUP:
            total += _lookahead(av.data)
        elif op is sre.GROUPREF_EXISTS:
            total += _lookahead(av[1].data) + (_lookahead(av[2].data) if av[2] else 0)
        elif op is sre.AT:
            total += 1
    return total


def _geometry(name: str, pattern: str) -> tuple[str | None, int, int]:
    r"""(anchor, width, reach) of a rule: its feature, its longest match, and how far
    past its start any attempt to match may read. No anchor when the width is unbounded.
    ``pattern`` may be the rule's pattern built with stand-ins (see :func:`_stand_in`).

    >>> _geometry("date.iso", r"(?<!\w)(?P<y>[0-9]{4})-[0-9]{1,2}(?![0-9]|[.,][0-9])")
    ('iso_year', 7, 11)
    """
    anchor = _ANCHORS.get(name)
    tree = _SRE_PARSER.parse(pattern)
    width = tree.getwidth()[1]
    if anchor is None or width > _MAX_WINDOW:
        return None, 0, 0
    return anchor, width, _reach(tree)


def _reach(tree: Any) -> int:
    """How far past its start any attempt to match a parsed pattern may read: its
    longest match and what its lookaheads read beyond it (a bounded pattern's)."""
    width: int = tree.getwidth()[1]
    return width + _lookahead(tree.data) + 2


class _Reversal(NamedTuple):
    """A pattern spelled backwards (:func:`_reversal`), and what is needed to use it."""

    pattern: str  # matches exactly the reversed strings the original matches
    width: int  # the original's longest match (MAXREPEAT: no bound)
    behind: int  # how far before a match's start the original may read (lookbehinds, \b)


#: the widest window before an occurrence that is searched rather than matched backwards:
#: a search tries each position of the window in turn (about 20 ns each), a backward
#: match costs the same whatever the width (slicing and reversing the window, one match),
#: about as much as a search of 12 positions (English news and pumps, 2026-11-22)
_SEARCHED_WINDOW = 12


def _backward_test(pattern: str, back: int) -> Callable[[str, int, int], re.Match[str] | None] | None:
    r"""``test(view, lo, hi)``: whether ``pattern`` (ending with ``\Z``) matches in the
    window ``[lo, hi)`` of ``view``, as ``pattern.search(view, lo, hi)`` says, for ``lo =
    max(0, hi - back)``: a match of the pattern spelled backwards (:func:`_reversal`) at
    the start of the window reversed. The window is cut at ``hi``, where the search sees
    the text end, and starts the ``behind`` characters before ``lo`` that the search's
    lookbehinds may read. A backward match could run past ``lo`` into those only if it
    were wider than ``back``: it starts at ``lo`` or later, as the search's matches do.
    None when ``pattern`` cannot be spelled backwards, or its matches may be wider than
    ``back``."""
    reversal = _reversal(pattern)
    if reversal is None or reversal.width > back:
        return None
    match, behind = re.compile(reversal.pattern).match, reversal.behind

    def test(view: str, lo: int, hi: int) -> re.Match[str] | None:
        return match(view[lo - behind if lo > behind else 0:hi][::-1])

    return test


class _IrreversibleError(Exception):
    """A construct :func:`_reversal` cannot spell backwards."""


def _reversal(pattern: str) -> _Reversal | None:
    r"""``pattern`` spelled backwards: a match of the result at the start of a reversed
    string stands for a match of ``pattern`` ending at that string's end, read the same
    way (a lookahead becomes a lookbehind of the same characters, ``\Z`` becomes
    ``\A``...; an alternation is laid out as a trie again, see :func:`_backward_trie`).
    None when that cannot be written: a flag; a backreference or a conditional group
    (they look back at a group); an atomic group or a possessive repeat (their answers
    hang on the order of the engine's attempts); a lookahead of several widths (Python's
    lookbehinds have one width); ``^`` or ``$``.

    The engine tries a backward pattern from one place, where the forward one, ending
    at a given place, is tried from every position before it that a match could start at.

    >>> back = _reversal(r"(?<!\w)(?:in|on)[ ]{1,3}(?![0-9])\Z")
    >>> print(back.pattern)
    \A(?<![0-9])(?:\ ){1,3}n(?:i|o)(?![\w])
    >>> back.width, back.behind
    (5, 1)
    >>> [bool(re.match(back.pattern, s[::-1])) for s in ("on ", "in  ", "win ", "on 5")]
    [True, True, False, False]
    >>> _reversal(r"(?=a|bc)x") is None, _reversal(r"(a)\1") is None
    (True, True)
    """
    tree = _SRE_PARSER.parse(pattern)
    if tree.state.flags != _SRE_CONSTANTS.SRE_FLAG_UNICODE:  # what a plain str pattern has
        return None
    try:
        backward = _backward(tree.data)
    except _IrreversibleError:
        return None
    return _Reversal(backward, tree.getwidth()[1], _behind(tree.data))


def _backward(items: Any) -> str:
    """The parsed items of a sequence, each spelled backwards, in the reverse order."""
    return "".join(_backward_item(op, av) for op, av in reversed(items))


#: the character categories of a class (``\d``...), as written in a pattern
_CATEGORIES = {
    _SRE_CONSTANTS.CATEGORY_DIGIT: r"\d", _SRE_CONSTANTS.CATEGORY_NOT_DIGIT: r"\D",
    _SRE_CONSTANTS.CATEGORY_SPACE: r"\s", _SRE_CONSTANTS.CATEGORY_NOT_SPACE: r"\S",
    _SRE_CONSTANTS.CATEGORY_WORD: r"\w", _SRE_CONSTANTS.CATEGORY_NOT_WORD: r"\W",
}
#: the position tests that read the same backwards (``\b``, ``\B``) or swap (``\A``, ``\Z``)
_AT_BACKWARD = {
    _SRE_CONSTANTS.AT_BOUNDARY: r"\b", _SRE_CONSTANTS.AT_NON_BOUNDARY: r"\B",
    _SRE_CONSTANTS.AT_BEGINNING_STRING: r"\Z", _SRE_CONSTANTS.AT_END_STRING: r"\A",
}


def _backward_item(op: Any, av: Any) -> str:
    """One parsed item spelled backwards (:func:`_reversal`); groups become non-capturing."""
    sre = _SRE_CONSTANTS
    if op is sre.LITERAL:
        return re.escape(chr(av))
    if op is sre.NOT_LITERAL:
        return f"[^{re.escape(chr(av))}]"
    if op is sre.ANY:
        return "."
    if op is sre.IN:
        return "[" + "".join(_class_member(sub_op, sub_av) for sub_op, sub_av in av) + "]"
    if op is sre.BRANCH:
        return _backward_trie([form for branch in av[1] for form in _backward_forms(branch.data)])
    if op is sre.SUBPATTERN:
        _, add_flags, del_flags, sub = av
        if add_flags or del_flags:
            raise _IrreversibleError("a scoped flag")
        return f"(?:{_backward(sub.data)})"
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
        low, high, sub = av
        most = "" if high == sre.MAXREPEAT else str(high)
        lazy = "?" if op is sre.MIN_REPEAT else ""
        return f"(?:{_backward(sub.data)}){{{low},{most}}}{lazy}"
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        direction, sub = av
        low, high = sub.getwidth()
        if direction == 1 and low != high:
            raise _IrreversibleError("a lookahead of several widths would be a lookbehind")
        kind = ("(?<" if direction == 1 else "(?") + ("=" if op is sre.ASSERT else "!")
        return f"{kind}{_backward(sub.data)})"
    if op is sre.AT and av in _AT_BACKWARD:
        return _AT_BACKWARD[av]
    raise _IrreversibleError(str(op))


def _class_member(op: Any, av: Any) -> str:
    """One member of a character class, as written inside ``[...]``."""
    sre = _SRE_CONSTANTS
    if op is sre.NEGATE:
        return "^"  # the parser puts it first
    if op is sre.LITERAL:
        return re.escape(chr(av))
    if op is sre.RANGE:
        return f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}"
    if op is sre.CATEGORY and av in _CATEGORIES:
        return _CATEGORIES[av]
    raise _IrreversibleError(str(op))


def _backward_forms(items: Any) -> list[tuple[str, ...]]:
    """The sequences of items (each spelled backwards, in the forward order) that parsed
    ``items`` stand for: one for each alternative of the last item, for a word list's
    trie (:func:`_alt`: "jan(?:uary)?" stands for "jan" and "january"); one otherwise.
    Only the last item is opened, so there are as many sequences as words."""
    if not items:
        return [()]
    *head, (op, av) = items
    start = tuple(_backward_item(sub_op, sub_av) for sub_op, sub_av in head)
    return [start + tail for tail in _backward_tails(op, av)]


def _backward_tails(op: Any, av: Any) -> list[tuple[str, ...]]:
    """The alternatives of one parsed item, as in :func:`_backward_forms`: those of a group, an
    alternation, an optional item, a class of a few characters; the item itself else."""
    sre = _SRE_CONSTANTS
    if op is sre.BRANCH:
        return [form for branch in av[1] for form in _backward_forms(branch.data)]
    if op is sre.SUBPATTERN and not (av[1] or av[2]):
        return _backward_forms(av[3].data)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[:2] == (0, 1):
        return [(), *_backward_forms(av[2].data)]
    if op is sre.IN and all(sub_op is sre.LITERAL for sub_op, _ in av):
        return [(re.escape(chr(code)),) for _, code in av]
    return [(_backward_item(op, av),)]


def _backward_trie(forms: list[tuple[str, ...]]) -> str:
    r"""The alternation of ``forms`` (see :func:`_backward_forms`) each spelled backwards, as a
    trie: a word list's trie spelled backwards item by item would start with the
    words' endings, and the engine would try each ending of each word in turn; laid
    out again on the words' last characters, it tries each character once.

    >>> _backward_trie([("a", "b"), ("a", "c"), ("b",)])
    '(?:b(?:a)?|ca)'
    """
    trie: _Trie = {}
    for form in forms:
        node = trie
        for item in reversed(form):
            node = node.setdefault(item, {})
        node[_END] = {}
    return _emit(trie, str)


def _behind(items: Any) -> int:
    r"""An upper bound of how far before a match's start the parsed items may read: the
    widest lookbehind (with what the lookbehinds inside it read further back), or one
    character for a position test (``\b`` and ``\A`` look at the character before)."""
    sre = _SRE_CONSTANTS
    most = 0
    for op, av in items:
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            direction, sub = av
            reach = (sub.getwidth()[1] if direction == -1 else 0) + _behind(sub.data)
        elif op is sre.SUBPATTERN:
            reach = _behind(av[3].data)
        elif op is sre.BRANCH:
            reach = max((_behind(branch.data) for branch in av[1]), default=0)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            reach = _behind(av[2].data)
        else:
            reach = 1 if op is sre.AT else 0
        most = max(most, reach)
    return most


def _anchor_spans(grammar: _Grammar, view: str) -> dict[str, list[tuple[int, int]]]:
    """Where each feature occurs in ``view``, as sorted, disjoint spans (an empty list for
    a feature not there)."""
    spans: dict[str, list[tuple[int, int]]] = {name: [] for name in grammar.features}
    spans["year_digits"] = []
    spans["day_digits"] = []
    spans.update({name: [] for name in grammar.contexts})
    spans.update(_found_spans(grammar, view))
    return spans


def _found_spans(grammar: _Grammar, view: str) -> dict[str, list[tuple[int, int]]]:
    """The spans of :func:`_anchor_spans` of the features that occur in ``view`` only: a
    paragraph has few, and nothing is made or looked at for the others (what a call
    costs beyond its dates, once per paragraph when a text is given paragraph by
    paragraph)."""
    spans: dict[str, list[tuple[int, int]]] = {}
    # the digit features: a run of exactly four digits (a year's), and a run of one or two
    # followed by "." or "/" (the day of "5/3/2021")
    years: list[tuple[int, int]] = []
    days: list[tuple[int, int]] = []
    for m in _DIGIT_FEATURES.finditer(view):
        span = m.span()
        (years if span[1] - span[0] == 4 else days).append(span)
    if years:
        spans["year_digits"] = years
    if days:
        spans["day_digits"] = days
    scanner = grammar.scanner
    features = grammar.features
    get = spans.get
    for m in scanner.pattern.finditer(" " + view):  # m.start(): where the word starts in view
        at = m.start()
        w, p, q = m.groups()  # its only groups (see _scanner)
        head = p or q
        if w is not None and head is not None:  # both: rare
            sure_w, check_w = scanner.whole[w]
            sure_p, check_p = scanner.prefix[head]
            sure = tuple(sorted({*sure_w, *sure_p}))
            check = tuple(sorted({*check_w, *check_p} - set(sure)))
        else:
            sure, check = scanner.whole[w] if w is not None else scanner.prefix[head or ""]
        for name in sure:
            found = get(name)
            if found is None:
                spans[name] = [(at, at + 1)]
            else:
                found.append((at, at + 1))
        for name in check:
            if features[name].compiled.match(view, at):
                found = get(name)
                if found is None:
                    spans[name] = [(at, at + 1)]
                else:
                    found.append((at, at + 1))
    if not spans:
        return spans
    # The occurrences of each context: those of its base where its pattern matches (at
    # the occurrence, or ending there), for the bases that occur only; a single one, the
    # usual case in a paragraph, is tested without a list comprehension. The lists are
    # never changed once made, so a context may share its base's.
    children = grammar.children
    todo: list[str] = []
    for root in grammar.roots:
        if root in spans:
            todo.append(root)
    n = len(view)
    while todo:
        parent = todo.pop()
        base = spans[parent]
        for name, context in children[parent]:
            test, back = context.test
            if len(base) > 1:
                if back == 0:
                    kept = [span for span in base if test(view, span[0], n)]
                else:
                    kept = [span for span in base
                            if test(view, span[0] - back if span[0] > back else 0, span[0])]
                if not kept:
                    continue
                if len(kept) == len(base):
                    kept = base
            else:
                at = base[0][0]
                lo, hi = (at, n) if back == 0 else (at - back if at > back else 0, at)
                if test(view, lo, hi) is None:
                    continue
                kept = base
            spans[name] = kept
            if name in children:
                todo.append(name)
    return spans


def _matches(rule: _Rule, view: str, spans: dict[str, list[tuple[int, int]]]) -> list[re.Match[str]]:
    """The matches of ``rule.pattern.finditer(view)``, found only around its anchors.

    A match contains its rule's feature, so it starts less than ``width`` before an
    occurrence of it, and no attempt to match from there reads further than ``reach``:
    searching ``[start - width + 1, end - 1 + reach)`` around the first occurrence not
    yet passed finds the same next match as a search of the whole text, if it starts by
    the occurrence's end; if none does, no match starts before that end.

    >>> text = ("From 9 to 12 January 2022 and last Monday, two weeks ago, in early March, "
    ...         "at Christmas 2019, in 2014-2015, on 5/3/2021, Jan. 4 and 2021-03-05.")
    >>> g, v = _grammar("en"), to_view(text)
    >>> s = _anchor_spans(g, v)
    >>> def spans(found): return [m.span() for m in found]
    >>> [r.name for r in g.rules if spans(_matches(r, v, s)) != spans(r.pattern.finditer(v))]
    []
    >>> sum(len(spans(r.pattern.finditer(v))) for r in g.rules) > 10
    True
    """
    feature = rule.feature
    if feature is not None and not spans.get(feature):
        return []  # no match: the rule's pattern is not even compiled
    return _matches_found(rule, view, spans)


def _matches_found(rule: _Rule, view: str, spans: dict[str, list[tuple[int, int]]]) -> list[re.Match[str]]:
    """:func:`_matches` of a rule whose feature is in ``spans`` (or that has none)."""
    anchor, search, width, reach = rule.window
    if anchor is None:
        return list(rule.pattern.finditer(view))
    n = len(view)
    pos = 0
    found: list[re.Match[str]] = []
    for a_start, a_end in spans[anchor]:
        while a_end > pos:
            last = a_end - 1
            lo = a_start - width + 1
            hi = last + reach
            m = search(view, lo if lo > pos else pos, hi if hi < n else n)
            if m is None or m.start() > last:
                pos = a_end
                break
            if m.end() == m.start():  # empty: finditer's own stepping from here on
                found += rule.pattern.finditer(view, m.start())
                return found
            found.append(m)
            pos = m.end()
    return found


# ------------------------------------------------------------------ choosing matches


def _select(hits: Iterable[_Hit]) -> list[_Hit]:
    """Non-overlapping hits, longest first, then in rule order; sorted by start.

    A turned-down hit takes part too: a longer rejected match ("Thursday, January 14"
    with the wrong weekday) keeps its shorter parts from passing as facts.
    """
    ordered = sorted(hits, key=_longest_first)
    if len(ordered) <= _FEW_HITS:  # a paragraph's: each against those taken
        taken: list[_Hit] = []
        for hit in ordered:
            start, end = hit.start, hit.end
            if end <= start:
                continue
            for other in taken:
                if other.start < end and start < other.end:
                    break
            else:
                taken.append(hit)
        return sorted(taken, key=_start_of)
    # one byte per character, set where a taken hit lies: linear in the hits' lengths
    # (a sorted list with inserts was quadratic in the number of hits)
    occupied = bytearray(max((h.end for h in ordered), default=0))
    taken = []
    for hit in ordered:
        if hit.end <= hit.start or occupied.find(1, hit.start, hit.end) >= 0:
            continue
        occupied[hit.start : hit.end] = b"\x01" * (hit.end - hit.start)
        taken.append(hit)
    return sorted(taken, key=_start_of)


def _longest_first(h: _Hit) -> tuple[int, int, int]:
    return h.start - h.end, h.order, h.start


def _start_of(h: _Hit) -> int:
    return h.start


_FEW_HITS = 8  # so many hits are checked against each other (no map of the text)


def _joinable(hit: _Hit) -> _Cal | None:
    """The single, unchecked calendar point of ``hit``, if that is what it is."""
    spec = hit.spec
    if (isinstance(spec, _Fixed) and spec.last is None and spec.weekday is None
            and spec.year_shift is None and spec.offset is None):
        return spec.first
    return None


def _join(grammar: _Grammar, view: str, hits: list[_Hit]) -> list[_Hit]:
    """Join neighbouring hits that make one date (hits are sorted and do not overlap)."""
    out: list[_Hit] = []
    for hit in hits:
        joined = _join_pair(grammar, view, out[-1], hit) if out else None
        if joined is None:
            out.append(hit)
        else:
            out[-1] = joined
    return out


def _join_pair(grammar: _Grammar, view: str, a: _Hit, b: _Hit) -> _Hit | None:
    if not _YEAR_PHRASE_GAP.fullmatch(view, a.end, b.start):
        return _join_range(grammar, view, a, b)
    if (isinstance(a.spec, _Fixed) and a.spec.first.year is None and a.spec.year_shift is None
            and isinstance(b.spec, _Shift) and b.spec.unit == "year" and b.spec.whole):
        # "in June this year", "12 June last year"
        joined = replace(a.spec, year_shift=b.spec.amount)
        return _Hit(a.start, b.end, a.rule, spec=joined, also=(*a.also, b.rule), order=a.order)
    if (isinstance(a.spec, _Shift) and a.spec.unit == "day" and isinstance(b.spec, _Fixed)
            and _joinable(b) is not None and b.spec.first.grain == "day"):
        # "Today, January 6": one day said twice; the two must agree
        joined = replace(b.spec, offset=a.spec.amount)
        return _Hit(a.start, b.end, b.rule, spec=joined, also=(a.rule,), order=b.order)
    return None


def _join_range(grammar: _Grammar, view: str, a: _Hit, b: _Hit) -> _Hit | None:
    """Two dates of one grain joined by a dash or range words: "5 January to 7 March"."""
    first, last = _joinable(a), _joinable(b)
    if first is None or last is None or first.grain != last.grain:
        return None
    link = grammar.range_join.compiled.fullmatch(view, a.end, b.start)
    if link is None:
        return None
    if link.group("close") is not None:
        opened = grammar.range_open.compiled.search(view, max(0, a.start - 40), a.start)
        opener = _squash(opened.group("open")) if opened is not None else ""
        if (opener, _squash(link.group("close"))) not in grammar.lex.range_pairs:
            return None
    first, last = _share_year(first, last)
    reason = _invalid(first) or _invalid(last)
    spec = None if reason is not None else _Fixed(first, last)
    return _Hit(a.start, b.end, a.rule, spec=spec, reason=reason,
                also=(*a.also, b.rule, "date.range_join"), order=a.order)


# ------------------------------------------------------------------------ resolving


@dataclass(slots=True, unsafe_hash=True)
class _Anchor:
    """What completes a year-less date: the reference date, the dateline, or nothing."""

    ref: date | None
    name: str  # reference_date | dateline | none
    problem: str | None = None  # why there is no usable reference


def _dateline_place(grammar: _Grammar, view: str, hit: _Hit) -> bool:
    """Could this date be the article's dateline by where it stands? Near the top
    (:data:`DATELINE_CHARS`), at most :data:`DATELINE_LEAD` characters into its line,
    with no sentence end and no ``not_dateline`` word ("as of", "born", "станом на",
    "минувшую") before it on the line: "KYIV, Jan 17 (Reuters)", a date line under a
    title. A date inside the first sentence ("last Saturday, 17 September") or an
    order's date ("станом на 01.01.2017") is not one."""
    if hit.start >= DATELINE_CHARS:
        return False
    lead_start = view.rfind("\n", 0, hit.start) + 1
    if hit.start - lead_start > DATELINE_LEAD:
        return False
    if _SENTENCE_STOP.search(view, lead_start, hit.start) is not None:
        return False
    line_end = view.find("\n", hit.end)
    tail_end = min(hit.end + DATELINE_LEAD, line_end if line_end >= 0 else len(view))
    if grammar.not_dateline_after.compiled.search(view, hit.end, tail_end) is not None:
        return False  # "21 марта 1889 года родился"
    return grammar.not_dateline.compiled.search(view, lead_start, hit.start) is None


def _latest_year(hits: list[_Hit]) -> int | None:
    """The latest year written out in the text's dates, if any."""
    years = [
        cal.year
        for hit in hits if isinstance(hit.spec, _Fixed)
        for cal in (hit.spec.first, hit.spec.last) if cal is not None and cal.year is not None
    ]
    return max(years) if years else None


def _anchor(grammar: _Grammar, view: str, reference: date | None, chosen: list[_Hit]) -> _Anchor:
    """The date relative dates resolve against: the reference date, else a dateline
    (see :func:`_dateline`). The places of the dates are looked at only when the
    reference date does not serve (most calls give one)."""
    if reference is not None and YEAR_MIN <= reference.year <= YEAR_MAX:
        return _Anchor(reference, "reference_date")
    # only a full day can be the dateline (see _dateline): the place of the others, the
    # costlier test, is not looked at
    placed = [h for h in chosen if _full_day(h) and _dateline_place(grammar, view, h)]
    return _dateline(reference, placed, _latest_year(chosen) if placed else None)


def _full_day(hit: _Hit) -> bool:
    """Is ``hit`` a single day with its year, month and day?"""
    spec = hit.spec
    if not isinstance(spec, _Fixed) or spec.last is not None:
        return False
    c = spec.first
    return c.year is not None and c.month is not None and c.day is not None


def _needs_anchor(spec: _Spec) -> bool:
    """Does :func:`_resolve` look at the anchor to resolve ``spec``? Not for a fixed date
    with its year and no relative day said with it, nor for an nth weekday of a month of
    a given year."""
    if isinstance(spec, _Fixed):
        return spec.first.year is None or spec.offset is not None
    return not (isinstance(spec, _NthInMonth) and spec.year is not None)


# what is passed to _resolve for a spec that does not need an anchor (_needs_anchor):
# never looked at
_UNUSED_ANCHOR = _Anchor(None, "none", "no anchor worked out")


def _dateline(reference: date | None, hits: list[_Hit], latest_year: int | None = None) -> _Anchor:
    """The dateline among ``hits`` (the dates placed as one): the newest full date near
    the top; not one more than a year older than a year written further on ("17 ноября
    1875 года." under an old photograph in a 2007 article is a caption)."""
    found = [
        date(c.year, c.month, c.day)
        for hit in hits
        if hit.start < DATELINE_CHARS and isinstance(hit.spec, _Fixed) and hit.spec.last is None
        for c in (hit.spec.first,)
        if c.year is not None and c.month is not None and c.day is not None
        and (latest_year is None or latest_year - c.year <= 1)
    ]
    if found:  # the latest: a dateline is the newest date near the top
        return _Anchor(max(found), "dateline")
    if reference is not None:
        return _Anchor(None, "none", f"reference date {reference} outside {YEAR_MIN}-{YEAR_MAX}")
    return _Anchor(None, "none", "no reference date and no dateline")


def _tense(
    grammar: _Grammar,
    view: str,
    start: int,
    end: int,
    *,
    index: _PastWords | None = None,
    marks: _TenseMarks | None = None,
) -> str | None:
    """The tense of the sentence around ``[start, end)``: "future" when it has a future
    cue, else "past" when it has a past cue (a word of ``past_cues`` or, outside the date
    itself, a word of :data:`_PAST_MIN_LETTERS` letters or more ending in one of
    ``past_endings``), else None. ``index``: see :class:`_PastWords`; ``marks``: see
    :class:`_TenseMarks` (the same answers as the searches of the sentence)."""
    lo = max(0, start - _SENTENCE_REACH)
    hi = min(len(view), end + _SENTENCE_REACH)
    if marks is None:
        last = _LAST_STOP.match(view, lo, start)
        if last is not None:
            lo = last.end()
        after = _SENTENCE_STOP.search(view, end, hi)
        hi = after.start() if after is not None else hi
    else:
        lo, hi = marks.sentence(lo, start, end, hi)
    cue: tuple[int, bool] | None  # (where the cue starts, whether it is a future cue)
    if lo > 0:  # a cue after the window's first character: matched with the one before it
        if marks is None:
            found = grammar.cue_after.compiled.search(view, lo - 1, hi)
            cue = None if found is None else (found.start(), found.lastgroup is not None)
        else:
            cue = marks.cue(lo - 1, hi)
        at = cue[0] + 1 if cue is not None else 0  # where the cue's word starts
    else:
        found = grammar.cue.compiled.search(view, 0, hi)
        cue = None if found is None else (found.start(), found.lastgroup is not None)
        at = cue[0] if cue is not None else 0
    if cue is not None:  # the first cue; no future cue starts before it
        if cue[1] or grammar.future.compiled.search(view, at + 1, hi):
            return "future"
        return "past"
    if _past_word_in(grammar, view, lo, start, index) or _past_word_in(grammar, view, end, hi, index):
        return "past"
    return None


@cache
def _bounded_reach(pattern: re.Pattern[str]) -> int | None:
    """:func:`_reach` of a compiled pattern, or None when its matches have no bound."""
    tree = _SRE_PARSER.parse(pattern.pattern, pattern.flags)
    return None if tree.getwidth()[1] >= _SRE_CONSTANTS.MAXREPEAT else _reach(tree)


_STOP_CHARS = frozenset(".!?\n")  # a sentence end where the text is cut (see _TenseMarks)


class _TenseMarks:
    r"""Where the sentence ends and the tense cues of a whole text are, to answer the
    window searches of :func:`_tense` by bisection: the same answers, for a text with
    many dates whose sentence windows would otherwise each be searched (with
    :class:`_PastWords`).

    A window search reads its text cut at the window's end; a match that reads nothing
    at or after that end is one of the whole text's. The cue pattern's matches are found
    at every start (each search goes on from the character after the last start, so a
    match that starts inside an earlier one is found too), and the starts whose match may
    read the cut end, the last few characters of the window, are searched directly. A
    sentence end is one character whose look ahead reads the next: only the window's last
    character is read cut.
    """

    __slots__ = ("_cue_future", "_cue_search", "_cue_starts", "_near", "_stops", "_view")

    def __init__(self, grammar: _Grammar, view: str) -> None:
        self._view = view
        self._stops = [m.start() for m in _SENTENCE_STOP.finditer(view)]
        pattern = grammar.cue_after.compiled
        self._cue_search = pattern.search
        # a match started this far from the window's end never reads the cut end
        self._near = _bounded_reach(pattern)
        self._cue_starts: list[int] = []
        self._cue_future: list[bool] = []
        if self._near is not None:  # every start of a match, one search from each
            pos = 0
            while (m := pattern.search(view, pos)) is not None:
                self._cue_starts.append(m.start())
                self._cue_future.append(m.lastgroup is not None)
                pos = m.start() + 1

    def sentence(self, lo: int, start: int, end: int, hi: int) -> tuple[int, int]:
        """The window ``[lo, hi)`` of :func:`_tense` narrowed to the sentence: after the
        last sentence end before ``start``, up to the first one from ``end`` on (``start``
        at most :data:`_SENTENCE_REACH` after ``lo``, as there)."""
        view, stops = self._view, self._stops
        if start - 1 >= lo and view[start - 1] in _STOP_CHARS:
            lo = start  # a stop just before the cut: the window ends at start
        else:
            i = bisect_left(stops, start - 1) - 1
            if i >= 0 and stops[i] >= lo:
                lo = stops[i] + 1
        i = bisect_left(stops, end)
        if i < len(stops) and stops[i] < hi - 1:
            hi = stops[i]
        elif end <= hi - 1 and view[hi - 1] in _STOP_CHARS:
            hi = hi - 1
        return lo, hi

    def cue(self, lo: int, hi: int) -> tuple[int, bool] | None:
        """(start, future) of ``cue_after.search(view, lo, hi)``, or None."""
        near = self._near
        if near is None:
            found = self._cue_search(self._view, lo, hi)
        else:
            starts = self._cue_starts
            i = bisect_left(starts, lo)
            if i < len(starts) and starts[i] < hi - near:
                return starts[i], self._cue_future[i]
            found = self._cue_search(self._view, max(lo, hi - near), hi)
        return None if found is None else (found.start(), found.lastgroup is not None)


def _cues(future: Iterable[str], past: Iterable[str] = (), after: bool = False) -> str:
    r"""Whole words that are ``future`` cues (each in a group named ``future<n>``) or
    ``past`` ones: the search finds the first cue of either kind, a future one where both
    start (``m.lastgroup`` is None for a past one). The same matches as
    ``(?<!\w)(?:(?P<future>F)(?!\w)|P(?!\w))`` with :func:`_alt` of each list, but the
    pattern starts with the first letters of the words and looks back only after one of
    them, so the engine skips at C speed to those letters instead of trying every
    position of a sentence (a leading look back is tried everywhere).

    >>> cue = re.compile(_cues(["will"], ["was", "will have"]))
    >>> [(m.group(), m.lastgroup) for m in cue.finditer("it was, it will have")]
    [('was', None), ('will', 'future0')]
    >>> _cues(["in", "on"])
    '(?:i(?<!\\wi)(?:(?P<future0>n)(?!\\w))|o(?<!\\wo)(?:(?P<future1>n)(?!\\w)))'

    ``after``: the same cues, each matched with the non-word character before it (a
    search from one character before the window): the engine then skips ahead to the
    non-word characters, a bitmap test (see _NOT_WORD_LEAD), instead of stopping at
    every letter a cue starts with (most letters) to look back. It finds no cue at the
    text's very start.

    >>> cue = re.compile(_cues(["will"], ["was", "will have"], after=True))
    >>> [(m.group(), m.lastgroup) for m in cue.finditer("was, it will have")]
    [(' will', 'future0')]
    """
    tries: list[_Trie] = []
    for forms in (future, past):
        trie: _Trie = {}
        for form in set(forms):
            node = trie
            for char in form:
                node = node.setdefault(char, {})
            node[_END] = {}
        tries.append(trie)
    ahead, behind = tries
    branches = []
    for n, first in enumerate(sorted({*ahead, *behind})):
        tails = []
        if first in ahead:
            tails.append(rf"(?P<future{n}>{_emit(ahead[first])})(?!\w)")
        if first in behind:
            tails.append(rf"{_emit(behind[first])}(?!\w)")
        char = re.escape(first)
        look_back = "" if after else rf"(?<!\w{char})"
        branches.append(rf"{char}{look_back}(?:{'|'.join(tails)})")
    if not branches:
        return "(?!)"
    return ("(?:" if not after else rf"{_NOT_WORD_LEAD}(?<=\W)(?:") + "|".join(branches) + ")"


def _past_word_in(grammar: _Grammar, view: str, lo: int, hi: int, index: _PastWords | None = None) -> bool:
    """Is there a word of :data:`_LETTERS` in ``view[lo:hi]`` with a past ending (and at
    least :data:`_PAST_MIN_LETTERS` long)? A word that ``lo`` cuts counts from ``lo`` on;
    it is tested apart, as the search's look back at an ending would see its first part.
    ``index`` (the past words of all of ``view``) answers the final search by bisection."""
    if lo > 0 and _LETTER.match(view, lo - 1):
        first = _LETTERS.match(view, lo, hi)
        if first is not None:
            word = first.group(0)
            if len(word) >= _PAST_MIN_LETTERS and word.endswith(grammar.past_endings):
                return True
            lo = first.end()
    if index is not None:
        return index.search(lo, hi)
    return grammar.past_word.compiled.search(view, lo, hi) is not None


_WORDISH = re.compile(r"[\w']")  # what the past-word pattern's possessive run takes
_RUN = re.compile(r"[\w']*+")


class _PastWords:
    r"""Where the past-word pattern matches in a whole text, to tell by bisection whether
    ``pattern.search(view, lo, hi)`` finds a match: the same answer, for a text with many
    dates whose sentence windows would otherwise each be searched (a table of dates).

    A window search differs from the whole text's matches only in the runs of
    ``[\w']`` that its ends cut: a run cut at ``hi`` is read truncated, and a start
    inside a run cut at ``lo`` is tried although the text's search took the run from its
    own start. Those two runs are searched directly; between them every run lies whole
    in the window, its starts share one end (the run is possessive), so it holds a match
    exactly when the text's search found one starting in it.
    """

    __slots__ = ("_back", "_n", "_search", "_starts", "_view")

    def __init__(self, pattern: re.Pattern[str], view: str) -> None:
        self._view, self._n, self._back = view, len(view), view[::-1]
        self._search = pattern.search
        self._starts = [m.start() for m in pattern.finditer(view)]

    def search(self, lo: int, hi: int) -> bool:
        """Is ``pattern.search(view, lo, hi)`` not None?"""
        if lo >= hi:
            return False
        view, search = self._view, self._search
        a = lo  # where the runs begin that lie whole in the window (from the left)
        if lo > 0 and _WORDISH.match(view, lo - 1) and _WORDISH.match(view, lo):
            a = _RUN.match(view, lo, hi).end()  # type: ignore[union-attr]  # * always matches
            if search(view, lo, a) is not None:
                return True
            if a >= hi:
                return False
        b = hi  # where they end (from the right)
        if hi < self._n and _WORDISH.match(view, hi) and _WORDISH.match(view, hi - 1):
            n = self._n  # the run that hi cuts, back to its start (not before a)
            b = n - _RUN.match(self._back, n - hi, n - a).end()  # type: ignore[union-attr]
            if search(view, b, hi) is not None:
                return True
        starts = self._starts
        i = bisect_left(starts, a)
        return i < len(starts) and starts[i] < b


def _past_word(endings: Iterable[str]) -> str:
    r"""A word of :data:`_LETTERS` (a letter, then word characters or apostrophes) of
    :data:`_PAST_MIN_LETTERS` characters or more, ending in one of ``endings``.

    One search instead of a Python loop over the words of a sentence: every start inside
    a word reaches the same end (the repeat is possessive), so a word qualifies at its
    first letter or not at all, as when the words are taken one by one; so a start right
    after a letter, never a word's first letter, is turned down by a look back before the
    rest is tried (the word is not read again from each of its letters: 2-4 times faster
    on news). The endings are letters, so their look back never reaches before a word,
    except the first one of a search that starts inside a word (:func:`_past_word_in`
    tests that one apart).

    >>> past = re.compile(_past_word(["ed", "ла"]))
    >>> [m.group() for m in past.finditer("Troops arrived, he said; red bed; вона прийшла")]
    ['arrived', 'прийшла']
    """
    by_length: dict[int, list[str]] = {}
    for ending in sorted(set(endings)):
        if not _LETTER_RUN.fullmatch(ending):
            raise DataError(f"dates: a past ending must be letters only, not {ending!r}")
        by_length.setdefault(len(ending), []).append(re.escape(ending))
    if not by_length:
        return "(?!)"
    ends = "|".join(f"(?<={'|'.join(alts)})" for _, alts in sorted(by_length.items()))
    more = _PAST_MIN_LETTERS - 1
    return rf"(?<![^\W\d_])[^\W\d_](?=[\w']{{{more}}})[\w']*+(?:{ends})"


_TENSE_RULES = {"future": "date.future_sentence", "past": "date.past_sentence", None: "date.current_period"}


def _needs_tense(spec: _Spec | None) -> bool:
    """Does resolving ``spec`` depend on whether its sentence speaks of the future?"""
    if isinstance(spec, _Fixed):
        return spec.first.year is None and spec.year_shift is None
    if isinstance(spec, _WeekdayRef):
        return spec.mode == "bare"
    return isinstance(spec, _NthInMonth) and spec.year is None


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_days(year: int, month: int) -> int:
    """The number of days of ``month`` in ``year`` (``calendar.monthrange``'s, without
    the weekday it also works out)."""
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month - 1]


_Day = tuple[int, int, int]  # (year, month, day): ordered as the days are
_NEAR_FUTURE = timedelta(days=NEAR_FUTURE_DAYS)
_FUTURE_HORIZON = timedelta(days=FUTURE_HORIZON_DAYS)


def _ymd(d: date) -> _Day:
    return d.year, d.month, d.day


def _bounds(year: int, month: int, day: int | None) -> tuple[_Day, _Day] | None:
    """The first and last day of the month, or the day, in ``year`` (None: no such day
    that year, a 29 February). Tuples, cheaper to build than dates, compare the same."""
    last = _month_days(year, month)
    if day is None:
        return (year, month, 1), (year, month, last)
    if day > last:
        return None
    point = (year, month, day)
    return point, point


def _infer_year(c: _Cal, ref: date, tense: str | None) -> int | None:
    """The year of a year-less month or day: see the module docstring.

    The years tried are the eight before the reference year to the one after it (a 29
    February needs a leap year); the latest that starts by the near future is the past
    reading, the first that has not ended by the reference date and starts within the
    horizon the future one. ``c`` is a calendar point (see :func:`_invalid`).

    >>> ref = date(2022, 1, 17)
    >>> [_infer_year(_Cal(None, 12, 25), ref, t) for t in ("past", "future", None)]
    [2021, 2022, 2022]
    >>> _infer_year(_Cal(None, 2, 29), ref, "past"), _infer_year(_Cal(None, 1, 20), ref, "past")
    (2020, 2022)
    """
    month = c.month if c.month is not None else 1
    current = ref.year if _bounds(ref.year, month, c.day) is not None else None
    if tense is None and current is not None:
        return current  # no tense: the current period
    years = range(ref.year - 8, ref.year + 2)
    if tense == "future":  # not beyond the horizon: then the current period
        today, horizon = _ymd(ref), _ymd(ref + _FUTURE_HORIZON)
        for year in years:
            bounds = _bounds(year, month, c.day)
            if bounds is not None and bounds[1] >= today and bounds[0] <= horizon:
                return year
        if current is not None:
            return current
    soon = _ymd(ref + _NEAR_FUTURE)
    for year in reversed(years):
        bounds = _bounds(year, month, c.day)
        if bounds is not None and bounds[0] <= soon:
            return year
    return None


def _key(c: _Cal) -> tuple[int, int, int]:
    return (c.year or 0, c.month or 0, c.day or 0)


def _day(d: date) -> _Cal:
    return _Cal(d.year, d.month, d.day)


_Result = tuple[_Cal, "_Cal | None", str]


def _resolve_fixed(spec: _Fixed, anchor: _Anchor, tense: str | None) -> _Result | str:
    first, last, name = spec.first, spec.last, "explicit"
    if first.year is None:
        if anchor.ref is None:  # a partial value: "--01-02", "--01"
            return first, last, "none"
        if spec.year_shift is not None:
            year: int | None = anchor.ref.year + spec.year_shift
        else:
            year = _infer_year(first, anchor.ref, tense)
        if year is None:
            return f"no year near {anchor.ref} has this date"
        # (a plain copy: ``dataclasses.replace`` costs several times more, once per date)
        first, name = _Cal(year, first.month, first.day, first.season), anchor.name
        reason = _invalid(first)
        if reason is not None:
            return reason
        if last is not None:
            first, last = _share_year(first, last)
            reason = _invalid(last)
            if reason is not None:
                return reason
    if last is not None and _key(last) < _key(first):
        return "the range ends before it starts"
    checked = spec.weekday is not None or spec.offset is not None  # a day said twice
    if checked and first.year is not None and first.day is not None:
        day = date(first.year, first.month or 1, first.day)
        if spec.weekday is not None and day.isoweekday() != spec.weekday:
            return (f"weekday mismatch: the text names ISO weekday {spec.weekday}, "
                    f"but {_iso(first)} is ISO weekday {day.isoweekday()}")
        if spec.offset is not None and anchor.ref is not None:
            said = anchor.ref + timedelta(days=spec.offset)
            if said != day:
                return f"the relative day is {said}, the date next to it {_iso(first)}"
    return first, last, name


def _resolve_relative(spec: _Spec, ref: date, tense: str | None) -> tuple[_Cal, _Cal | None] | str:
    if isinstance(spec, _Shift):
        return _resolve_shift(spec, ref)
    if isinstance(spec, _WeekdayRef):
        iso = ref.isoweekday()
        if (spec.mode == "bare" and tense == "future") or spec.mode == "following":
            days = (spec.weekday - iso) % 7 or 7
        elif spec.mode == "bare" and tense is None:
            days = spec.weekday - iso  # no tense: the current (ISO) week
        elif spec.mode == "bare":
            days = -((iso - spec.weekday) % 7)
        elif spec.mode == "before":
            days = -((iso - spec.weekday) % 7 or 7)
        else:
            days = 1 - iso + 7 * spec.weeks + spec.weekday - 1
        return _day(ref + timedelta(days=days)), None
    if isinstance(spec, _MonthRef):
        if spec.shift < 0:
            year = (ref.year if spec.month < ref.month else ref.year - 1) + spec.shift + 1
        elif spec.shift > 0:
            year = (ref.year if spec.month > ref.month else ref.year + 1) + spec.shift - 1
        else:
            year = ref.year
        return _Cal(year, spec.month), None
    if isinstance(spec, _NthInMonth):
        inferred = _infer_year(_Cal(None, spec.month), ref, tense)
        if inferred is None:
            return "no year near the reference date fits"
        return _nth_in_month(spec, inferred)
    return "not a relative date"


def _resolve_shift(spec: _Shift, ref: date) -> tuple[_Cal, _Cal | None]:
    if spec.unit == "day":
        return _day(ref + timedelta(days=spec.amount)), None
    if spec.unit == "week":
        if not spec.whole:
            return _day(ref + timedelta(weeks=spec.amount)), None
        monday = ref - timedelta(days=ref.weekday()) + timedelta(weeks=spec.amount)
        return _day(monday), _day(monday + timedelta(days=6))
    if spec.unit == "month":
        index = ref.year * 12 + ref.month - 1 + spec.amount
        return _Cal(index // 12, index % 12 + 1), None
    return _Cal(ref.year + spec.amount), None


def _nth_in_month(spec: _NthInMonth, year: int) -> tuple[_Cal, None] | str:
    days = _month_days(year, spec.month)
    if spec.weekday is None:
        day = days if spec.nth == -1 else spec.nth
    elif spec.nth == -1:
        day = days - (date(year, spec.month, days).isoweekday() - spec.weekday) % 7
    else:
        day = 1 + (spec.weekday - date(year, spec.month, 1).isoweekday()) % 7 + 7 * (spec.nth - 1)
    if not 1 <= day <= days:
        return f"month {year}-{spec.month:02d} has no such day"
    return _Cal(year, spec.month, day), None


def _resolve(spec: _Spec, anchor: _Anchor, tense: str | None) -> _Result | str:
    if isinstance(spec, _Fixed):
        return _resolve_fixed(spec, anchor, tense)
    if isinstance(spec, _NthInMonth) and spec.year is not None:
        found = _nth_in_month(spec, spec.year)
        return found if isinstance(found, str) else (found[0], None, "explicit")
    if anchor.ref is None:
        return f"{anchor.problem or 'no reference date'} to resolve a relative date against"
    relative = _resolve_relative(spec, anchor.ref, tense)
    if isinstance(relative, str):
        return relative
    first, last = relative
    if not YEAR_MIN <= (first.year or 0) <= YEAR_MAX:
        return f"year {first.year} outside {YEAR_MIN}-{YEAR_MAX}"
    return first, last, anchor.name


def _iso(c: _Cal) -> str:
    if c.year is None:
        month = f"--{c.month or 0:02d}"
        return month if c.day is None else f"{month}-{c.day:02d}"
    text = f"{c.year:04d}"
    if c.month is not None and c.season is None:
        text += f"-{c.month:02d}"
        if c.day is not None:
            text += f"-{c.day:02d}"
    return text


def _candidate(hit: _Hit, result: _Result, tense: str | None) -> Candidate:
    first, last, anchor = result
    rules = [hit.rule, *hit.also]
    if anchor != "none" and _needs_tense(hit.spec):
        rules.append(_TENSE_RULES[tense])
    if isinstance(hit.spec, _Fixed) and hit.spec.weekday is not None and anchor != "none":
        rules.append("date.weekday_checked")
    if isinstance(hit.spec, _Fixed) and hit.spec.offset is not None and anchor != "none":
        rules.append("date.relative_day_checked")
    low = high = None
    value = _iso(first)
    if last is not None:
        low, high = value, _iso(last)
        value = f"{low}/{high}"
    # An interval of dates names a period exactly ("April-September 2019" is that period,
    # not some month inside it), so its qualifier stays "exact", as the seed gold has it.
    return Candidate(
        kind="date", start=hit.start, end=hit.end, value=value, low=low, high=high,
        qualifier="exact", rules=rules, extra={"grain": first.grain, "anchor": anchor},
    )


_TRIED_KEPT = 4096  # at most so many masks' rules are kept (a few hundred occur)


def _tried(grammar: _Grammar, mask: int) -> tuple[tuple[int, _Rule], ...]:
    """(order, rule) of the rules in ``mask``, in rule order; kept in ``grammar.tried``."""
    found = tuple((order, rule) for order, rule in enumerate(grammar.rules) if mask >> order & 1)
    if len(grammar.tried) < _TRIED_KEPT:
        grammar.tried[mask] = found
    return found


def find_dates(
    text: str, view: str, lang: str, reference: date | None
) -> tuple[list[Candidate], list[Rejected]]:
    """Find the dates of ``text``; ``view`` is ``to_view(text)``.

    Returns the date candidates (``kind="date"``, ISO ``value``, ``extra`` with ``grain``
    and ``anchor``) and the date-like spans that were turned down, with the reason.
    ``reference`` is the article's date; the system clock is never read.
    """
    if len(view) != len(text):
        raise ValueError("view must be to_view(text): the lengths differ")
    grammar = _grammar(lang)
    spans = _found_spans(grammar, view)
    # the rules whose feature occurs (few, in a paragraph) and those scanned whole, in
    # rule order: the others have no match
    mask = grammar.unanchored
    masks = grammar.masks
    for feature in spans:
        mask |= masks.get(feature, 0)
    if not mask:
        return [], []
    tried = grammar.tried.get(mask)
    if tried is None:
        tried = _tried(grammar, mask)
    scan: _Scan | None = None  # made for the first match
    hits: list[_Hit] = []
    for order, rule in tried:
        for m in _matches_found(rule, view, spans):
            if scan is None:
                scan = _Scan(text, view, grammar.lex)
            hit = rule.build(scan, m)
            if hit is not None and hit.end > hit.start:
                hit.order = order  # a new hit of this rule's: no copy needed
                hits.append(hit)
    if not hits:
        return [], []
    # one hit (most paragraphs): nothing to choose between or join
    chosen = hits if len(hits) == 1 else _join(grammar, view, _select(hits))
    # without a reference date, the anchor is worked out when a date needs it (none does
    # in most paragraphs: their dates have a year)
    anchor = _anchor(grammar, view, reference, chosen) if reference is not None else None
    candidates: list[Candidate] = []
    rejected: list[Rejected] = []
    # many dates whose sentence windows together outgrow the text (a table of dates, a
    # text without sentence ends): the text's past words are found once (_PastWords)
    index: _PastWords | None = None
    marks: _TenseMarks | None = None
    if len(chosen) * _TENSE_WINDOW > len(view) and len(chosen) > 1:
        tensed = sum(1 for hit in chosen if hit.spec is not None and _needs_tense(hit.spec))
        if tensed > 1 and tensed * _TENSE_WINDOW > len(view):
            index = _PastWords(grammar.past_word.compiled, view)
            marks = _TenseMarks(grammar, view)
    for hit in chosen:
        spec = hit.spec
        if spec is None:
            rejected.append(Rejected(hit.start, hit.end, hit.rule, hit.reason or "invalid"))
            continue
        tense: str | None = "past"
        if _needs_tense(spec):
            tense = _tense(grammar, view, hit.start, hit.end, index=index, marks=marks)
        if anchor is None and _needs_anchor(spec):
            anchor = _anchor(grammar, view, reference, chosen)
        result = _resolve(spec, _UNUSED_ANCHOR if anchor is None else anchor, tense)
        if isinstance(result, str):
            rejected.append(Rejected(hit.start, hit.end, hit.rule, result))
        else:
            candidates.append(_candidate(hit, result, tense))
    return candidates, rejected
