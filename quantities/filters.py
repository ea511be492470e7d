"""Named rules that say no: a number that is an identifier, ordinal, label or furniture.

Each rule has a name (``filter.<what>``) and a reason; a rejected number is reported in
the diagnostics, never silently dropped. Words come from ``lang/<code>/filters.toml``
and the ``[ordinals]`` of ``numbers.toml``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from quantities.candidates import Num, Rejected
from quantities.errors import DataError
from quantities.lang import load
from quantities.numbers import alternation, number_data
from quantities.skipscan import WordScan, digits_superset

__all__ = ["FilterData", "filter_data", "glued_identifier", "split_numbers"]

# A phone: "(?<![\w+])(?:\+\d{1,3}[ -]?)?(?:\(\d{2,5}\)[ ]?)?\d{2,4}(?:[ -]\d{2,4}){1,4}(?![\w])",
# written as its three possible first characters ("+", "(", a digit) and what each one
# leads to. The same matches; but a pattern that starts with a character class is tried
# only at those characters, which the regex engine finds at C speed, where the optional
# groups and the lookbehind in front made it try every position (or, scanned from each
# digit in Python, every digit of every number).
_PHONE_TAIL = r"\d{2,4}(?:[ -]\d{2,4}){1,4}(?![\w])"
_PHONE = re.compile(
    digits_superset(r"[+(\d]") + r"(?<![\w+][+(\d])"  # "\d" as ranges: the branches check it
    rf"(?:(?<=\+)\d{{1,3}}[ -]?(?:\(\d{{2,5}}\)[ ]?)?{_PHONE_TAIL}"
    rf"|(?<=\()\d{{2,5}}\)[ ]?{_PHONE_TAIL}"
    r"|(?<=\d)\d{1,3}(?:[ -]\d{2,4}){1,4}(?![\w]))"
)
_NEXT_WORD = re.compile(r"[ ]{1,2}+([^\W\d_]++)(?![\w'-])")
_CLOCK = re.compile(r"(?:[01]?\d|2[0-4])[.:][0-5]\d")
_TIME = re.compile(r"\d{1,2}[:.]\d{2}(?::\d{2})?(?![\d])")


@dataclass(frozen=True, slots=True)
class FilterData:
    label_re: re.Pattern[str]
    furniture: tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...]
    #: one pattern for every template: before the number / after it (a quick first test)
    furniture_any: tuple[re.Pattern[str] | None, re.Pattern[str] | None]
    time_re: re.Pattern[str]
    ordinal_re: re.Pattern[str]
    ordinal_word_re: re.Pattern[str]
    pronouns: frozenset[str]
    clock_re: re.Pattern[str] | None
    idioms: WordScan | None  # set phrases, each starting a word
    pronoun_before_re: re.Pattern[str] | None
    pronoun_after_re: re.Pattern[str] | None
    ordinal_adjectives: tuple[str, ...]  # endings of a singular adjective after the number
    #: quick first tests, from the same words: the last word of every label and of every
    #: furniture text before a number, and of every word before a pronoun, by its last
    #: character; the first three characters of every furniture word after a number, or
    #: all of a shorter one (and the first alone); the first characters of the ordinal
    #: suffixes; those a time suffix may start with, space too
    before_ends: Mapping[str, tuple[str, ...]]
    pronoun_ends: Mapping[str, tuple[str, ...]]
    after_heads: frozenset[str]
    after_first: frozenset[str]
    ordinal_first: frozenset[str]
    time_first: frozenset[str]
    singular_after: tuple[str, ...]  # last digits of a number counted with a singular
    singular_except: tuple[str, ...]  # ... unless it ends in these


def _gap(phrase: str) -> str:
    return r"\s{1,3}".join(re.escape(part) for part in phrase.split())


@cache
def filter_data(lang: str) -> FilterData:
    raw = load(lang, "filters")
    labels = raw["preceding"]["labels"]
    label_re = re.compile(rf"(?<![\w])(?:{alternation(labels)})[ ]{{0,2}}\Z")
    furniture = []
    for template in raw["furniture"]["templates"]:
        before, _, after = template.partition("<n>")
        before_re = re.compile(rf"(?<![\w])(?:{_gap(before)})\s{{0,3}}\Z" if before.strip() else r"\Z")
        after_re = re.compile(rf"\s{{0,3}}{_gap(after)}(?![\w])" if after.strip() else "")
        furniture.append((before_re, after_re, template))
    befores = [t.partition("<n>")[0] for t in raw["furniture"]["templates"]]
    afters = [t.partition("<n>")[2] for t in raw["furniture"]["templates"]]
    before_any = "|".join(_gap(b) for b in befores if b.strip())
    after_any = "|".join(_gap(a) for a in afters if a.strip())
    furniture_any = (
        re.compile(rf"(?<![\w])(?:{before_any})\s{{0,3}}\Z") if before_any else None,
        re.compile(rf"\s{{0,3}}(?:{after_any})(?![\w])") if after_any else None,
    )
    suffixes = raw["time"]["suffixes"]
    if not all(suffixes):
        raise DataError(f"{lang}/filters.toml [time]: an empty suffix")
    time_re = re.compile(rf"[ ]{{0,2}}(?:{alternation(suffixes)})(?![\w])")
    nd = number_data(lang)
    ordinal_re = re.compile(rf"(?:{alternation(nd.ordinal_suffixes)})(?![^\W\d_])")
    ordinal_word_re = re.compile(rf"[ -]?(?:{alternation(nd.ordinal_words)})(?![\w])")
    pronoun = raw.get("pronoun", {})
    before = pronoun.get("before", [])
    pronoun_before_re = re.compile(rf"(?<![\w'])(?:{alternation(before)})[ ]{{1,3}}\Z") if before else None
    agreement = raw.get("ordinal_adjectives", {})
    endings = agreement.get("endings", [])
    after = pronoun.get("after", [])
    pronoun_after_re = re.compile(rf"[ ]{{1,3}}(?:{alternation(after)})(?![\w'])") if after else None
    prefixes = raw["time"].get("prefixes", [])
    clock_re = re.compile(rf"(?<![\w'])(?:{alternation(prefixes)})[ ]{{1,2}}\Z") if prefixes else None
    idioms = raw.get("idioms", {}).get("phrases", [])
    if any(p != p.strip() for p in idioms):
        raise DataError(f"{lang}/filters.toml [idioms]: a phrase starts or ends with a space")
    idiom_scan = WordScan(rf"(?:{alternation(idioms)})(?![\w'])") if idioms else None
    after_heads = frozenset(w.split()[0][:3] for w in afters if w.strip())
    return FilterData(
        label_re, tuple(furniture), furniture_any, time_re, ordinal_re, ordinal_word_re,
        frozenset(pronoun.get("words", [])), clock_re, idiom_scan, pronoun_before_re,
        pronoun_after_re,
        tuple(endings),
        _last_words(labels + befores),
        _last_words(before),
        after_heads,
        frozenset(h[0] for h in after_heads),
        frozenset(w[0] for w in nd.ordinal_suffixes),
        frozenset(" ").union(w[0] for w in suffixes),
        tuple(agreement.get("singular_after", [])),
        tuple(agreement.get("singular_except", [])),
    )


def glued_identifier(view: str, start: int) -> bool:
    """True when a number is glued to a designation: "MH17", "IL-76", "Су-25", "1+1"."""
    if start == 0:
        return False
    before = view[start - 1]
    if before.isalpha() or before in "+_/\\#№":
        return True
    if before in "-" and start >= 2:
        if view[start - 2] in "+":
            return True
        i = start - 2
        while i >= 0 and view[i].isalpha() and start - 2 - i < 4:
            i -= 1
        # "IL-76" is a designation; "5k-20k", "10km-20km" are ranges
        return i < start - 2 and not (i >= 0 and view[i].isdigit())
    return False


def _reason(
    num: Num, view: str, data: FilterData, phones: Sequence[tuple[int, int]]
) -> tuple[str, str] | None:
    start, end = num.start, num.end
    # the characters just before and after the number ("" at an end of the text) rule
    # out most rules before any pattern is tried or any slice taken
    prev = view[start - 1] if start else ""
    nxt = view[end : end + 1]
    if num.words:
        if data.ordinal_word_re.match(view, end):
            return "filter.ordinal", "part of an ordinal number"
    else:
        if start and prev != " " and glued_identifier(view, start):
            return "filter.identifier", "glued to letters: a model, code or designation"
        if nxt in data.ordinal_first and data.ordinal_re.match(view, end):
            return "filter.ordinal", "ordinal suffix: a rank or a unit name, not a count"
    # the adjective is the next word, after a space
    if data.ordinal_adjectives and nxt == " " and _ordinal_by_agreement(num, view, data):
        return "filter.ordinal", "a singular adjective follows: a rank in a name ('57 окремої бригади')"
    window = ""  # the 30 characters before the number, sliced when a rule needs them
    lo = start - 30 if start > 30 else 0  # (not max(): a builtin call costs more per number)
    if num.words and view[start:end] in data.pronouns:
        window = view[lo:start]
        pronoun_re = data.pronoun_before_re
        if (pronoun_re is not None and prev == " " and _ends_in(window.rstrip(), data.pronoun_ends)
                and pronoun_re.search(window)):
            return "filter.pronoun", "a pronoun: 'which one', 'the one'"
        if data.pronoun_after_re is not None and data.pronoun_after_re.match(view, end):
            return "filter.pronoun", "a pronoun before a partitive: 'one of the ...'"
    # a label or a furniture word before the number ends where the window does, but for
    # spaces; one after it starts after a few: set lookups rule out most numbers, the
    # first ones on the very next character when it is no space
    word_before = False
    ends = data.before_ends.get(prev)
    if ends is not None:  # no space: the word ends at the number
        word_before = view.endswith(ends, 0, start)
    elif prev.isspace():
        word_before = _ends_in(view[lo:start].rstrip(), data.before_ends)
    if word_before:
        window = window or view[lo:start]
        if data.label_re.search(window):
            return "filter.label", "after a label word: an article, number or line"
    word_after = False
    if nxt.isspace() or nxt in data.after_first:
        head, heads = view[end : end + 6].lstrip(), data.after_heads  # 3 spaces, 3 letters
        word_after = head[:3] in heads or head[:2] in heads or head[:1] in heads
    if word_before or word_after:
        window = window or view[lo:start]
        if _furniture_near(view, end, window, data) and (found := _furniture(view, end, window, data)):
            return found
    if not num.words:
        if nxt == ":" and end < len(view) - 2 and view[end + 1 : end + 3].isdigit():
            return "filter.time", "a time of day"
        if prev == ":" and start >= 3 and view[start - 3 : start - 1].strip().isdigit():
            return "filter.time", "a time of day"
        width = end - start  # an hh.mm clock time has 4 or 5 characters, a time 4 to 8
        clock = 4 <= width <= 5 and _CLOCK.fullmatch(view, start, end)
        if clock and data.clock_re is not None and data.clock_re.search(view, max(0, start - 12), start):
            return "filter.time", "a clock time: 'at 19.00'"
        if nxt in data.time_first:  # where a time suffix can start
            small = isinstance(num.value, int) and 0 <= num.value <= 24
            timelike = small or (4 <= width <= 8 and _TIME.fullmatch(view, start, end))
            if timelike and data.time_re.match(view, end):
                return "filter.time", "a time of day"
        if (nxt == "." or prev == ".") and _dotted(view, start, end):
            return "filter.dotted", "part of a dotted code, version or address"
    # phones are in text order and never overlap: only the last one starting at or
    # before the number can contain it (a bisection keeps the stage linear)
    if phones:
        i = bisect_right(phones, (start, len(view) + 1)) - 1
        if i >= 0 and phones[i][0] <= start and end <= phones[i][1]:
            return "filter.phone", "part of a phone number"
    return None


def _last_words(phrases: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The last word of each phrase, by its last character."""
    out: dict[str, set[str]] = {}
    for phrase in phrases:
        if phrase.strip():
            word = phrase.split()[-1]
            out.setdefault(word[-1], set()).add(word)
    return {last: tuple(sorted(words)) for last, words in out.items()}


