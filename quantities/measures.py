"""The measure stage: what a number measures -- a unit, a currency, a percent sign, or nothing.

:func:`attach` looks right after each number for a percent sign or word, a currency or a
unit ("10 km", "27-kilometer", "4 km squared", "200 kilometres per hour", "35%",
"10 000 dollars", "чотирьох діб") and right before it for a currency symbol or code
("$3.6bn", "US$ 5", "USD 5"). Every surface is language data from
``lang/<code>/units.toml`` (its header documents the syntax); the patterns are built from
those tables once per language and only ever ``.match``-ed at a number's end (or searched
in a window of a few characters before its start), so the stage is linear in the text.

Two kinds of surface are kept apart:

* **symbols** ("km", "MB", "K") are case-sensitive, matched against the *original* text,
  and only directly after a digit number: "2 in thick" is an inch, "two in my car" is
  not, "573.15K" is kelvin, "8 MB" a megabyte and "8 Mb" a megabit;
* **words** ("kilometres", "діб", "°c") are matched case-insensitively on the folded view
  and may follow a spelled-out number ("six gallons", "чотирьох діб").

The order of the rules is their precedence: a percent sign or word, a currency before the
number, a currency after it, a unit after it. Some surfaces carry a named guard, a small
check of the context that can say no: ``clock`` ("2 pm" is a time, "2.1 pm" a
picometre), ``measure_context`` ("2 in thick", not "2 in 1979"), ``spaced`` ("30 s", not
"1990s"), ``decimal_or_spaced`` ("573.15K", not "10K race"), ``temperature_letter``
("-10C", not "C-130" or "777F"), ``not_year`` and ``not_year_dot`` (a year-like number
before a year word is a date) and ``not_million`` ("4.5m workers", "77m euros" are millions).
An ambiguous currency word ("pounds", "фунтів") is money only in a money context (rule
``money.context``): the number is at least ``[context] money_min`` or a money cue word
stands shortly before it, and never when joined by a hyphen ("a twenty-pound bag").

Rule names on a mention: ``percent.sign|word|points``, ``money.symbol_prefix``,
``money.code_prefix``, ``money.symbol_suffix``, ``money.code_suffix``, ``money.word``,
``money.context``, ``money.subunit``, ``money.vague_of`` ("millions of dollars"),
``unit.symbol|word`` or ``duration.symbol|word`` for the first unit, then ``unit.power``
("km2"), ``unit.power_word`` ("square km"), ``unit.per`` ("km/h", "miles an hour"),
``unit.between`` ("2 more minutes") and ``unit.negate`` ("2 degrees below zero").

The surface matching here never touches pint: the data says which pint expression a
surface means, and :mod:`quantities.units` canonicalises it only when a physical unit is
actually seen. Durations, money and percent need no pint at all.

"$" alone is read as USD, "¥" as JPY, "dollars" as USD and "cents" as US cents, since
nothing in the text says otherwise. Two rules change the number, and then the mention
carries a changed *copy* of it (the caller's :class:`Num` is untouched): a subunit
becomes the main currency ("50 cents" = 0.50 USD, rule ``money.subunit``) and a negating
unit word flips the sign ("10 градусів морозу" = -10 °C, rule ``unit.negate``).
Parentheses are never read as an accounting minus: news uses them for conversions,
"£5m ($9m)".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from typing import Any

from quantities.candidates import Mention, Num, Value
from quantities.errors import DataError
from quantities.lang import load
from quantities.normalize import to_view
from quantities.numbers import alternation
from quantities.units import DURATION_UNITS, TIME_DIMENSION, iso_duration, unit_info

__all__ = ["GUARDS", "MeasureData", "attach", "measure_data"]

#: Guard names a data entry may use (each is a small context check in this module).
GUARDS: frozenset[str] = frozenset(
    ["clock", "measure_context", "spaced", "decimal_or_spaced", "temperature_letter",
     "not_year", "not_year_dot", "not_million"]
)

_SPACE = "[ ]{1,3}"  # a space inside a multi-word surface, on the view
_LETTER_AFTER = r"(?![^\W\d_\u00b2\u00b3\u00b9\u2070-\u2079])"  # no letter follows
_GAP = re.compile(r"[ ]{1,3}|-")  # between a number and what follows it
_GAP_FIRST = frozenset(" -")  # what a gap starts with
_SPACES = re.compile(r"[ ]{1,3}")
_POWER = re.compile(
    r"(?:\^|\*\*)?(?P<p>-?[1-4])(?![\d])"  # km2, km^2, s-1, fb-1 (minus folded in the view)
    r"|(?P<sup>\u207b?[\u00b9\u00b2\u00b3\u2074])(?![\d\u00b2\u00b3\u00b9\u2070-\u2079])"
)
_SUPERSCRIPT = {"\u00b9": 1, "\u00b2": 2, "\u00b3": 3, "\u2074": 4}
_MAX_PARTS = 3  # "20 J/m^2 per year": a numerator and at most two denominators
_MONEY_WINDOW = 60  # characters before a number searched for money cue words
_PREFIX_WINDOW = 8  # characters before a number searched for a currency symbol or code
_TEMPERATURE_BAD_NEXT = re.compile(r"[-\d/]|\.\w")  # "F-16", "C-130", "C.P.I.": no scale
_TEMPERATURE_LETTER_MAX = 150  # "-10C", "30 C" -- but "777F" is a freighter, "23456 F" an address
_DIGIT_AFTER = re.compile(r"\d")
_NUMBER_BEFORE = re.compile(r"\d[ ]{0,2}\Z")
_WORD = re.compile(r"[^\W\d_]+")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:[.,](\d+))?")
_URL_BEFORE = frozenset("%=&/?#")  # "q=30%25%2020%": percent-encoding, not percent
#: the rules a number may need, as bits: by the surfaces after it, and a currency before it
_AFTER_PERCENT, _AFTER_MONEY, _AFTER_UNIT, _BEFORE_MONEY = 1, 2, 4, 8


# ---------------------------------------------------------------- data
@dataclass(frozen=True, slots=True)
class UnitSurface:
    """One unit surface: its pint expression, an optional guard, whether it may stand
    alone ("W" only in "W/min", "kW" anywhere), whether it negates the number
    ("2 degrees below zero", "10 градусів морозу") and, for a duration word, how many
    units one of it is ("3 четверти часа" = 45 minutes)."""

    surface: str
    expr: str
    guard: str | None = None
    alone: bool = True
    negate: bool = False
    factor: int = 1  # a duration word worth several units: "четверти часа" = 15 minutes


@dataclass(frozen=True, slots=True)
class MoneySurface:
    """One currency surface: ISO 4217 code, the subunit divisor (100 for cents) and the
    pint unit meant when the context is not money ("pounds" -> pound)."""

    surface: str
    code: str
    divisor: int = 1
    otherwise: str | None = None


@dataclass(frozen=True, slots=True)
class MeasureData:
    """The validated unit tables of one language, with the patterns built from them."""

    lang: str
    symbols: Mapping[str, UnitSurface]  # exact surface -> unit
    words: Mapping[str, UnitSurface]  # lower-case form -> unit
    symbol_re: re.Pattern[str]  # on the text
    word_re: re.Pattern[str]  # on the view
    power_before: Mapping[str, int]
    power_before_re: re.Pattern[str]
    power_after: Mapping[str, int]
    power_after_re: re.Pattern[str]
    per_re: re.Pattern[str]  # group "time" set when only a time unit may follow ("a day")
    percent_re: re.Pattern[str]  # group "points" for percentage points
    percent_before_re: re.Pattern[str] | None  # "percent of 10"
    percent_before_ends: tuple[str, ...]  # the last word of those, and one to three spaces
    phrases: dict[str, tuple[Decimal, str]]  # "half an hour" -> (0.5, "hour")
    phrase_re: re.Pattern[str] | None
    alone: Mapping[str, str]  # "час" -> "hour": a unit noun meaning one unit
    alone_re: re.Pattern[str] | None
    alone_not_after: frozenset[str]  # "в этот час": words that make it no duration
    alone_not_before: frozenset[str]  # "час пик"
    alone_endings: tuple[str, ...]  # "комендантский час": adjective endings before it
    money_symbols: Mapping[str, MoneySurface]  # exact: symbols and ISO codes
    money_words: Mapping[str, MoneySurface]  # lower-case
    money_symbol_re: re.Pattern[str]  # after the number, on the text
    money_word_re: re.Pattern[str]  # after the number, on the view
    money_before_re: re.Pattern[str]  # before the number, on the text, ends at the number
    between_re: re.Pattern[str]  # "2 more minutes": words between a number and a unit word
    #: "millions of dollars": words between a vague number and a currency word (None: none)
    vague_money_of_re: re.Pattern[str] | None
    measure_after_re: re.Pattern[str]  # guard measure_context, on the view
    money_cue_re: re.Pattern[str]  # rule money.context, on the view
    money_min: int
    plural_endings: tuple[str, ...]  # "4.5m workers": a plural noun after "m" means million
    measure_plurals: frozenset[str]  # "100m hurdles": plural nouns that still mean metres
    #: quick first tests: the first character of every surface a rule may match after
    #: a number; its first two, and the one-character surfaces (letters apart: no letter
    #: may follow them), each with the rules that match it (``_AFTER_*`` bits); and the
    #: last character of every currency symbol or code before a number
    first: frozenset[str]
    heads: Mapping[str, int]
    single: Mapping[str, int]
    single_letters: Mapping[str, int]
    money_last: frozenset[str]

    def counted_plural(self, word: str) -> bool:
        """Is ``word`` a plural noun that counts things ("workers"), not a measure's?"""
        return word.endswith(self.plural_endings) and word not in self.measure_plurals


