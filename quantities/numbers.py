"""Numbers: digits with locale separators, number words, multipliers, vague words.

``find_numbers(view, lang)`` returns every number mention with an exact value. It knows
nothing of what is counted or measured; later stages do. All words come from
``lang/<code>/numbers.toml``; the patterns are built from those tables once per language.

>>> [(n.start, n.end, n.value) for n in find_numbers("about 1,500 and two hundred and fifty", "en")]
[(6, 11, 1500), (16, 37, 250)]
>>> [n.value for n in find_numbers("2 030 осіб", "uk")]
[2030]
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, getcontext
from functools import cache
from typing import Any

from quantities.candidates import Num, Value
from quantities.errors import DataError
from quantities.lang import load
from quantities.skipscan import SkipScan, WordScan

__all__ = ["NumberData", "alternation", "find_numbers", "normalise_value", "number_data"]

_VULGAR = "".join(chr(c) for c in range(0x2150, 0x215F)) + "\u00bc\u00bd\u00be"
_MAX_EXPONENT = 30  # "1e999999" must not build a huge Decimal
#: a character that joins a word: a number word must not follow one ("often" has no "ten")
WORD_CHAR = r"[\w']"
_MAX_GROUPS = 30  # digit groups of one number: "1 234 567" has 2; 10^90 needs 30
_INT_LIMIT = Decimal(10) ** 30  # an integral value below this becomes an int
_NOT_DIGIT = re.compile(r"\D")


def alternation(words: Iterable[str], *, not_after: Sequence[str] = ()) -> str:
    r"""A regex alternation of ``words``: escaped, longest first, spaces matching any gap.

    Written as a trie ("tw(?:enty|o)"), not a flat list: the same strings match, and at
    any position the longest word is tried first just as in a longest-first list, but
    the regex engine tests each letter once instead of once per word (about three times
    faster on the number words). No words: the empty pattern, as an empty list gives.

    >>> alternation(["two", "twenty", "twelve", "a dozen"])
    'a[ ]{1,3}dozen|tw(?:e(?:lve|nty)|o)'
    >>> re.match(f"(?:{alternation(['ten', 'tens', 'tens of'])})", "tens of them").group(0)
    'tens of'

    ``not_after``: one-character classes that must not come just before a match. Each
    becomes a lookbehind placed after the first letter (``"o(?<![\w']o)ne"``), so the
    pattern still starts with a literal and the engine skips at C speed to the letters
    that can start a word, instead of trying every position of the text:

    >>> print(alternation(["one", "two"], not_after=[r"[\w']"]))
    o(?<![\w']o)ne|t(?<![\w']t)wo
    >>> [m.start() for m in re.finditer(alternation(["one"], not_after=[r"[\w']"]), "someone, one")]
    [9]
    """
    root: dict[str, Any] = {}
    for word in set(words):
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def branches(node: dict[str, Any], top: bool = False) -> list[str]:
        # children first (longer words), the end of a word last (the shorter one)
        out = []
        for ch in sorted(node):
            if not ch:
                continue
            head = "[ ]{1,3}" if ch == " " else re.escape(ch)
            if top and ch != " ":
                head += "".join(f"(?<!{cls}{re.escape(ch)})" for cls in not_after)
            out.append(head + emit(node[ch]))
        return [*out, ""] if "" in node else out

    def emit(node: dict[str, Any]) -> str:
        alts = branches(node)
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return "|".join(branches(root, top=True))


def normalise_value(value: Decimal) -> Value:
    """An integral Decimal becomes an ``int``; others stay exact ``Decimal``."""
    if value == value.to_integral_value() and abs(value) < _INT_LIMIT:
        return int(value)
    return value.normalize()


@dataclass(frozen=True, slots=True)
class VagueWord:
    value: int
    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class NumberData:
    """The validated number tables of one language, with the patterns built from them."""

    lang: str
    cardinals: Mapping[str, Decimal]
    scales: Mapping[str, int]
    multipliers: Mapping[str, int]
    attached: Mapping[str, int]
    attached_money: Mapping[str, int]
    fractions: Mapping[str, int]
    vague: Mapping[str, VagueWord]
    vague_article: frozenset[str]
    words: Mapping[str, frozenset[str]]
    ordinal_suffixes: frozenset[str]
    ordinal_words: frozenset[str]
    #: number words that, when no word that could go on with a number follows
    #: (``continuers``), make a number alone: the parser's answer for them, without it
    lone_words: frozenset[str]
    continuers: frozenset[str]
    digits_re: re.Pattern[str]
    digit_scan: SkipScan  # ``digits_re`` tried only near digits
    word_scan: WordScan  # where a number in words starts
    digit_word_re: re.Pattern[str]  # where a digit run starts a number in words
    point_re: re.Pattern[str] | None  # where "point" starts a number ("point 77")
    token_re: re.Pattern[str]
    multiplier_re: re.Pattern[str]
    minus_re: re.Pattern[str]
    #: what the text before a number ends with when ``minus_re`` may match there: the
    #: last word of a minus word and one or two spaces (a quick first test)
    minus_tails: tuple[str, ...]
    #: what the text after a number starts with when ``multiplier_re`` may match there:
    #: one or two spaces and a word's first letters, or an attached word's
    multiplier_heads: tuple[str, ...]
    #: the last characters of ``minus_tails`` and the first of ``multiplier_heads``: a
    #: set lookup of one character rules out most numbers before those tuples are tried
    minus_last: frozenset[str]
    multiplier_first: frozenset[str]
    case_multipliers: Mapping[str, int]
    factor_digits: int  # the digits of the largest multiplier
    decimal: frozenset[str]
    group: frozenset[str]


def _table(raw: dict[str, Any], section: str, lang: str) -> dict[str, Any]:
    value = raw.get(section)
    if not isinstance(value, dict):
        raise DataError(f"{lang}/numbers.toml: section [{section}] missing or not a table")
    return value


def _ints(raw: dict[str, Any], section: str, lang: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for word, value in _table(raw, section, lang).items():
        if not isinstance(value, int) or value < 0:
            raise DataError(f"{lang}/numbers.toml [{section}] {word!r}: not a whole number")
        out[word] = value
    return out


def _build_digits_re(decimal: frozenset[str], group: frozenset[str]) -> re.Pattern[str]:
    # a space-grouped number never starts right after a letter: "Core i7 860" is not 7860.
    # At most _MAX_GROUPS groups: a chain that fails at its end ("123 456 ... 1234") is
    # retried from each of its groups, so an unbounded chain would make the scan quadratic.
    groups = [
        (r"(?<![^\W\d_])" if g == " " else "")
        + rf"\d{{1,3}}(?:{re.escape(g)}\d{{3}}){{1,{_MAX_GROUPS}}}+(?!\d)"
        for g in sorted(group)
    ]
    dec = "[" + "".join(re.escape(d) for d in sorted(decimal)) + "]"
    body = "|".join([*groups, r"\d++"])
    return re.compile(
        rf"(?P<fsign>(?<![\w.,\-])-)?(?P<frac_num>(?<![\d/])\d{{1,3}})/(?P<frac_den>\d{{1,3}})(?![\d/])"
        rf"|(?P<dsign>(?<![\w.,\-])-)?(?P<dot>(?<![\w.,])\.\d++)(?![.,]?\d)"
        rf"|(?P<sign>(?<![\w.,\-])-(?=\d))?"
        rf"(?P<int>{body})"
        rf"(?:{dec}(?P<frac>\d++))?"
        rf"(?:(?:e|\s?[×x]\s?10\^?)(?P<exp>[-+]?\d{{1,3}})(?![\w.])|\^(?P<pow>[-+]?\d{{1,2}})(?![\w.]))?"
        rf"(?:(?:[ ]{{1,2}}(?=\d{{1,2}}/\d)|(?<=\d))(?P<num>\d{{1,3}})/(?P<den>\d{{1,3}})(?![\d/]))?"
        rf"(?P<vulgar>[{_VULGAR}])?"
        rf"|(?P<lone>[{_VULGAR}])"
    )


@cache
def number_data(lang: str) -> NumberData:
    """Load and validate ``numbers.toml`` for ``lang`` and compile its patterns (cached)."""
    raw = load(lang, "numbers")
    cardinals: dict[str, Decimal] = {}
    for word, value in _table(raw, "cardinals", lang).items():
        if not isinstance(value, (int, float)) or value < 0:
            raise DataError(f"{lang}/numbers.toml [cardinals] {word!r}: not a number")
        cardinals[word] = Decimal(str(value))
    scales = _ints(raw, "scales", lang)
    multipliers = _ints(raw, "multipliers", lang)
    attached = _ints(raw, "multipliers_attached", lang)
    attached_money = _ints(raw, "multipliers_money", lang)
    fractions = _ints(raw, "fractions", lang)
    case_multipliers = _ints(raw, "multipliers_case", lang) if "multipliers_case" in raw else {}
    vague: dict[str, VagueWord] = {}
    for word, spec in _table(raw, "vague", lang).items():
        if not isinstance(spec, dict) or not isinstance(spec.get("value"), int):
            raise DataError(f"{lang}/numbers.toml [vague] {word!r}: needs an integer value")
        vague[word] = VagueWord(int(spec["value"]), spec.get("low"), spec.get("high"))
    vague_article = frozenset(w for w, spec in _table(raw, "vague", lang).items() if spec.get("article"))
    words = {tag: frozenset(v) for tag, v in _table(raw, "words", lang).items()}
    for tag in ("and", "article", "minus", "of", "half"):
        if tag not in words:
            raise DataError(f"{lang}/numbers.toml [words]: tag {tag!r} missing")
    ordinals = _table(raw, "ordinals", lang)
    digits = _table(raw, "digits", lang)
    decimal = frozenset(digits.get("decimal", []))
    group = frozenset(digits.get("group", []))
    if not decimal or decimal & group:
        raise DataError(f"{lang}/numbers.toml [digits]: decimal separators missing or shared")

    vocab = set(cardinals) | set(scales) | set(vague) - vague_article | words["minus"] | words["half"]
    vocab |= {f for f in fractions if f not in ordinals.get("words", [])}
    # "a hundred", "a third", "a half": the article is part of the number
    vocab |= {f"{a} {w}" for a in words["article"] for w in (*scales, *fractions, *words["half"])}
    vocab |= {f"{a} {w}" for a in words["article"] for w in vague_article}
    big = alternation(s for s in scales if scales[s] >= 100)
    points = alternation(words.get("point", ()))
    digit_words = alternation(w for w, v in cardinals.items() if v < 100)
    after_point = rf"[ ]{{1,2}}(?:\d|(?:{digit_words})(?![\w']))" if points else r"(?!)"
    if any(w != w.strip() for w in vocab):
        raise DataError(f"{lang}/numbers.toml: a number word starts or ends with a space")
    word_scan = WordScan(rf"(?:{alternation(vocab)})(?![\w'])")  # no [\w'] before a word
    # "point 77" only where no word comes just before ("at one point 77")
    no_word = [WORD_CHAR, r"[^\W\d_][ ]", r"[^\W\d_][ ][ ]"]
    leading = words.get("point_leading", frozenset())
    point_re = (re.compile(rf"(?:{alternation(leading, not_after=no_word)})(?={after_point})")
                if leading else None)
    # a digit run that starts a word number: "4 thousand", "1 point 1". It starts with a
    # digit (the engine then skips to digits at C speed); the lookbehind after the first
    # digit is "(?<![\d.,])" before it. "point 77" starts with a literal letter.
    digit_word_re = re.compile(
        rf"\d(?<![\d.,]\d)\d{{0,2}}(?=[ ]{{1,2}}(?:(?:{big})(?![\w'])|(?:{points}){after_point}))"
    )
    token_re = re.compile(r"(?P<gap>[ ]{1,3}|[ ]?-[ ]?|,[ ]{1,2}|[ ]{0,2}\n[ ]{0,2})?"
                          r"(?P<tok>[^\W\d_]++(?:'[^\W\d_]++)*+|&|\d{1,3}(?!\d|[.,]\d))")
    mult_words = alternation(multipliers)
    att = alternation(attached)
    money = alternation(attached_money)
    multiplier_re = re.compile(
        rf"(?:[ ]{{1,2}}(?P<word>{mult_words})\.?(?![\w])"
        rf"|(?P<att>{att})(?![\w])"
        rf"|(?P<money>{money})(?![\w]))"
    )
    return NumberData(
        lang=lang,
        cardinals=cardinals,
        scales=scales,
        multipliers=multipliers,
        attached=attached,
        attached_money=attached_money,
        fractions=fractions,
        vague=vague,
        vague_article=vague_article,
        words=words,
        ordinal_suffixes=frozenset(ordinals.get("suffixes", [])),
        ordinal_words=frozenset(ordinals.get("words", [])),
        lone_words=frozenset(w for w in cardinals if not w[:1].isdecimal()) - set(scales) - set(vague)
        - words["article"] - words["minus"] - words.get("point_leading", frozenset()),
        continuers=frozenset({*cardinals, *scales, *fractions, *words["and"], *words.get("point", ()),
                              *(phrase.split()[0] for phrase in words["half"])}),
        digits_re=(digits_re := _build_digits_re(decimal, group)),
        digit_scan=_digit_scan(digits_re),
        word_scan=word_scan,
        digit_word_re=digit_word_re,
        point_re=point_re,
        token_re=token_re,
        multiplier_re=multiplier_re,
        minus_re=re.compile(rf"(?<![\w'])(?:{alternation(words['minus'])})[ ]{{1,2}}\Z"),
        minus_tails=(tails := tuple(
            w.split()[-1] + gap for w in sorted(words["minus"]) for gap in (" ", "  ")
        )),
        multiplier_heads=(heads := tuple(sorted({
            *(f"{gap}{w[:2]}" for w in multipliers for gap in (" ", "  ")),
            *(w[:2] for w in (*attached, *attached_money)),
        }))),
        minus_last=frozenset(tail[-1:] for tail in tails),
        multiplier_first=frozenset(head[:1] for head in heads),
        case_multipliers=case_multipliers,
        factor_digits=len(str(max([1, *multipliers.values(), *attached.values(),
                                   *attached_money.values(), *case_multipliers.values()]))),
        decimal=decimal,
        group=group,
    )


# ---------------------------------------------------------------- digits
def _digit_value(m: re.Match[str]) -> Decimal | None:
    if m.group("lone"):
        return _vulgar(m.group("lone"))
    if m.group("frac_num"):
        den = int(m.group("frac_den"))
        if den == 0:
            return None
        frac = Decimal(int(m.group("frac_num"))) / Decimal(den)
        return -frac if m.group("fsign") else frac
    if m.group("dot"):
        return Decimal(("-0" if m.group("dsign") else "0") + m.group("dot"))
    digits = _NOT_DIGIT.sub("", m.group("int"))
    text = digits + ("." + m.group("frac") if m.group("frac") else "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    exp = m.group("exp")
    if exp is not None:
        e = int(exp)
        if abs(e) > _MAX_EXPONENT:
            return None
        value = value.scaleb(e)
    if m.group("pow") is not None:
        power = int(m.group("pow"))
        if value == 0 and power <= 0:  # 0^-1 and 0^0 have no value
            return None
        value = value**power  # "1.1^23", "2.5^-1"
    if m.group("den"):
        den = int(m.group("den"))
        if den == 0:
            return None
        value += Decimal(int(m.group("num"))) / Decimal(den)
    if m.group("vulgar"):
        value += _vulgar(m.group("vulgar"))
    if m.group("sign"):
        value = -value
    return value


@cache
def _vulgar(ch: str) -> Decimal:
    return Decimal(str(unicodedata.numeric(ch))).quantize(Decimal("0.0000000001")).normalize()


@cache
def _digit_scan(digits_re: re.Pattern[str]) -> SkipScan:
    """``digits_re`` tried only just before digits (its matches all hold one): the same
    matches as its ``finditer``, without running the regex at every position."""
    return SkipScan(digits_re, rf"[\d{_VULGAR}]")


def _scan_digits(
    view: str, data: NumberData, text: str | None, digit_words: list[tuple[int, int]]
) -> list[Num]:
    """The numbers in digits; and, into ``digit_words``, the spans of ``digit_word_re``
    (digit runs that start a number in words: "4 thousand").

    Every digit run lies in one match of ``digits_re`` (a match never ends or starts
    inside a run), so trying ``digit_word_re`` at the runs of each match finds all of its
    matches, without a scan of its own through the text.
    """
    # A plain integer ("2004", "-5": no separators, decimals, exponent, fraction) is read
    # as an int, not through Decimal: the commonest number, and the same value as long
    # as no Decimal operation would round, i.e. while its digits times the largest
    # multiplier fit the context's precision (28 digits: up to 15 digits here).
    matches = data.digit_scan.matches(view)
    out: list[Num] = []
    if not matches:
        return out
    short = getcontext().prec - data.factor_digits
    minus_tails, multiplier_heads = data.minus_tails, data.multiplier_heads
    minus_last, multiplier_first = data.minus_last, data.multiplier_first
    case_multipliers = data.case_multipliers
    digit_word = data.digit_word_re.match
    for m in matches:
        sign, whole, frac, exp, power, den, vulgar = m.group(*_GROUPS)
        start, end = m.span()
        value: Value | Decimal | None
        if whole is not None and not (frac or exp or power or den or vulgar) and whole.isdigit():
            # one run of digits, all of the match but a sign. A word number needs up to
            # 3 digits and a space after them
            if (
                len(whole) <= 3 and view[end : end + 1] == " "
                and (dw := digit_word(view, end - len(whole))) is not None
            ):
                digit_words.append(dw.span())
            if len(whole) <= short:
                value, plain = (-int(whole) if sign else int(whole)), True
            else:
                value, plain = _digit_value(m), True
        else:
            # a word number needs a run of digits with a space after it: inside the match
            # or at its end
            if view.find(" ", start, end) >= 0 or (view.startswith(" ", end) and view[end - 1].isdecimal()):
                for run in _RUN_START.finditer(view, start, end):
                    if (dw := digit_word(view, run.start())) is not None:
                        digit_words.append(dw.span())
            value = _digit_value(m)
            plain = whole is not None and whole.isdigit() and not (frac or exp or den or vulgar)
        if value is None:
            continue
        rule = "number.digits"
        factor = 1
        if (
            whole is not None and not sign and view[start - 1 : start] in minus_last
            and view.endswith(minus_tails, 0, start)
        ):
            sm = data.minus_re.search(view, max(0, start - 12), start)
            if sm is not None:
                value, start = -value, sm.start()  # "minus 5", "negative 1200000"
        if text is not None and end < len(text):
            gap = 1 if text[end] == " " else 0
            case = text[end + gap] if end + gap < len(text) else ""
        else:
            gap, case = 0, ""
        if (
            case in case_multipliers and text is not None and (whole is not None or m.group("dot"))
            and not text[end + gap + 1 : end + gap + 2].isalnum()
            and not (gap and text[end + gap + 1 : end + gap + 2] == ".")
        ):  # "у 2019 М. Кравчук" is no multiplier
            factor = case_multipliers[case]  # "3M", ".0012G", "1,674.5 G"
            value *= factor
            end, rule, plain = end + gap + 1, "number.digits_multiplier", False
        elif whole is not None and not den and view[end : end + 1] in multiplier_first and view.startswith(
            multiplier_heads, end
        ) and (
            mm := data.multiplier_re.match(view, end)
        ):
            if mm.group("word"):
                factor = data.multipliers[mm.group("word")]
            elif mm.group("att") and (
                len(mm.group("att")) > 1 or text is None or text[mm.start()].islower()
                or _currency_before(view, start) or not frac
            ):  # "100K" is a thousand; "573.15K" is left to the units (kelvin)
                factor = data.attached[mm.group("att")]  # "2k"; "573.15K" is kelvin
            elif mm.group("money") and _currency_before(view, start):
                factor = data.attached_money[mm.group("money")]
            if factor != 1:
                value *= factor
                end = mm.end()
                rule = "number.digits_multiplier"
                plain = False
        if not isinstance(value, int):
            value = normalise_value(value)
        # positional (words, vague, low, high, integer_digits, factor): keywords cost
        # half as much again, once per number
        out.append(Num(start, end, value, rule, False, False, None, None, plain, factor))
    return out


#: the groups of ``digits_re`` that tell a plain integer from the rest
_GROUPS = ("sign", "int", "frac", "exp", "pow", "den", "vulgar")
#: a digit where ``digit_word_re`` may match: not after a digit, point or comma
_RUN_START = re.compile(r"\d(?<![\d.,]\d)")


def _currency_before(view: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and view[i] == " " and start - i < 3:
        i -= 1
    return i >= 0 and unicodedata.category(view[i]) == "Sc"


# ---------------------------------------------------------------- words
@dataclass(slots=True)
class _Tok:
    word: str
    start: int
    end: int
    gap: str


class _Tokens:
    """The words (and small digit runs) after a position, read lazily as the parser asks."""

    __slots__ = ("_data", "_done", "_pos", "_view", "items")

    def __init__(self, view: str, pos: int, data: NumberData) -> None:
        self._view, self._pos, self._data = view, pos, data
        self._done = False
        self.items: list[_Tok] = []

    def has(self, i: int) -> bool:
        if i < len(self.items):
            return True
        while len(self.items) <= i and not self._done and len(self.items) < 40:
            m = self._data.token_re.match(self._view, self._pos)
            first = not self.items
            gap, tok = m.group("gap", "tok") if m is not None else (None, "")
            if m is None or (first and gap) or (not first and not gap):
                self._done = True
                break
            start, end = m.span("tok")
            self.items.append(_Tok(tok, start, end, gap or ""))
            self._pos = m.end()
        return i < len(self.items)

    def __getitem__(self, i: int) -> _Tok:
        if i >= len(self.items):
            self.has(i)
        return self.items[i]

    def word(self, i: int) -> str:
        if i < len(self.items):
            return self.items[i].word
        return self.items[i].word if self.has(i) else ""


def _level(value: Decimal) -> int:
    """0: units 0-9, 1: teens, 2: tens, 3: hundreds."""
    if value < 10:
        return 0
    if value < 20:
        return 1
    if value < 100:
        return 2
    return 3


def _numerator(toks: _Tokens, i: int, data: NumberData) -> tuple[Decimal, int] | None:
    """A small number at ``toks[i]``: "three", "fifty-four"; (value, tokens used)."""
    value = data.cardinals.get(toks.word(i))
    if value is None:
        return None
    if 20 <= value < 100 and value % 10 == 0:
        unit = data.cardinals.get(toks.word(i + 1))
        if unit is not None and 0 < unit < 10:
            return value + unit, 2
    return (value, 1) if value < 100 else None


def _fraction_after(toks: _Tokens, i: int, data: NumberData) -> tuple[Decimal, int] | None:
    """ "a half", "a quarter", "three fifths", "fifty-four hundredths" at ``toks[i]``."""
    if toks.word(i) in data.words["article"]:
        word = toks.word(i + 1)
        den = data.fractions.get(word)
        if den and word in data.ordinal_words and toks.word(i + 2) in data.words.get("ordinal_after", ()):
            return None  # "a third week", "a sixth consecutive month": an ordinal
        return (Decimal(1) / Decimal(den), 2) if den else None
    head = _numerator(toks, i, data)
    if head is None:
        return None
    den = data.fractions.get(toks.word(i + head[1]))
    if not den or (head[0] != 1 and toks.word(i + head[1]) in data.ordinal_words):
        return None
    return head[0] / Decimal(den), head[1] + 1


def _decimals(toks: _Tokens, i: int, data: NumberData, *, digit_run: bool = False) -> tuple[str, int]:
    """Digits after "point": "zero three" -> "03", "seventy-one" -> "71"; (digits, tokens).

    ``digit_run``: a digit run may stand for them too ("1 point 25", "point 77"), but
    not after a number word ("at one point 77 people" is no 1.77).
    """
    digits = ""
    j = i
    if toks.word(j)[:1].isdecimal():
        return (toks.word(j), 1) if digit_run else ("", 0)
    while toks.word(j) in data.cardinals:
        value = data.cardinals[toks.word(j)]
        if value >= 10:
            if not digits:
                head = _numerator(toks, j, data)
                if head is not None:
                    digits, j = str(int(head[0])), j + head[1]
            break
        if value != value.to_integral_value():
            break
        digits += str(int(value))
        j += 1
    return digits, j - i


def _digit_level(value: Decimal) -> int:
    """Level of a digit token inside words: "3 hundred and 21" (21 is complete: 0)."""
    if value < 20 or value % 100 == 0:
        return _level(value)
    return 2 if value < 100 and value % 10 == 0 else 0


def _parse_words(view: str, start: int, data: NumberData) -> Num | None:
    """Parse the longest number-word sequence starting at ``start``.

    A group (< 1000) adds words of falling level: hundreds, then tens or teens, then
    units ("two hundred fifty six"); a scale closes the group ("... thousand"), and
    scales must fall too. A word that breaks the order ends the number ("one two").
    Fractions: "two thirds" divides what precedes; "and a half" / "and three quarters"
    adds to it (times the last scale after one: "a million and a half"); "point" starts
    decimal digits ("two point five"). Small digit runs may stand for words before a
    scale ("4 thousand 3 hundred and 21").
    """
    toks = _Tokens(view, start, data)
    if not toks.has(0):
        return None
    w = data.words
    first = toks.word(0)
    if first in data.lone_words:
        after = toks.word(1)  # "" when no word follows
        if after not in data.continuers and not after[:1].isdecimal():
            # what the loop below makes of it: one word, no fraction, scale or sign
            value = data.cardinals[first]
            return Num(toks[0].start, toks[0].end, normalise_value((Decimal(0) + value) * 1),
                       "number.words", words=True)
    if first in data.vague and first not in data.vague_article:
        return _parse_vague(toks, 0, data)
    if first in w["article"] and toks.word(1) in data.vague_article:
        return _parse_vague(toks, 1, data)  # "a few", "a couple"
    points = w.get("point", frozenset())
    if first in w.get("point_leading", ()):  # "point 77": only where no word precedes (point_re)
        digits, used = _decimals(toks, 1, data, digit_run=True)
        if not digits:
            return None
        return Num(toks[0].start, toks[used].end, normalise_value(Decimal("0." + digits)),
                   "number.words", words=True)
    sign, i = (-1, 1) if first in w["minus"] else (1, 0)
    total = Decimal(0)
    group: Decimal | None = None
    group_level = 9  # level of the last word added to the group; -1: a fraction, closed
    last_scale = 10**30
    after_scale = False
    end: int | None = None
    while toks.has(i):
        tok, word = toks[i], toks[i].word
        if i > 0 and (("," in tok.gap and not after_scale) or tok.gap.count("\n") > 1):
            break
        if end is None and word in w["article"]:
            frac = _fraction_after(toks, i, data)  # "a third", "a quarter"
            if frac is not None:
                group, group_level = frac[0], -1
                end = toks[i + frac[1] - 1].end
                i += frac[1]
                continue
            if toks.word(i + 1) in data.scales or toks.word(i + 1) in w["half"]:
                i += 1  # "a hundred", "a half"
                continue
            break
        if end is not None and group_level >= 0 and f"{word} {toks.word(i + 1)}" in w["half"]:
            # a two-word half after a number: "три з половиною", "миллион с половиной"
            if group is None:
                total += Decimal(last_scale) / 2
            else:
                group += Decimal("0.5")
            end, group_level = toks[i + 1].end, -1
            i += 2
            continue
        if word in w["and"] and end is not None and toks.has(i + 1):
            frac = _fraction_after(toks, i + 1, data)
            if frac is None and toks.word(i + 1) in w["article"] and toks.word(i + 2) in w["half"]:
                frac = (Decimal("0.5"), 2)
            if frac is not None and group_level >= 3 and (_numerator(toks, i + 1, data) or (0, 0))[0] >= 10:
                frac = None  # "one hundred and thirty fifths" = 130 / 5
            if frac is not None and group_level >= 0:
                used = 1 + frac[1]
                scale = data.scales.get(toks.word(i + used), 0)
                if group is None and 1000 <= scale < last_scale:
                    total += frac[0] * scale  # "one billion and a half million"
                    used += 1
                elif group is None:  # "a million and a half"
                    total += frac[0] * last_scale
                else:  # "two and a half (million)", "one hundred and three quarters"
                    group += frac[0]
                end, group_level = toks[i + used - 1].end, -1
                i += used
                continue
            nxt = toks.word(i + 1)
            small = nxt[:1].isdecimal() and 0 < int(nxt) < 100
            if (nxt in data.cardinals or small) and (group is None or group_level >= 3):
                i += 1  # "a hundred and two", "a million and one"
                continue
            break
        if word in points and end is not None and group_level >= 0:
            digits, used = _decimals(toks, i + 1, data, digit_run=toks[0].word[:1].isdecimal())
            if not digits:
                break
            group = (group if group is not None else Decimal(0)) + Decimal("0." + digits)
            group_level = -1
            end = toks[i + used].end
            i += 1 + used
            continue
        compound = (
            end is not None and group_level in (0, 1, 2) and word in data.cardinals
            and 20 <= data.cardinals[word] < 100 and toks.word(i + 1) in data.fractions
            and (group == 1 or toks.word(i + 1) not in data.ordinal_words)
        )
        if (word in data.cardinals or word[0].isdecimal()) and not compound:
            if word[0].isdecimal():  # "²" is a digit but no decimal: a letter token
                value = Decimal(word)
                level = _digit_level(value)
                if end is None and not (
                    toks.word(i + 1) in data.scales or toks.word(i + 1) in w["and"]
                    or toks.word(i + 1) in points
                ):
                    break  # a digit run starts a word number only before a scale or "point"
            else:
                value = data.cardinals[word]
                level = _level(value) if value == value.to_integral_value() else 0
            if group is None:
                group, group_level = value, level
            elif group_level >= 2 and level < group_level and not (group_level == 2 and level == 1):
                group, group_level = group + value, level
            elif _spoken_hundreds(toks, i, data, group=group, fresh=not total and last_scale == 10**30):
                # "one twenty two" = 122, as numbers are read aloud
                group = group * 100 + value + data.cardinals[toks.word(i + 1)]
                group_level, end = 0, toks[i + 1].end
                i += 2
                continue
            else:
                break
        elif word in data.scales:
            factor = data.scales[word]
            if factor < 1000:  # hundred, dozen: multiply the group
                if group is not None and (group_level >= 3 or group >= 100) and factor == 100:
                    break  # "3 hundred and 2 hundred" is two numbers
                if factor == 12 and group is not None and group >= 100 and group_level < 3:
                    hundreds = group // 100 * 100  # "three hundred and two dozens" = 324
                    group = hundreds + (group - hundreds) * factor
                else:
                    group = (group if group is not None else Decimal(1)) * factor
                group_level = 3 if factor == 100 else 2
            else:
                if factor >= last_scale and not (last_scale == 1000 and group is None):
                    break
                if factor >= last_scale:  # "three thousand millions": a milliard
                    total *= factor
                    last_scale, group_level = factor, 9
                    after_scale, end = True, tok.end
                    i += 1
                    continue
                total += (group if group is not None else Decimal(1)) * factor
                last_scale, group, group_level = factor, None, 9
        elif compound:
            # a compound denominator: "one twenty-fifth", "three twenty-firsts"
            den = data.cardinals[word] + data.fractions[toks.word(i + 1)]
            whole = total + (group if group is not None else Decimal(0))
            total, group, group_level = Decimal(0), whole / den, -1
            end = toks[i + 1].end
            i += 2
            continue
        elif word in data.fractions and end is not None and group_level >= 0:
            # "two thirds", "twenty fifths": divide what precedes; "twenty-fifth" is an ordinal
            whole = total + (group if group is not None else Decimal(0))
            if whole != 1 and word in data.ordinal_words:
                break
            total, group, group_level = Decimal(0), whole / Decimal(data.fractions[word]), -1
            if toks.word(i + 1) in w["of"] and toks.word(i + 2) in w["article"]:
                of_scale = data.scales.get(toks.word(i + 3), 0)
                if of_scale:  # "two thirds of a million"
                    group *= of_scale
                    end = toks[i + 3].end
                    i += 4
                    continue
        elif word in data.fractions and end is None and toks.word(i + 1) in data.scales:
            group, group_level = Decimal(1) / Decimal(data.fractions[word]), 0  # "quarter million"
        elif word in w["half"] and end is None:
            group, group_level = Decimal("0.5"), -1  # "half", "half a million"
            if toks.word(i + 1) in w["article"] and toks.word(i + 2) in data.scales:
                group, end = group * data.scales[toks.word(i + 2)], toks[i + 2].end
                break
        else:
            break
        after_scale = word in data.scales and data.scales[word] >= 1000
        end = tok.end
        i += 1
    if end is None:
        return None
    if i == 2 and toks.word(1) in w.get("takes_of", ()) and toks.word(2) in w["of"]:
        end = toks[2].end  # "a dozen of"
    value = total + (group if group is not None else Decimal(0))
    return Num(toks[0].start, end, normalise_value(value * sign), "number.words", words=True)


def _spoken_hundreds(toks: _Tokens, i: int, data: NumberData, *, group: Decimal, fresh: bool) -> bool:
    """ "one twenty two": a unit word, then tens and a unit, all words, spaced, alone.

    Only a complete tens-and-unit reading counts ("one twenty" stays two numbers), and
    not before a hyphen ("three twenty two-year-olds") or after anything but one word.
    """
    if i != 1 or not fresh or not (0 < group < 10) or toks[i].gap != " ":
        return False
    tens = data.cardinals.get(toks.word(i))
    unit = data.cardinals.get(toks.word(i + 1))
    if tens is None or unit is None or not (20 <= tens < 100 and tens % 10 == 0 and 0 < unit < 10):
        return False
    if not toks[0].word.isalpha() or ("-" in toks[i + 1].gap and toks[i + 1].gap != "-"):
        return False
    return not (toks.has(i + 2) and "-" in toks[i + 2].gap)


def _parse_vague(toks: _Tokens, k: int, data: NumberData) -> Num:
    """A vague quantity at ``toks[k]`` ("dozens", "tens of thousands", "a few")."""
    head = data.vague[toks.word(k)]
    value, low, high = head.value, head.low, head.high
    end = toks[k].end
    if toks.word(k + 1) in data.words["of"] and toks.word(k + 2) in data.vague:
        inner = data.vague[toks.word(k + 2)].value  # "tens of thousands"
        value, low, high = value * inner, (low or value) * inner, None
        end = toks[k + 2].end
    else:  # "several hundred", "кілька десятків", "несколько сотен тысяч": rising scales
        j, last = k + 1, 0
        if k == 1 and toks.word(j) in data.words["of"]:  # "a couple of (hundred)"
            if data.scales.get(toks.word(j + 1), 0) >= 100:
                j += 1
            elif toks.word(k) in data.words.get("takes_of", ()):
                end = toks[j].end
        while data.scales.get(toks.word(j), 0) >= 10 and data.scales[toks.word(j)] > last and not (
            set(toks[j].gap) & {",", "\n"}
        ):
            factor = last = data.scales[toks.word(j)]
            value *= factor
            low = low * factor if low is not None else None
            high = high * factor if high is not None else None
            end = toks[j].end
            j += 1
    return Num(toks[0].start, end, value, "number.vague", words=True, vague=True, low=low, high=high)


def _listed(spans: Sequence[tuple[int, int]], text: str, pos: int) -> tuple[int, int] | None:
    """The first of ``spans`` (in text order) starting at ``pos`` or later, or None:
    a search through matches found beforehand."""
    i = bisect_left(spans, pos, key=_first)
    return spans[i] if i < len(spans) else None


def _span(pattern: re.Pattern[str], text: str, pos: int) -> tuple[int, int] | None:
    """The span of ``pattern.search(text, pos)``, or None."""
    m = pattern.search(text, pos)
    return None if m is None else m.span()


def _scan_words(view: str, data: NumberData, digit_words: Sequence[tuple[int, int]]) -> list[Num]:
    """Numbers in words, from each start found by the searches for the words
    (``word_scan``), for digit runs before a scale (``digit_words``, found with the
    digits) and for "point" (``point_re``): the leftmost, as one pattern with all of
    them as alternatives would find it (their matches start with a letter, a digit,
    "point": never at one place)."""
    out: list[Num] = []
    search = data.word_scan.search
    w = search(view, 0)
    point_re = data.point_re
    p = _span(point_re, view, 0) if point_re is not None else None
    if p is None and not digit_words:  # the common case: the words alone
        while w is not None:
            start, stop = w
            num = _parse_words(view, start, data)
            if num is None:
                w = search(view, stop)
            else:
                out.append(num)
                w = search(view, max(num.end, stop))
        return out
    d = digit_words[0] if digit_words else None
    while True:
        best = w  # the leftmost; on a tie, the first of w, d, p
        if d is not None and (best is None or d[0] < best[0]):
            best = d
        if p is not None and (best is None or p[0] < best[0]):
            best = p
        if best is None:
            return out
        start, stop = best
        num = _parse_words(view, start, data)
        pos = stop if num is None else max(num.end, stop)
        if num is not None:
            out.append(num)
        if w is not None and w[0] < pos:
            w = search(view, pos)
        if d is not None and d[0] < pos:
            d = _listed(digit_words, view, pos)
        if p is not None and p[0] < pos and point_re is not None:
            p = _span(point_re, view, pos)


def _first(span: tuple[int, int]) -> int:
    return span[0]


def find_numbers(view: str, lang: str, text: str | None = None) -> list[Num]:
    """Every number mention in ``view`` (a :func:`quantities.normalize.to_view` string).

    ``text``, the original string, lets case-sensitive multipliers ("3M") be read.
    """
    data = number_data(lang)
    digit_words: list[tuple[int, int]] = []
    nums = _scan_digits(view, data, text, digit_words)
    words = _scan_words(view, data, digit_words)
    if not words:
        return nums
    if not nums:
        return words  # in text order, none overlapping, none restating another (all words)
    merged: list[Num] = []
    for num in sorted(nums + words, key=lambda n: (n.start, -n.end)):
        if merged and num.start < merged[-1].end:
            continue  # "million" inside "1.5 million"
        if merged and num.start - merged[-1].end <= 2 and _restated(view, merged[-1], num):
            merged[-1].end = num.end + 1  # "forty-five (45)"
            continue
        merged.append(num)
    return merged


def _restated(view: str, first: Num, second: Num) -> bool:
    """ "five (5)" / "45 (forty five)": the same value restated in brackets."""
    gap = view[first.end : second.start]
    return (
        gap in ("(", " (")
        and view[second.end : second.end + 1] == ")"
        and first.words != second.words
        and first.value == second.value
    )