def _ends_in(tail: str, ends: Mapping[str, tuple[str, ...]]) -> bool:
    """Does ``tail`` end in one of the words of ``ends`` (looked up by its last character)?"""
    words = ends.get(tail[-1:])
    return words is not None and tail.endswith(words)


def _furniture(view: str, end: int, window: str, data: FilterData) -> tuple[str, str] | None:
    """The page-furniture template the number ending at ``end`` stands in (``window``:
    the text before it), if any."""
    for before_re, after_re, template in data.furniture:
        if before_re.search(window) and (not after_re.pattern or after_re.match(view, end)):
            if before_re.pattern == r"\Z" and not after_re.pattern:
                continue
            return "filter.furniture", f"page furniture: {template!r}"
    return None


def _furniture_near(view: str, end: int, window: str, data: FilterData) -> bool:
    """Could a furniture template match here? Each one needs its words before the number
    or after it, so one test of all of them at once rules out nearly every number."""
    before_any, after_any = data.furniture_any
    return (before_any is not None and before_any.search(window) is not None) or (
        after_any is not None and after_any.match(view, end) is not None
    )


def _ordinal_by_agreement(num: Num, view: str, data: FilterData) -> bool:
    """A digit number followed by a singular adjective (by its ending) is an ordinal,
    unless its last digits take the singular as a count (``singular_after``: "21 окрема
    бригада", not ``singular_except``: "11")."""
    if not data.ordinal_adjectives or num.words or not num.integer_digits:
        return False
    surface = view[num.start : num.end]
    if surface.endswith(data.singular_after) and not surface.endswith(data.singular_except):
        return False
    m = _NEXT_WORD.match(view, num.end)
    return m is not None and len(m.group(1)) > 3 and m.group(1).endswith(data.ordinal_adjectives)