#: What may not come just before a duration phrase ("half an hour") or a lone unit noun.
_NOT_AFTER_PHRASE = (r"[\w']",)
_NOT_AFTER_ALONE = (r"[\w'-]",)
#: ... nor before a percent word before a number ("percent of 10"), nor a word and a space
_NOT_AFTER_PERCENT = (r"[\w\d][ ]", r"[\w\d]")
_NOT_AFTER_LETTER = (r"[^\W\d_]",)  # a currency code or a money cue word


def _trie_pattern(surfaces: Iterable[str], *, not_after: Sequence[str] = ()) -> str:
    r"""A regex matching any of ``surfaces``, longest first, built as a trie.

    A surface ending in a letter must not be followed by a letter; shorter surfaces are
    tried when a longer one fails that check. The check is written once, after the trie
    (it looks back at the last character matched), not at each of its hundreds of ends:
    backtracking offers the ends in the same order, so the same surface wins, and the
    pattern is a third of the size and compiles several times faster.

    >>> re.match(_trie_pattern(["km", "kmh", "k"]), "kmh x").group(0)
    'kmh'
    >>> re.match(_trie_pattern(["km", "kmh", "k"]), "kmhx") is None
    True
    >>> re.match(_trie_pattern(["km", "kmh", "%"]), "km/h %").group(0)
    'km'

    ``not_after``: patterns of fixed width that must not come just before a match. Each
    is checked after the first character (``"h(?<![\w']h)alf"``), so the pattern still
    starts with a literal and a search skips at C speed to the characters that can start
    a surface, where a leading lookbehind would make it try every position:

    >>> [m.start() for m in re.finditer(_trie_pattern(["half"], not_after=[r"[\w']"]), "behalf, half")]
    [8]
    """
    forms = list(surfaces)
    root: dict[str, Any] = {}
    for s in forms:
        node = root
        for ch in s:
            node = node.setdefault(ch, {})
        node[""] = True

    def emit(node: dict[str, Any], top: bool = False) -> str:
        branches = []
        for ch in sorted(k for k in node if k):
            piece = _SPACE if ch == " " else re.escape(ch)
            if top and ch != " ":
                piece += "".join(f"(?<!{cls}{re.escape(ch)})" for cls in not_after)
            branches.append(piece + emit(node[ch]))
        if "" in node:
            branches.append("")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    if not root:
        return "(?!)"
    letters = sorted({s[-1] for s in forms if s and s[-1].isalpha()})
    if not letters:
        return emit(root, top=True)
    last = "[" + "".join(re.escape(c) for c in letters) + "]"
    return f"(?:{emit(root, top=True)})(?:(?<={last}){_LETTER_AFTER}|(?<!{last}))"


