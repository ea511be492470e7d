r"""Skip-ahead scanning: ``finditer`` for patterns whose every match holds an anchor character.

A regex whose first step is an optional group or a lookbehind is tried by the engine at
every position of the text. When each of its matches must contain a character of a small
class (a digit, say) within its first few characters, the positions far from any such
character cannot start a match: :class:`SkipScan` finds the anchor characters with a
one-character class (which the engine skips to at C speed) and tries the pattern only
from the few positions before each. The matches are exactly those of ``finditer``.

How far before its first anchor character a match can start (the *lead*) is read off
the compiled pattern's parse tree, conservatively; a pattern whose matches need not
contain an anchor character, or whose lead is unbounded, is scanned with ``finditer``.

>>> scan = SkipScan(re.compile(r"(?<![\w.])-?\.?\d+"), r"[\d]")
>>> scan.lead
2
>>> sorted(scan.first)  # the characters other than digits that a match can start with
['-', '.']
>>> [m.group() for m in scan.finditer("x-.5 and 12, v2, -3 or -.25")]
['.5', '12', '-3', '-.25']
>>> [m.group() for m in scan.pattern.finditer("x-.5 and 12, v2, -3 or -.25")]
['.5', '12', '-3', '-.25']
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["DIGITS_SUPERSET", "SkipScan", "WordScan", "digits_superset"]

_SRE: Any = importlib.import_module("re._constants")
_MAX_LEAD = 16  # further than this: not worth it, scan everything
#: every character of ``\d`` and more, as ranges (for a character class): no decimal
#: digit lies between "9" and U+0660. The regex engine tests ranges about twice as fast
#: as the Unicode digit category, so a class searched through a whole text is written
#: with these, and the few other characters it lets through are checked afterwards.
#: (:func:`digits_superset` writes such a class so that it compiles fast.)
DIGITS_SUPERSET = "0-9\u0660-\U0010ffff"
_BELOW_SUPERSET = "".join(map(chr, range(0x660)))  # where DIGITS_SUPERSET is "0-9" only


def digits_superset(anchor: str) -> str:
    r"""The character class ``anchor`` (``"[+(\d]"``) with ``\d`` read as
    :data:`DIGITS_SUPERSET`, written as the complement of the characters below U+0660
    that it does not hold: the same set, but compiled in a tenth of a millisecond, where
    a range reaching U+10FFFF costs the regex compiler 3 to 4 ms (of a cold start's 0.3 s).

    >>> digits_superset(r"[+(\d]")
    '[^\\x00-\\x27\\x29-\\x2a\\x2c-\\x2f\\x3a-\\u065f]'
    >>> fast, slow = re.compile(digits_superset(r"[+(\d]")), re.compile(f"[+({DIGITS_SUPERSET}]")
    >>> sample = "+(-5\u0660x\U0001f600"
    >>> [c for c in sample if fast.match(c)] == [c for c in sample if slow.match(c)]
    True
    """
    held = set(re.compile(anchor).findall(_BELOW_SUPERSET))
    ranges: list[str] = []
    start = None
    for code in range(0x661):
        outside = code < 0x660 and chr(code) not in held
        if outside and start is None:
            start = code
        elif not outside and start is not None:
            last = code - 1
            ranges.append(_escape(start) if last == start else f"{_escape(start)}-{_escape(last)}")
            start = None
    return f"[^{''.join(ranges)}]" if ranges else "[\\s\\S]"


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class SkipScan:
    r"""``pattern.finditer`` restricted to the neighbourhood of ``anchor`` characters.

    ``anchor`` is a regex character class (``"[0-9]"``, ``r"[\d\u00bd]"``); ``lead`` is
    None when the pattern cannot be shown to need one within ``_MAX_LEAD`` characters.
    """

    def __init__(self, pattern: re.Pattern[str], anchor: str) -> None:
        self.pattern = pattern
        self.anchor = re.compile(anchor)
        # what the scan searches for: the anchor class with "\d" as ranges, each character
        # found then checked by a lookbehind (the same positions, found faster)
        fast = digits_superset(anchor) if r"\d" in anchor else anchor
        self._find = re.compile(f"{fast}(?<={anchor})" if fast != anchor else anchor)
        if not (anchor.startswith("[") and anchor.endswith("]")):
            raise ValueError(f"anchor must be a character class, not {anchor!r}")
        parser: Any = importlib.import_module("re._parser")
        members = parser.parse(anchor).data[0]
        self._members = members
        tree = parser.parse(pattern.pattern, pattern.flags).data
        lead, must, _ = self._sequence(tree)
        caseless = bool(pattern.flags & re.IGNORECASE)
        self.lead: int | None = lead if must and lead <= _MAX_LEAD and not caseless else None
        #: the characters other than anchors that a match can start with (None: it is
        #: not known); a position before an anchor holding none of them is not tried
        self.first: frozenset[str] | None = self._first_chars(tree)[0]

    # -------------------------------------------------------------- the analysis
    def _is_anchor_class(self, op: Any, av: Any) -> bool:
        """Is every character this one-character item can match an anchor character?"""
        if op is _SRE.LITERAL:
            return self.anchor.fullmatch(chr(av)) is not None
        if op is _SRE.IN:
            for sub_op, sub_av in av:
                if sub_op is _SRE.LITERAL:
                    if self.anchor.fullmatch(chr(sub_av)) is None:
                        return False
                elif sub_op is _SRE.RANGE:
                    lo, hi = sub_av
                    if hi - lo > 0x3000 or any(
                        self.anchor.fullmatch(chr(c)) is None for c in range(lo, hi + 1)
                    ):
                        return False
                elif sub_op is _SRE.CATEGORY:
                    if sub_av is not _SRE.CATEGORY_DIGIT or self.anchor.match("\u0660") is None:
                        return False  # \d: every Unicode decimal digit must be an anchor
                else:
                    return False  # NEGATE and anything else
            return True
        return False

    def _item(self, op: Any, av: Any) -> tuple[int, bool, int]:
        """(lead, must, width) of one parsed item: the characters it may consume before
        an anchor character when it must consume one, whether it must, its widest."""
        if op in (_SRE.LITERAL, _SRE.IN, _SRE.NOT_LITERAL, _SRE.ANY):
            return 0, self._is_anchor_class(op, av), 1
        if op in (_SRE.MAX_REPEAT, _SRE.MIN_REPEAT, _SRE.POSSESSIVE_REPEAT):
            low, high, sub = av
            lead, must, width = self._sequence(sub.data)
            wide = width * high if high != _SRE.MAXREPEAT else _SRE.MAXREPEAT
            return lead, must and low >= 1, min(wide, _SRE.MAXREPEAT)
        if op is _SRE.SUBPATTERN:
            return self._sequence(av[3].data)
        if op is _SRE.ATOMIC_GROUP:
            return self._sequence(av.data)
        if op is _SRE.BRANCH:
            parts = [self._sequence(b.data) for b in av[1]]
            must = all(m for _, m, _ in parts)
            return max(lead for lead, _, _ in parts), must, max(w for _, _, w in parts)
        if op in (_SRE.ASSERT, _SRE.ASSERT_NOT, _SRE.AT):
            return 0, False, 0
        return _SRE.MAXREPEAT, False, _SRE.MAXREPEAT  # back-references, conditionals: unknown

    def _sequence(self, items: Any) -> tuple[int, bool, int]:
        consumed = 0
        width = 0
        found: tuple[int, bool] | None = None
        for op, av in items:
            lead, must, item_width = self._item(op, av)
            if found is None and must:
                found = (min(consumed + lead, _SRE.MAXREPEAT), True)
            consumed = min(consumed + item_width, _SRE.MAXREPEAT)
            width = consumed
        if found is not None:
            return found[0], True, width
        return consumed, False, width

    def _first_chars(self, items: Any) -> tuple[frozenset[str] | None, bool]:
        """(first, nullable) of a sequence: the characters other than anchors that a
        match of it can start with (None: any), and whether it can match nothing."""
        out: set[str] = set()
        for op, av in items:
            chars, nullable = self._first_item(op, av)
            if chars is None:
                return None, False
            out |= chars
            if not nullable:
                return frozenset(out), False
        return frozenset(out), True

    def _first_item(self, op: Any, av: Any) -> tuple[frozenset[str] | None, bool]:
        """(first, nullable) of one parsed item; see :meth:`_first_chars`."""
        if op in (_SRE.LITERAL, _SRE.IN):
            if self._is_anchor_class(op, av):
                return frozenset(), False
            if op is _SRE.LITERAL:
                return frozenset(chr(av)), False
            if all(sub_op is _SRE.LITERAL for sub_op, _ in av):
                return frozenset(chr(c) for _, c in av), False
            return None, False  # a range, a category, a negated class: not worth listing
        if op in (_SRE.MAX_REPEAT, _SRE.MIN_REPEAT, _SRE.POSSESSIVE_REPEAT):
            low, _, sub = av
            chars, nullable = self._first_chars(sub.data)
            return chars, nullable or low == 0
        if op is _SRE.SUBPATTERN:
            return self._first_chars(av[3].data)
        if op is _SRE.ATOMIC_GROUP:
            return self._first_chars(av.data)
        if op is _SRE.BRANCH:
            parts = [self._first_chars(b.data) for b in av[1]]
            if any(chars is None for chars, _ in parts):
                return None, False
            return frozenset().union(*(c for c, _ in parts if c)), any(n for _, n in parts)
        if op in (_SRE.ASSERT, _SRE.ASSERT_NOT, _SRE.AT):
            return frozenset(), True
        return None, False  # back-references, conditionals, any character: unknown

    # -------------------------------------------------------------- the scan
    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The matches of ``self.pattern.finditer(text)``, in order."""
        return iter(self.matches(text))

    def matches(self, text: str) -> list[re.Match[str]]:
        """The matches of ``self.pattern.finditer(text)``, as a list (no generator to
        set up and resume: a text with no anchor character costs one search)."""
        if self.lead is None:
            return list(self.pattern.finditer(text))
        search = self._find.search
        a = search(text)
        if a is None:
            return []
        match, lead, first = self.pattern.match, self.lead, self.first
        out: list[re.Match[str]] = []
        pos = 0
        close = 0  # matches in a row that start at most _CLOSE characters after the last
        while a is not None:
            at = a.start()
            m = None
            start = at - lead if at - lead > pos else pos
            while start < at and m is None:
                if first is None or text[start] in first:  # else no match starts here
                    m = match(text, start)
                start += 1
            if m is None:
                m = match(text, at)
                if m is None:
                    pos = at + 1  # no match starts at or before this anchor
                    a = search(text, pos)
                    continue
            if m.end() == m.start():  # cannot happen (a match holds an anchor); be exact anyway
                out.extend(self.pattern.finditer(text, m.start()))
                return out
            close = close + 1 if m.start() - pos <= _CLOSE else 0
            out.append(m)
            pos = m.end()
            if close >= _DENSE:  # a run of numbers: the engine's own scan is faster there
                m = self._dense(text, pos, out)
                if m is None:
                    return out
                close, pos = 0, m.end()
            a = search(text, pos)
        return out

    def _dense(self, text: str, pos: int, out: list[re.Match[str]]) -> re.Match[str] | None:
        """Append to ``out`` the matches of ``finditer`` from ``pos`` (the end of a match)
        while they stay close together; the first one after a gap is appended too and
        returned (the scan by anchors goes on after it); None: the text is done."""
        found = self.pattern.finditer(text, pos)
        for m in found:
            gap = m.start() - pos
            out.append(m)
            if m.end() == m.start():  # (cannot happen) finditer's own stepping from here on
                out.extend(found)
                return None
            if gap > _CLOSE:
                return m
            pos = m.end()
        return None


#: In a run of matches each at most _CLOSE characters after the last, from the _DENSE-th
#: on, ``pattern.finditer`` goes on instead of a search for the next anchor and a match
#: there (two calls a match): the same matches (finditer goes on from a match's end as it
#: would have), 25-40 % faster in a table of numbers. It leaves the run after a gap, having
#: read that gap at every position: a gap of at most _CLOSE characters is cheap.
_CLOSE = 3
_DENSE = 8


#: a character that may come just before a word: none of ``[\w']``. The class searched
#: for is a superset made of ranges only (the common letters left out), which the engine
#: tests faster than the Unicode word category; the character it found is checked
#: (``_WORD_CHAR``) only when the words match after it, which is rare.
_BEFORE_WORD = r"[^a-z0-9_'\u0430-\u045f]"
_WORD_CHAR = re.compile(r"[\w']")


class WordScan:
    r"""``finditer`` for a pattern whose matches must start a word (no ``[\w']`` just before).

    Written as ``(?<![\w'])(?:words)``, such a pattern is tried by the engine at every
    letter that can start one of its words (most letters). Here it is searched as "a
    character that is no word character, then the words": the engine skips at C speed to
    the few characters that can come before a word, and the match is trimmed of that
    character. The very start of the text, which has no character before it, is tried
    on its own. ``body`` must not match an empty string; its spans are exactly those of
    ``re.finditer(r"(?<![\w'])(?:" + body + ")", text)``:

    >>> scan = WordScan(r"one by one|one(?![\w'])")
    >>> list(scan.spans("one, someone or one by one"))
    [(0, 3), (16, 26)]
    >>> [m.span() for m in re.finditer(r"(?<![\w'])(?:one by one|one(?![\w']))",
    ...                                "one, someone or one by one")]
    [(0, 3), (16, 26)]
    """

    __slots__ = ("_after", "_first", "width")

    def __init__(self, body: str) -> None:
        self._first = re.compile(f"(?:{body})")
        self._after = re.compile(f"{_BEFORE_WORD}(?:{body})")
        parser: Any = importlib.import_module("re._parser")
        widest = parser.parse(self._first.pattern).getwidth()[1]
        #: the longest a match can be (None: no bound)
        self.width: int | None = widest if widest < _SRE.MAXREPEAT else None

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> tuple[int, int] | None:
        """The span of the first match starting at ``pos`` or later, or None; ``endpos``
        as for :meth:`re.Pattern.search` (the text is read as if it ended there)."""
        if pos == 0:
            m = self._first.match(text, 0, endpos)
            if m is not None:
                return m.span()
            pos = 1
        while (m := self._after.search(text, pos - 1, endpos)) is not None:
            if _WORD_CHAR.match(text, m.start()) is None:
                return m.start() + 1, m.end()
            pos = m.start() + 2  # a word character before the words: look further on
        return None

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """The spans of the matches, in order, none overlapping (as ``finditer``)."""
        span = self.search(text)
        while span is not None:
            yield span
            span = self.search(text, span[1])