def _dotted(view: str, start: int, end: int) -> bool:
    after = view[end : end + 2]
    before = view[max(0, start - 2) : start]
    return (len(after) == 2 and after[0] == "." and after[1].isdigit()) or (
        len(before) == 2 and before[1] == "." and before[0].isdigit()
    )


def split_numbers(
    view: str, lang: str, nums: Sequence[Num], text: str | None = None
) -> tuple[list[Num], list[Rejected]]:
    """Keep the numbers no filter objects to; report the others. ``text`` (the text of
    ``view``, in its own case) lets a number word inside a name be told (``filter.name``)."""
    if not nums:
        return [], []
    data = filter_data(lang)
    phones = [m.span() for m in _PHONE.finditer(view) if _looks_like_phone(m.group(0))]
    scan = data.idioms
    idioms: _Chain | None = None  # made when first asked
    kept: list[Num] = []
    rejected: list[Rejected] = []
    for num in nums:
        why = _reason(num, view, data, phones)
        if scan is not None and why is not None and why[0] == "filter.label":
            label = data.label_re.search(view, max(0, num.start - 30), num.start)
            if label is not None:
                idioms = idioms or _Chain(scan, view)
                if idioms.covers(label.start(), label.start() + 1):
                    why = None  # "at one point 300 people": the label word belongs to a set phrase
        if why is None and num.words and text is not None and _in_name(text, num.start):
            why = ("filter.name", "a capitalised number word in a name: 'Six Nations', 'Million Dollar Baby'")
        if scan is not None and why is None and num.words:
            idioms = idioms or _Chain(scan, view)
            if idioms.covers(num.start, num.end):
                why = ("filter.idiom", "a number word inside a set phrase: 'at one point', 'one by one'")
        if why is None:
            kept.append(num)
        else:
            rejected.append(Rejected(num.start, num.end, why[0], why[1]))
    return kept, rejected