def _lead_gap(forms: Iterable[str]) -> str:
    """Alternation of connector forms: words need spaces around them, signs do not."""
    words = sorted({f for f in forms if f[:1].isalpha()}, key=lambda f: (-len(f), f))
    signs = sorted({f for f in forms if not f[:1].isalpha()}, key=lambda f: (-len(f), f))
    parts = []
    if words:
        alt = "|".join(re.escape(w).replace(r"\ ", _SPACE) for w in words)
        parts.append(rf"[ ]{{1,3}}(?:{alt})[ ]{{1,3}}")
    if signs:
        alt = "|".join(re.escape(s) for s in signs)
        parts.append(rf"[ ]{{0,2}}(?:{alt})[ ]{{0,2}}")
    return "|".join(parts) if parts else "(?!)"


def _words_re(words: Iterable[str]) -> str:
    items = sorted(set(words), key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", _SPACE) for w in items) or "(?!)"


def _section(raw: dict[str, Any], name: str, lang: str) -> dict[str, Any]:
    value = raw.get(name)
    if not isinstance(value, dict):
        raise DataError(f"{lang}/units.toml: section [{name}] missing or not a table")
    return value


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise DataError(f"{where}: expected a list of non-empty strings")
    return list(value)


def _optional_strings(table: dict[str, Any], key: str, where: str) -> list[str]:
    return _strings(table[key], f"{where} {key}") if key in table else []


def _check_form(form: str, where: str) -> None:
    if to_view(form) != form or form != form.strip() or "  " in form:
        raise DataError(f"{where}: form {form!r} must be written lower-case and folded")


def _check_guard(guard: Any, where: str) -> str | None:
    if guard is None:
        return None
    if guard not in GUARDS:
        raise DataError(f"{where}: unknown guard {guard!r}; known: {sorted(GUARDS)}")
    return str(guard)


def _add(table: dict[str, Any], key: str, value: Any, where: str) -> None:
    old = table.get(key)
    if old is not None and old != value:
        raise DataError(f"{where}: surface {key!r} defined twice ({old} / {value})")
    table[key] = value


def _load_units(raw: dict[str, Any], lang: str) -> tuple[dict[str, UnitSurface], dict[str, UnitSurface]]:
    """[symbols] (with their generated prefixed forms) and [words] (with theirs)."""
    prefixes = _section(raw, "prefixes", lang)
    word_prefixes = _section(raw, "word_prefixes", lang)
    symbols: dict[str, UnitSurface] = {}
    for surface, value in _section(raw, "symbols", lang).items():
        where = f"{lang}/units.toml [symbols] {surface!r}"
        if any(c.isspace() for c in surface):
            raise DataError(f"{where}: a symbol has no spaces (write it as a word)")
        spec = {"unit": value} if isinstance(value, str) else value
        if not isinstance(spec, dict) or not isinstance(spec.get("unit"), str):
            raise DataError(f"{where}: expected a pint expression or {{ unit = ... }}")
        expr = spec["unit"]
        guard = _check_guard(spec.get("guard"), where)
        alone = bool(spec.get("alone", True))
        _add(symbols, surface, UnitSurface(surface, expr, guard, alone), where)
        for p in _strings(spec["prefixes"], where) if "prefixes" in spec else []:
            if p not in prefixes:
                raise DataError(f"{where}: prefix {p!r} not in [prefixes]")
            _add(symbols, p + surface, UnitSurface(p + surface, prefixes[p] + expr), where)
    words: dict[str, UnitSurface] = {}
    for lemma, spec in _section(raw, "words", lang).items():
        where = f"{lang}/units.toml [words] {lemma!r}"
        if not isinstance(spec, dict) or not isinstance(spec.get("unit"), str):
            raise DataError(f"{where}: expected {{ unit = ..., forms = [...] }}")
        expr = spec["unit"]
        guard = _check_guard(spec.get("guard"), where)
        negate = spec.get("negate", False)
        if not isinstance(negate, bool):
            raise DataError(f"{where}: negate must be true or false")
        factor = spec.get("factor", 1)
        if not isinstance(factor, int) or isinstance(factor, bool) or factor < 1:
            raise DataError(f"{where}: factor must be a positive whole number")
        if factor != 1 and expr not in DURATION_UNITS:
            raise DataError(f"{where}: factor is for duration units only")
        forms = _strings(spec.get("forms"), where)
        for form in forms:
            _check_form(form, where)
            _add(words, form, UnitSurface(form, expr, guard, negate=negate, factor=factor), where)
        for p in _strings(spec["prefixes"], where) if "prefixes" in spec else []:
            if p not in word_prefixes:
                raise DataError(f"{where}: prefix {p!r} not in [word_prefixes]")
            for form in forms:
                _add(words, p + form, UnitSurface(p + form, word_prefixes[p] + expr, guard), where)
    return symbols, words


def _load_money(raw: dict[str, Any], lang: str) -> tuple[dict[str, MoneySurface], dict[str, MoneySurface]]:
    symbols: dict[str, MoneySurface] = {}
    for surface, code in _section(raw, "currency_symbols", lang).items():
        where = f"{lang}/units.toml [currency_symbols] {surface!r}"
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}", code):
            raise DataError(f"{where}: expected an ISO 4217 code")
        _add(symbols, surface, MoneySurface(surface, code), where)
    codes = _section(raw, "currency_codes", lang)
    for code in _strings(codes.get("codes"), f"{lang}/units.toml [currency_codes] codes"):
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise DataError(f"{lang}/units.toml [currency_codes]: {code!r} is no ISO code")
        _add(symbols, code, MoneySurface(code, code), f"{lang}/units.toml [currency_codes]")
    words: dict[str, MoneySurface] = {}
    for lemma, spec in _section(raw, "currency_words", lang).items():
        where = f"{lang}/units.toml [currency_words] {lemma!r}"
        if not isinstance(spec, dict) or not isinstance(spec.get("code"), str):
            raise DataError(f"{where}: expected {{ code = ..., forms = [...] }}")
        code = spec["code"]
        if not re.fullmatch(r"[A-Z]{3}", code):
            raise DataError(f"{where}: {code!r} is no ISO 4217 code")
        divisor = spec.get("divisor", 1)
        if not isinstance(divisor, int) or divisor < 1:
            raise DataError(f"{where}: divisor must be a positive whole number")
        otherwise = spec.get("otherwise")
        if otherwise is not None and not isinstance(otherwise, str):
            raise DataError(f"{where}: otherwise must be a pint expression")
        for form in _strings(spec.get("forms"), where):
            _check_form(form, where)
            _add(words, form, MoneySurface(form, code, divisor, otherwise), where)
    return symbols, words


def _powers(table: Any, where: str) -> dict[str, int]:
    if not isinstance(table, dict):
        raise DataError(f"{where}: expected a table of surface = power")
    out: dict[str, int] = {}
    for form, power in table.items():
        _check_form(form, where)
        if not isinstance(power, int) or power not in (2, 3):
            raise DataError(f"{where}: power of {form!r} must be 2 or 3")
        out[form] = power
    return out


@cache
def measure_data(lang: str) -> MeasureData:
    """Load and validate ``units.toml`` for ``lang`` and compile its patterns (cached)."""
    raw = load(lang, "units")
    symbols, words = _load_units(raw, lang)
    money_symbols, money_words = _load_money(raw, lang)

    powers = _section(raw, "powers", lang)
    power_before = _powers(powers.get("before", {}), f"{lang}/units.toml [powers] before")
    power_after = _powers(powers.get("after", {}), f"{lang}/units.toml [powers] after")
    before_alts = "|".join(
        re.escape(f) + ("[ ]{0,3}" if not f[-1].isalpha() else "[ ]{1,3}")
        for f in sorted(power_before, key=lambda f: (-len(f), f))
    )
    per = _section(raw, "per", lang)
    per_any = _optional_strings(per, "any", f"{lang}/units.toml [per]")
    per_time = _optional_strings(per, "time", f"{lang}/units.toml [per]")
    for f in per_any + per_time:
        _check_form(f, f"{lang}/units.toml [per]")

    percent = _section(raw, "percent", lang)
    pct = _strings(percent.get("percent"), f"{lang}/units.toml [percent] percent")
    points = _optional_strings(percent, "points", f"{lang}/units.toml [percent]")
    before = _optional_strings(percent, "before", f"{lang}/units.toml [percent]")
    phrases: dict[str, tuple[Decimal, str]] = {}
    for phrase, spec in _section(raw, "phrases", lang).items():
        amount, _, unit = str(spec).partition(" ")
        if unit not in DURATION_UNITS:
            raise DataError(f"{lang}/units.toml [phrases] {phrase!r}: {unit!r} is not a duration unit")
        _check_form(phrase, f"{lang}/units.toml [phrases]")
        phrases[phrase] = (Decimal(amount), unit)
    for f in pct + points:
        _check_form(f, f"{lang}/units.toml [percent]")
    alone_table = _section(raw, "alone", lang)
    where = f"{lang}/units.toml [alone]"
    alone_forms = alone_table.get("forms")
    if not isinstance(alone_forms, dict):
        raise DataError(f"{where} forms: expected a table of form = duration unit")
    alone: dict[str, str] = {}
    for form, unit in alone_forms.items():
        _check_form(form, where)
        if unit not in DURATION_UNITS:
            raise DataError(f"{where} {form!r}: {unit!r} is not a duration unit")
        alone[form] = unit
    alone_lists = {key: _strings(alone_table.get(key), f"{where} {key}") if alone_table.get(key) else []
                   for key in ("not_after", "not_before", "adjective_endings")}
    for key, forms in alone_lists.items():
        if not isinstance(alone_table.get(key), list):
            raise DataError(f"{where} {key}: expected a list of strings")
        for f in forms:
            _check_form(f, f"{where} {key}")

    context = _section(raw, "context", lang)
    measure_after = _strings(context.get("measure_after"), f"{lang}/units.toml [context] measure_after")
    money_cues = _strings(context.get("money_before"), f"{lang}/units.toml [context] money_before")
    between = _strings(context.get("between"), f"{lang}/units.toml [context] between")
    money_of = _strings(context.get("vague_money_of"), f"{lang}/units.toml [context] vague_money_of")
    plural_endings = _strings(context.get("plural_endings"), f"{lang}/units.toml [context] plural_endings")
    measure_plurals = _strings(context.get("measure_plurals"), f"{lang}/units.toml [context] measure_plurals")
    for f in [*measure_after, *money_cues, *between, *money_of, *plural_endings, *measure_plurals]:
        _check_form(f, f"{lang}/units.toml [context]")
    money_min = context.get("money_min")
    if not isinstance(money_min, int) or money_min < 1:
        raise DataError(f"{lang}/units.toml [context] money_min: a positive whole number")

    # One flat alternation whose every branch starts with a literal, so that a search
    # skips to where a symbol can start. (Anchored at the number, at most one symbol can
    # match from a position: their order does not matter.)
    # every surface matched where a number's measure starts, by the rule that matches it
    after_forms = ((_AFTER_PERCENT, [*pct, *points]), (_AFTER_MONEY, [*money_symbols, *money_words]),
                   (_AFTER_UNIT, [*symbols, *words, *power_before, *between]))
    heads: dict[str, int] = {}
    single: dict[str, int] = {}
    single_letters: dict[str, int] = {}
    for bit, forms in after_forms:
        for f in forms:
            table = heads if len(f) > 1 else single_letters if f.isalpha() else single
            table[f[:2]] = table.get(f[:2], 0) | bit
    if any(f.startswith("-") for f in pct + points):  # see _measure: it may follow a number
        raise DataError(f"{lang}/units.toml [percent]: a form starts with a hyphen")
    money_before_alts = []
    letters = [s for s in money_symbols if s[:1].isalpha()]
    signs = [s for s in money_symbols if not s[:1].isalpha()]
    if letters:
        money_before_alts.append(alternation(letters, not_after=_NOT_AFTER_LETTER))
    if signs:
        money_before_alts.append(alternation(signs))

    return MeasureData(
        lang=lang,
        symbols=symbols,
        words=words,
        symbol_re=re.compile(_trie_pattern(symbols)),
        word_re=re.compile(_trie_pattern(words)),
        power_before=power_before,
        power_before_re=re.compile(f"(?:{before_alts})" if before_alts else "(?!)"),
        power_after=power_after,
        power_after_re=re.compile(
            rf"[ ]{{1,3}}(?:{_words_re(power_after)})(?![^\W\d_])" if power_after else "(?!)"
        ),
        per_re=re.compile(
            f"(?P<any>{_lead_gap(per_any)})" + (f"|(?P<time>{_lead_gap(per_time)})" if per_time else "")
        ),
        phrases=phrases,
        phrase_re=re.compile(rf"(?:{_trie_pattern(phrases, not_after=_NOT_AFTER_PHRASE)})(?![\w'])")
        if phrases else None,
        alone=alone,
        alone_re=re.compile(rf"(?:{_trie_pattern(alone, not_after=_NOT_AFTER_ALONE)})(?![\w'-])")
        if alone else None,
        alone_not_after=frozenset(alone_lists["not_after"]),
        alone_not_before=frozenset(alone_lists["not_before"]),
        alone_endings=tuple(alone_lists["adjective_endings"]),
        percent_before_re=re.compile(
            rf"(?:{_trie_pattern(before, not_after=_NOT_AFTER_PERCENT)})[ ]{{1,3}}\Z"
        ) if before else None,
        percent_before_ends=tuple(sorted({f.split()[-1] + " " * n for f in before for n in (1, 2, 3)})),
        percent_re=re.compile(
            rf"(?:[ ]{{1,3}}|-)?(?:(?P<points>{_trie_pattern(points)})|(?P<percent>{_trie_pattern(pct)}))"
        ),
        money_symbols=money_symbols,
        money_words=money_words,
        money_symbol_re=re.compile(_trie_pattern(money_symbols)),
        money_word_re=re.compile(_trie_pattern(money_words)),
        money_before_re=re.compile(
            "(?:" + ("|".join(money_before_alts) or "(?!)") + r")[^\S\n]{0,2}\Z"
        ),
        between_re=re.compile(rf"(?:{_words_re(between)})[ ]{{1,3}}"),
        vague_money_of_re=re.compile(rf"(?:{_words_re(money_of)})[ ]{{1,3}}") if money_of else None,
        measure_after_re=re.compile(
            rf"[ ]{{0,3}}(?:[.,;:!?)\]]|\Z)|[ ]{{1,3}}(?:{_words_re(measure_after)})(?![^\W\d_])"
        ),
        money_cue_re=re.compile(
            rf"(?:{alternation(money_cues, not_after=_NOT_AFTER_LETTER) or '(?!)'})(?![^\W\d_])"
        ),
        money_min=money_min,
        plural_endings=tuple(plural_endings),
        measure_plurals=frozenset(measure_plurals),
        first=frozenset(f[0] for _, forms in after_forms for f in forms),
        heads=heads,
        single=single,
        single_letters=single_letters,
        money_last=frozenset(s[-1] for s in money_symbols),
    )