def _in_name(text: str, start: int) -> bool:
    """Is the number word at ``start`` part of a name: capitalised as a title is ("Six",
    not "SIX" or "six") in the middle of a sentence, after a word or a comma ("the Six
    Nations", "Eastwood's Million Dollar Baby", "League One", "BBC One")? A capital after
    the start of the text or a line, after a sentence's or a quotation's punctuation, or
    after a heading in capitals (two words or more) is the sentence's own ("Two soldiers
    died.", 'He said: "Three were hurt."', "OTHER GAFFES Three people refused").

    >>> [_in_name(t, t.index(w)) for t, w in [("in the Six Nations", "Six"), ("Two died", "Two"),
    ...  ("He said: Two died", "Two"), ("League One leaders", "One"), ("SIX DEAD in", "SIX"),
    ...  ("on BBC One", "One"), ("AND OTHER GAFFES Three people", "Three")]]
    [True, False, False, True, False, True, False]
    """
    if not text[start].isupper() or not text[start + 1 : start + 2].islower():
        return False
    i = _word_end_before(text, start)
    if i < 0 or not (text[i].isalnum() or text[i] in ",'\u2019"):
        return False
    first = i  # the word before: a heading's last word if it and the one before are in capitals
    while first > 0 and text[first - 1].isalnum():
        first -= 1
    if text[first : i + 1].isupper() and i > first:
        j = _word_end_before(text, first)
        if j > 0 and text[j].isupper() and text[j - 1].isupper():
            return False
    return True