# ---------------------------------------------------------------- matching
@dataclass(slots=True)
class _Site:
    """One number in its text: everything the rules below look at."""

    text: str
    view: str
    num: Num
    data: MeasureData
    gap: str  # what stands between the number and the next surface: "", " ", "-"
    after: int  # where that surface starts

    @property
    def digits(self) -> bool:
        return not self.num.words and not self.num.vague


@dataclass(slots=True)
class _Factor:
    end: int
    unit: UnitSurface
    power: int
    symbol: bool
    rules: list[str]


def _exact(value: Decimal) -> Value:
    if value == value.to_integral_value() and abs(value) < Decimal(10) ** 30:
        return int(value)
    return value.normalize()


def _fraction_digits(site: _Site) -> int | None:
    """Digits after the decimal point of a plain digit number: None if it has none, -1
    if it is no plain number ("2 1/2", "4e14")."""
    m = _PLAIN_NUMBER.fullmatch(site.text, site.num.start, site.num.end)
    if m is None:
        return -1
    return len(m.group(1)) if m.group(1) else None


def _year_like(num: Num) -> bool:
    return num.integer_digits and isinstance(num.value, int) and 1000 <= num.value <= 2100


def _guard_ok(guard: str | None, site: _Site, end: int) -> bool:
    """The named context check of a unit surface ending at ``end`` (rule unit.guard.*)."""
    if guard is None:
        return True
    if guard == "clock":  # "2 pm", "2.13 am" are times; "2.1 pm", "2.123 am" lengths
        digits = _fraction_digits(site)
        return digits is not None and digits != 2
    if guard == "measure_context":  # "2 in thick", "2 in." -- not "2 in 1979"
        return site.data.measure_after_re.match(site.view, end) is not None
    if guard == "spaced":  # "30 s", not "1990s"
        return site.gap.startswith(" ")
    if guard == "decimal_or_spaced":  # "573.15K", "300 K" -- not "10K race"
        return site.gap.startswith(" ") or _fraction_digits(site) not in (None, -1)
    if guard == "temperature_letter":  # "-10C", "30 C" -- not "C-130", "F-16", "777F"
        if abs(Decimal(site.num.value)) > _TEMPERATURE_LETTER_MAX:
            return False
        return _TEMPERATURE_BAD_NEXT.match(site.text, end) is None
    if guard in ("not_year", "not_year_dot"):  # a year-like number before a year word is a date
        if _year_like(site.num):
            return False
        return guard == "not_year" or not site.text.startswith(".", end)
    if guard == "not_million":  # "77m euros", "4.5m workers": millions, not metres
        g = _GAP.match(site.view, end)
        pos = g.end() if g else end
        bracket = pos + 1 if site.view.startswith("(", pos) else pos  # "£5m ($9m)"
        if (site.data.money_word_re.match(site.view, pos) is not None
                or site.data.money_symbol_re.match(site.text, bracket) is not None):
            return False
        word = _WORD.match(site.view, pos) if g is not None and g.group(0) == " " else None
        return word is None or not site.data.counted_plural(word.group(0))
    return False


def _unit_token(site: _Site, pos: int, digits: bool) -> tuple[UnitSurface, int, bool] | None:
    """The longest unit surface at ``pos``: a symbol (after digits only) or a word."""
    data = site.data
    best: tuple[UnitSurface, int, bool] | None = None
    if digits:
        m = data.symbol_re.match(site.text, pos)
        if m is not None:
            best = (data.symbols[m.group(0)], m.end(), True)
    m = data.word_re.match(site.view, pos)
    if m is not None and (best is None or m.end() > best[1]):
        unit = data.words.get(_SPACES.sub(" ", m.group(0)))
        if unit is not None:
            best = (unit, m.end(), False)
    return best


def _factor(site: _Site, pos: int, digits: bool) -> _Factor | None:
    """A unit with its power: "km", "km2", "km^2", "km²", "square km", "km squared"."""
    data, view = site.data, site.view
    power = 1
    rules: list[str] = []
    pb = data.power_before_re.match(view, pos)
    if pb is not None:
        power = data.power_before[pb.group(0).rstrip(" ")]
        pos = pb.end()
        rules.append("unit.power_word")
    token = _unit_token(site, pos, digits)
    if token is None:
        return None
    unit, end, symbol = token
    if symbol and len(unit.surface) == 1 and site.gap == "-" and pos == site.after:
        return None  # "75-м полку", "5-m": a one-letter symbol after a hyphen is an ending
    if power == 1:
        pm = _POWER.match(view, end) if symbol else None
        pa = data.power_after_re.match(view, end)
        if pm is not None:
            sup = pm.group("sup")
            power = int(pm.group("p")) if pm.group("p") else _SUPERSCRIPT[sup[-1]]
            power = -power if sup and sup.startswith("\u207b") else power
            end = pm.end()
            rules.append("unit.power")
        elif pa is not None:
            power = data.power_after[_SPACES.sub(" ", pa.group(0)).strip()]
            end = pa.end()
            rules.append("unit.power_word")
    if power == 0:
        return None
    return _Factor(end, unit, power, symbol, rules)


def _compound(site: _Site) -> tuple[list[_Factor], int] | None:
    """A unit, maybe raised to a power and divided by up to two more: "J/m^2 per year"."""
    first = _factor(site, site.after, site.digits)
    if first is None:
        between = site.data.between_re.match(site.view, site.after)
        if between is None or site.gap != " ":
            return None
        first = _factor(site, between.end(), False)  # "2 more minutes": unit words only
        if first is None:
            return None
        first.rules.append("unit.between")
    parts = [first]
    end = first.end
    while len(parts) < _MAX_PARTS:
        per = site.data.per_re.match(site.view, end)
        if per is None:
            break
        den = _factor(site, per.end(), True)  # "km/h": the guards do not apply here
        if den is None or (per.group("time") and den.unit.expr not in DURATION_UNITS):
            break
        den.rules.append("unit.per")
        parts.append(den)
        end = den.end
    if len(parts) == 1 and first.power == 1 and not first.unit.alone:
        return None  # "40 W" (west) and "40 N": only "W/min", "N/m" are units
    if _DIGIT_AFTER.match(site.view, end):
        return None  # "24703L202", "m212": an identifier, not a unit
    if not _guard_ok(first.unit.guard, site, first.end):
        return None
    return parts, end


def _expr(parts: Sequence[_Factor]) -> str:
    out = []
    for i, f in enumerate(parts):
        piece = f"({f.unit.expr})" if f.power == 1 else f"({f.unit.expr}) ** {f.power}"
        out.append(piece if i == 0 else f" / {piece}")
    return "".join(out)


def _url_percent(site: _Site, pm: re.Match[str]) -> bool:
    """A "%" inside a URL or percent-encoding: "%25", "q=30%"."""
    if pm.group("percent") != "%":
        return False
    view, start = site.view, site.num.start
    return view[pm.end():pm.end() + 1].isalnum() or (start > 0 and view[start - 1] in _URL_BEFORE)


def _money_context(site: _Site) -> bool:
    """Rule money.context: is an ambiguous currency word ("pounds") money here?"""
    if site.gap == "-":  # "a twenty-pound bag"
        return False
    if abs(Decimal(site.num.value)) >= site.data.money_min:
        return True
    lo = max(0, site.num.start - _MONEY_WINDOW)
    return site.data.money_cue_re.search(site.view, lo, site.num.start) is not None