def _word_end_before(text: str, start: int) -> int:
    """Where the last character before ``start`` and the spaces before it is (-1: none)."""
    i = start - 1
    while i >= 0 and text[i] == " ":
        i -= 1
    return i


class _Chain:
    r"""Which numbers the matches of a :class:`WordScan` cover, the matches taken in text
    order as ``finditer`` chains them (each search starts where the last match ended).

    Near a number, the chain is read from a point no match can run across: there it
    goes on from the first match after that point, whatever came before. The point is
    taken one match width before the number, and it is safe when no match starts within
    a width before it (a match across it would start there): two short searches near
    the number instead of one through the whole text. Otherwise (matches packed closely:
    "one by one by one") the chain is followed from the start of the text, once; and so
    it is, from then on, once the short searches have read more than that would (numbers
    close together: "one two one two ...").

    >>> chain = _Chain(WordScan(r"one by one|one(?![\w'])"), "one by one by one, one")
    >>> chain.covers(7, 10), chain.covers(7, 17), chain.covers(19, 22)  # "one by one" at 7: no match
    (True, False, True)
    """

    __slots__ = ("_next", "_read", "_scan", "_searched", "_text", "spans")

    def __init__(self, scan: WordScan, text: str) -> None:
        self._scan, self._text = scan, text
        self._read = 0  # the characters the short searches may have read so far
        self._searched = False  # has the chain been searched from the start yet?
        self._next: tuple[int, int] | None = None  # then: the next match of the chain, if any
        self.spans: list[tuple[int, int]] = []  # the chain from the start, as far as read

    def covers(self, start: int, end: int) -> bool:
        """Does one of the chained matches contain ``[start, end)``?

        Only the last one starting at or before ``start`` can (they never overlap).
        """
        spans = self._near(start)
        if spans is None:
            spans = self._from_start(start)
        i = bisect_right(spans, start, key=_start) - 1  # the last one starting <= start
        return i >= 0 and end <= spans[i][1]

    def _near(self, start: int) -> list[tuple[int, int]] | None:
        """The chained matches from one width before ``start`` up to it, or None when
        that point is too near the beginning or a match may run across it."""
        width = self._scan.width
        if width is None or start < 2 * width or self._read > start:
            return None
        self._read += 3 * width
        point = start - width
        # every match starting at or before ``start`` ends, lookahead included, before
        # ``stop``: the text read as if it ended there gives the same ones
        stop = start + width + 2
        span = self._scan.search(self._text, point - width, stop)
        if span is not None and span[0] < point:
            return None
        spans = []
        while span is not None and span[0] <= start:
            spans.append(span)
            span = self._scan.search(self._text, span[1], stop)
        return spans

    def _from_start(self, start: int) -> list[tuple[int, int]]:
        """The chain from the start of the text, read at least past ``start``."""
        span = self._next
        if not self._searched:  # (a flag, not a sentinel value compared by identity)
            span = self._scan.search(self._text)
            self._searched = True
        while span is not None and span[0] <= start:
            self.spans.append(span)
            span = self._scan.search(self._text, span[1])
        self._next = span
        return self.spans


def _start(span: tuple[int, int]) -> int:
    return span[0]


def _looks_like_phone(surface: str) -> bool:
    digits = sum(map(str.isdigit, surface))  # (no generator to resume per character)
    if digits < 7:
        return False
    if surface.startswith("+") or "(" in surface:
        return True
    return surface.count("-") >= 2