def _money(site: _Site, start: int, end: int, money: MoneySurface, rules: list[str]) -> Mention:
    num = site.num
    if money.divisor != 1:
        num = replace(num, value=_exact(Decimal(num.value) / money.divisor))
        rules = [*rules, "money.subunit"]
    return Mention(num, start, end, kind="money", unit=money.code, rules=rules)


def _quantity(site: _Site, end: int, expr: str, rules: list[str]) -> Mention | None:
    info = unit_info(expr)
    if info is None or not info.physical:
        return None
    return Mention(site.num, site.num.start, end, kind="quantity", unit=info.name,
                   dimensionality=info.dimensionality, rules=rules)


def _percent(site: _Site) -> Mention | None:
    """ "35%", "35 per cent", "35 percentage points", "35 відсотків"."""
    pm = site.data.percent_re.match(site.view, site.num.end)
    if pm is None or _url_percent(site, pm):
        return None
    if pm.group("points"):
        rule = "percent.points"
    else:
        rule = "percent.word" if pm.group("percent")[:1].isalpha() else "percent.sign"
    return Mention(site.num, site.num.start, pm.end(), kind="percent", rules=[rule])


def _currency_before(site: _Site) -> Mention | None:
    """ "$3.6bn", "US$ 5", "USD 5", "£2,000"."""
    start = site.num.start
    lo = start - _PREFIX_WINDOW if start > _PREFIX_WINDOW else 0  # (cheaper than max())
    cb = site.data.money_before_re.search(site.text, lo, start)
    if cb is None:
        return None
    surface = " ".join(cb.group(0).split())
    money = site.data.money_symbols.get(surface)
    if money is None or _NUMBER_BEFORE.search(site.view, cb.start() - 3 if cb.start() > 3 else 0, cb.start()):
        return None  # "3 GBP 1 pence", "75 USD million": the currency of the number before
    rule = "money.code_prefix" if surface.isalpha() else "money.symbol_prefix"
    return _money(site, cb.start(), site.num.end, money, [rule])


def _currency_after(site: _Site) -> Mention | None:
    """ "10$", "-15€", "5 USD", "10 000 dollars", "100 грн", and "20 million pounds"."""
    data = site.data
    ms = data.money_symbol_re.match(site.text, site.after)
    if ms is not None and (site.digits or ms.group(0).isalpha()):
        rule = "money.code_suffix" if ms.group(0).isalpha() else "money.symbol_suffix"
        return _money(site, site.num.start, ms.end(), data.money_symbols[ms.group(0)], [rule])
    mw = data.money_word_re.match(site.view, site.after)
    if mw is None:
        return None
    money = data.money_words.get(_SPACES.sub(" ", mw.group(0)))
    if money is None:
        return None
    if money.otherwise is None:
        return _money(site, site.num.start, mw.end(), money, ["money.word"])
    if _money_context(site):
        return _money(site, site.num.start, mw.end(), money, ["money.word", "money.context"])
    return _quantity(site, mw.end(), money.otherwise, ["unit.word", "money.context"])


def _unit_after(site: _Site) -> Mention | None:
    """ "10 km", "two-year", "4 km squared", "200 kilometres per hour", "чотирьох діб"."""
    found = _compound(site)
    if found is None:
        return None
    parts, end = found
    first = parts[0]
    if len(parts) > 1 and not _physical(_expr(parts)):
        parts, end = parts[:1], first.end  # "37.8 micrograms per gram", "4 години на добу"
    rules = ["unit.symbol" if first.symbol else "unit.word"]
    for f in parts:
        rules.extend(r for r in f.rules if r not in rules)
    if len(parts) == 1 and first.power == 1 and first.unit.negate:
        site = replace(site, num=replace(site.num, value=-site.num.value))
        rules.append("unit.negate")  # "2 degrees below zero", "10 градусів морозу"
    if len(parts) == 1 and first.power == 1 and first.unit.expr in DURATION_UNITS:
        unit = first.unit.expr
        rules[0] = "duration.symbol" if first.symbol else "duration.word"
        if first.unit.factor != 1:  # "3 четверти часа" = 45 minutes
            value = _exact(Decimal(site.num.value) * first.unit.factor)
            site = replace(site, num=replace(site.num, value=value))
            rules.append("duration.factor")
        return Mention(site.num, site.num.start, end, kind="duration", unit=unit,
                       dimensionality=TIME_DIMENSION, iso_duration=iso_duration(site.num.value, unit),
                       rules=rules)
    return _quantity(site, end, _expr(parts), rules)


def _physical(expr: str) -> bool:
    info = unit_info(expr)
    return info is not None and info.physical


def _measure(text: str, view: str, num: Num, data: MeasureData) -> Mention:
    start, end = num.start, num.end
    g = _GAP.match(view, end) if view[end : end + 1] in _GAP_FIRST else None
    gap = g.group(0) if g else ""
    after = g.end() if g else end
    pb = data.percent_before_re
    # "percent of 10": the words end one to three spaces before the number
    if pb is not None and view.endswith(data.percent_before_ends, 0, start):
        before = pb.search(view, max(0, start - 20), start)
        if before is not None:
            return Mention(num, before.start(), end, kind="percent", rules=["percent.before"])
    if num.words and not gap:
        return Mention(num, start, end)
    if num.vague:
        found = _vague_money(_Site(text, view, num, data, gap, after))
        if found is not None:
            return found
    # Quick first tests: a rule after the number matches a surface starting at ``after``
    # (a percent sign may follow without the gap, but then it starts there too: no
    # surface starts with a space or a hyphen), on the view or on the text, so only the
    # rules of the surfaces starting with those characters can match. A currency before
    # the number ends in one of ``money_last``, at most two spaces before it. Most
    # numbers have nothing, most others one rule to try.
    rules = 0
    if view[after : after + 1] in data.first or text[after : after + 1] in data.first:
        two, text_two = view[after : after + 2], text[after : after + 2]
        rules = _rules_after(two, data) | (_rules_after(text_two, data) if text_two != two else 0)
    # the order is the precedence: a percent sign, a currency before the number, a
    # currency after it, a unit after it (the test before it made only when there is no
    # percent sign, a cost the numbers with one need not pay)
    site = None
    if rules & _AFTER_PERCENT:
        site = _Site(text, view, num, data, gap, after)
        mention = _percent(site)
        if mention is not None:
            return mention
    if text[start - 3 if start > 3 else 0 : start].rstrip()[-1:] in data.money_last:
        rules |= _BEFORE_MONEY
    if not rules & ~_AFTER_PERCENT:
        return Mention(num, start, end)
    site = site or _Site(text, view, num, data, gap, after)
    for rule in _RULES[rules]:
        mention = rule(site)
        if mention is not None:
            return mention
    return Mention(num, start, end)


def _vague_money(site: _Site) -> Mention | None:
    """A vague number of a currency: "millions of dollars", "hundreds of millions of
    pounds" (rule ``money.vague_of``; an ambiguous currency word needs its money context,
    as after any number)."""
    of_re = site.data.vague_money_of_re
    of = of_re.match(site.view, site.after) if of_re is not None else None
    if of is None:
        return None
    found = _currency_after(replace(site, after=of.end()))
    if found is None or found.kind != "money":
        return None
    found.rules.append("money.vague_of")
    return found


def _rules_after(two: str, data: MeasureData) -> int:
    """The rules whose surfaces may start with ``two``, the characters after a number:
    those of the surfaces starting with both, and of a surface of one character but for
    a letter followed by a letter (a surface ending in a letter may not be followed by
    one)."""
    first = two[:1]
    rules = data.heads.get(two, 0) | data.single.get(first, 0)
    if first in data.single_letters and not two[1:].isalpha():
        rules |= data.single_letters[first]
    return rules


#: the rules left to try after the percent sign for each set of ``_AFTER_*`` and
#: ``_BEFORE_MONEY`` bits, in their order of precedence
_RULES: tuple[tuple[Callable[[_Site], Mention | None], ...], ...] = tuple(
    tuple(rule for bit, rule in ((_BEFORE_MONEY, _currency_before), (_AFTER_MONEY, _currency_after),
                                 (_AFTER_UNIT, _unit_after))
          if bits & bit)
    for bits in range(16)
)


_WORD_BEFORE = re.compile(r"(?<![\w'-])([^\W\d_][\w'-]*+)[ ]{1,3}+\Z")
_WORD_NEXT = re.compile(r"[ ]{1,3}+([^\W\d_][\w'-]*+)")
_OPENING_QUOTES = frozenset("«\"„“'")
_ALONE_REACH = 40  # characters before a lone unit noun searched for the word before it


def _alone_ok(view: str, start: int, end: int, data: MeasureData) -> bool:
    """May the unit noun at ``[start, end)`` stand for one unit (rule ``duration.alone``)?
    Not after a determiner, preposition or adjective ("в этот час", "комендантский час",
    "в трудную минуту"), nor before a word that makes a fixed phrase ("час пик")."""
    if start > 0 and view[start - 1] in _OPENING_QUOTES:
        return False  # «Час волка»: a title
    before = _WORD_BEFORE.search(view, max(0, start - _ALONE_REACH), start)
    if before is not None:
        word = before.group(1)
        if word in data.alone_not_after:
            return False
        if any(word.endswith(e) and len(word) > len(e) + 1 for e in data.alone_endings):
            return False
    after = _WORD_NEXT.match(view, end)
    return after is None or after.group(1) not in data.alone_not_before


def _duration_mention(start: int, end: int, amount: Decimal, unit: str, rule: str) -> Mention:
    num = Num(start, end, _exact(amount), rule, words=True)
    return Mention(num, start, end, kind="duration", unit=unit, dimensionality=TIME_DIMENSION,
                   iso_duration=iso_duration(num.value, unit), rules=[rule])


def find_phrases(view: str, lang: str) -> list[Mention]:
    """Durations written without a number: "half an hour", "полчаса", "півроку" (rule
    ``duration.phrase``) and a unit noun alone meaning one unit: "ждали час", "ровно
    месяц", "чекали годину" (rule ``duration.alone``, see ``units.toml [alone]``). Each
    carries a number of its own with the amount; the caller drops those that overlap a
    mention with a number ("один час")."""
    data = measure_data(lang)
    out: list[Mention] = []
    if data.phrase_re is not None:
        for m in data.phrase_re.finditer(view):
            amount, unit = data.phrases[re.sub(r"[ ]+", " ", m.group(0))]
            out.append(_duration_mention(m.start(), m.end(), amount, unit, "duration.phrase"))
    if data.alone_re is not None:
        taken = [(p.start, p.end) for p in out]
        for m in data.alone_re.finditer(view):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue  # "четверть часа" is a phrase already
            if _alone_ok(view, m.start(), m.end(), data):
                out.append(_duration_mention(m.start(), m.end(), Decimal(1), data.alone[m.group(0)],
                                             "duration.alone"))
        out.sort(key=lambda p: p.start)
    return out


def attach(text: str, view: str, lang: str, nums: Sequence[Num]) -> list[Mention]:
    """One :class:`Mention` per number in ``nums``, in the same order.

    ``view`` is ``quantities.normalize.to_view(text)``. A number with nothing measuring
    it gives a ``bare`` mention with the number's own span.

    >>> from quantities.candidates import Num
    >>> text = "It covers 4 square kilometres and costs $3.6bn."
    >>> nums = [Num(10, 11, 4, "t"), Num(41, 46, 3_600_000_000, "t")]
    >>> [(m.kind, text[m.start:m.end], m.unit) for m in attach(text, to_view(text), "en", nums)]
    [('quantity', '4 square kilometres', 'kilometer ** 2'), ('money', '$3.6bn', 'USD')]
    """
    data = measure_data(lang)
    return [_measure(text, view, num, data) for num in nums]
