"""Issue 5, totality: any ``str`` in, facts or ``[]`` out; anything else, one TypeError.

The contract checked for every input here (and by ``test_properties.py`` and the fuzz
harness in ``fuzz/``):

* ``extract`` and ``analyze`` return and never raise for a ``str``; a non-``str`` text
  raises ``TypeError`` (and nothing else), before any work is done;
* every fact has ``0 <= start < end <= len(text)`` and ``text[start:end] == fact.text``;
  every rejection ``0 <= start <= end <= len(text)`` and ``text[start:end] == .text``;
* every fact serialises with ``model_dump_json()`` and validates against
  ``schemas/fact.schema.json``; the whole ``Extraction`` serialises too;
* **lone surrogates**: a Python ``str`` may hold surrogate code points (U+D800-U+DFFF)
  that UTF-8 cannot encode. They may appear anywhere in the input and offsets count
  them like any code point. No output string ever contains one: every rule matches
  digits, letters, spaces and listed punctuation only, none of which is a surrogate, so
  ``text[start:end]`` of a fact or rejection is surrogate-free and the JSON output is
  always valid UTF-8 (checked here: strict ``.encode("utf-8")`` of every output string);
* JSON numbers in the output stay readable by ordinary JSON parsers (Python's ``json``
  refuses integers of more than 4300 digits): values of 10**30 or more are rejected as
  implausible.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import json
import pkgutil
import re
from collections.abc import Mapping
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

import quantities
from quantities import Extraction, Options, analyze, extract
from quantities.lang import LANGS

from conftest import ROOT

SCHEMA = json.loads((ROOT / "schemas" / "fact.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
ALL = Options(all_numbers=True)


def check(text: str, result: Extraction) -> None:
    """The output contract for one input (see the module docstring)."""
    n = len(text)
    for fact in result.facts:
        assert 0 <= fact.start < fact.end <= n, (fact.start, fact.end, n)
        assert text[fact.start : fact.end] == fact.text
        payload = fact.model_dump_json()
        payload.encode("utf-8")  # strict: raises on a surrogate
        VALIDATOR.validate(json.loads(payload))
    for rej in result.rejected:
        assert 0 <= rej.start <= rej.end <= n, rej
        assert text[rej.start : rej.end] == rej.text
    json.loads(result.model_dump_json().encode("utf-8"))


STRANGE: dict[str, str] = {
    "empty": "",
    "space": " ",
    "nul": "\x00",
    "nul_around_number": "\x005\x00 people\x00",
    "controls": "".join(chr(c) for c in range(32)) + "12 people\x7f",
    "bom": "\ufeff12 people were killed",
    "bom_only": "\ufeff",
    "rtl_marks": "\u200f5\u200e km \u202b12\u202c people \u2067\u2069",
    "zero_width": "1\u200b234 people, 5\u200d000 troops, 7\u2060 km",
    "combining_marks": "5\u0301 people, e\u0301 12 km\u20dd, 3\u0336 killed",
    "combining_only": "\u0301\u0302\u0303",
    "emoji": "\U0001f600 5 people \U0001f1fa\U0001f1e6 12 \U0001f469\u200d\U0001f467 troops",
    "lone_high_surrogate": "\ud800 12 people",
    "lone_low_surrogate": "12\udc80 people \udfff",
    "surrogate_inside_number": "1\ud800,234 people and 5\udc00 km",
    "surrogate_pair_as_two_code_points": "\ud83d\ude00 5 people",
    "surrogate_escape_bytes": b"5 \xff\xfe km \x80 people".decode("utf-8", "surrogateescape"),
    "mixed_scripts": "5 людей, 12 человек, 7 people, 3 km, 2 030 осіб, 1,5 тыс.",
    "mixed_in_word": "5 pеople (Cyrillic е), 12 кm",
    "greek_arabic_cjk": "٣ أشخاص, ५ लोग, 五人, 12 ανθρώπους",
    "other_digits": "٣٤٥ people, ४ km, １２ troops",
    "fullwidth": "１２ people, ５ ｋｍ",
    "line_separators": "5\u2028people\u2029 12\x85km\x0b\x0c",
    "all_spaces": "1\u00a0234\u202f567\u2009people\u3000 5\u2007km",
    "many_dashes": "5\u20136 km, 7\u20148 people, \u22125 °C, 1\ufe632",
    "apostrophes": "п'ять, п’ять, пʼять осіб",
    "turkish_i": "İstanbul 5 İİİ ıı people",
    "expanding_lowercase": "\u0130" * 50 + " 5 people",
    "ligatures": "ﬀ 5 ﬁve people ﬃ",
    "superscripts": "5 km² 10⁻³ m³ ²³",
    "superscript_after_number_word": "Nine ², a hundred and ², one hundred and ²abc",
    "vulgar_fractions": "½ ¼ ¾ 2½ ⅓ people",
    "unassigned_and_private": "\U000e0001 5 \ue000 people \U0010ffff",
    "noncharacters": "\ufffe\uffff 5 people \ufffd",
    "only_punctuation": "?!.,;:-–—()[]{}\"'«»„“”‘’",
    "huge_exponent": "1e999999 people, 1e-999999 km",
    "zero_powers": "0^0, 0^-0 people, 0.0^0 km, 0^-2, 10^99 km, 9^99 people",
    "long_word": "a" * 10_000 + " 5 people",
    "question_marks": "?" * 10_000,
    "digits_4400": "1" * 4400 + " km",
    "digits_5000_money": "$" + "1" * 5000,
    "digits_5000_bare": "1" * 5000,
    "long_decimal": "0." + "0" * 500 + "1 km",
}


@pytest.mark.parametrize("lang", [None, *LANGS])
@pytest.mark.parametrize("name", sorted(STRANGE))
def test_strange_strings(name: str, lang: str | None) -> None:
    text = STRANGE[name]
    for options in (Options(), ALL):
        result = analyze(text, lang=lang, reference_date="2022-01-17", options=options)
        check(text, result)
        assert extract(text, lang=lang, reference_date="2022-01-17", options=options) == result.facts


@pytest.mark.parametrize(
    "text",
    ["1" * 1_000_000, " " * 1_000_000, "," * 1_000_000, "\ud800" * 1_000_000],
    ids=["digits", "spaces", "commas", "surrogates"],
)
def test_one_megabyte(text: str) -> None:
    """A 1 MB text (exactly the default ``max_chars``) is processed, not refused."""
    result = analyze(text, lang="en", options=ALL)
    check(text, result)
    assert all(r.rule != "limits.max_chars" for r in result.rejected)


def test_one_megabyte_number_is_not_a_fact() -> None:
    """Values of 10**30 or more are implausible: rejected, not returned as JSON numbers."""
    result = analyze("1" * 5000 + " km", lang="en", options=ALL)
    assert result.facts == []
    assert [r.start for r in result.rejected] == [0]


@pytest.mark.parametrize("lang", [None, "en"])
def test_max_chars(lang: str | None) -> None:
    text = "12 people were killed. " * 3
    limited = Options(max_chars=len(text) - 1)
    result = analyze(text, lang=lang, options=limited)
    assert result.facts == []
    assert [(r.start, r.end, r.text, r.rule) for r in result.rejected] == [(0, 0, "", "limits.max_chars")]
    assert extract(text, lang=lang, options=limited) == []
    assert len(analyze(text, lang=lang, options=Options(max_chars=len(text))).facts) == 3


def test_default_max_chars_is_one_million() -> None:
    assert Options().max_chars == 1_000_000
    result = analyze("5" * 1_000_001, lang="en")
    assert [r.rule for r in result.rejected] == ["limits.max_chars"]


class _Str(str):
    """A ``str`` subclass is a ``str``."""


def test_str_subclass_is_accepted() -> None:
    text = _Str("At least 12 people were killed.")
    facts = extract(text, lang="en")
    assert [(f.value, f.text) for f in facts] == [(12, "At least 12")]
    assert type(facts[0].text) is str


NOT_STR: list[Any] = [
    None, b"12 people", bytearray(b"12 people"), memoryview(b"12"), 12, 1.5, ["12 people"],
    ("12",), {"text": "12"}, object(), Options(),
]


@pytest.mark.parametrize("value", NOT_STR, ids=lambda v: type(v).__name__)
@pytest.mark.parametrize("entry", [extract, analyze], ids=["extract", "analyze"])
def test_non_str_raises_type_error(entry: Any, value: Any) -> None:
    with pytest.raises(TypeError, match=r"^text must be str, not "):
        entry(value)
    with pytest.raises(TypeError, match=r"^text must be str, not "):
        entry(value, lang="xx", reference_date="not a date")  # checked before the rest


# ------------------------------------------------------------------ linear by construction
# Every compiled pattern of the package (module constants and the per-language patterns
# built from the data files) is parsed and checked: no unbounded repeat inside another
# unbounded repeat unless one of them is possessive or atomic, no backreference and no
# conditional on a group (issue 5: none at all, bounded or not), and every greedy
# unbounded repeat that is not possessive is listed here with the reason it cannot backtrack.
#
# A possessive repeat does not backtrack, but a search still retries it from every start
# position: an unbounded run followed by something that can fail ("\d++x" over a line of
# digits, or a digit-group chain failing at its end) is quadratic. That is measured, not
# proved: benchmarks/test_pump.py pumps every pattern family and bounds t(100 KB)/t(10 KB).
sre_parser: Any = importlib.import_module("re._parser")  # the stdlib's regex parser
sre_constants: Any = importlib.import_module("re._constants")
GREEDY_ALLOWED: dict[str, str] = {
    r"-?\d+(?:[.,](\d+))?": "fullmatch over one number's span; the digit runs are split by [.,]",
    r"[0-9]+": "a single class repeated to its maximal run, nothing after it can fail",
    r"[^\W\d_]+": "a single class repeated to its maximal run, nothing after it can fail",
}
_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)


def _walk(value: Any, seen: set[int], found: dict[str, re.Pattern[str]]) -> None:
    if id(value) in seen or isinstance(value, (str, bytes, int, float, bool, type(None))):
        return
    seen.add(id(value))
    if isinstance(value, re.Pattern):
        found.setdefault(value.pattern, value)
    elif isinstance(getattr(type(value), "compiled", None), functools.cached_property):
        _walk(value.compiled, seen, found)  # a pattern compiled when first used (dates._Regex)
    elif isinstance(value, Mapping):
        for item in value.values():
            _walk(item, seen, found)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _walk(item, seen, found)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _walk(getattr(value, f.name), seen, found)
    elif type(value).__module__.startswith("quantities") and hasattr(value, "__dict__"):
        _walk(vars(value), seen, found)


def package_patterns() -> dict[str, re.Pattern[str]]:
    """Every ``re.Pattern`` reachable from the package's modules and language caches."""
    found: dict[str, re.Pattern[str]] = {}
    seen: set[int] = set()
    for info in pkgutil.walk_packages(quantities.__path__, "quantities."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for value in list(vars(module).values()):
            if isinstance(value, re.Pattern):
                _walk(value, seen, found)
            elif callable(value) and hasattr(value, "cache_info"):
                try:
                    params = list(inspect.signature(value).parameters)
                except (TypeError, ValueError):
                    continue
                if params == ["lang"]:
                    for lang in LANGS:
                        _walk(value(lang), seen, found)
    return found


def _problems(tree: Any, in_unbounded: bool, groups: dict[int, Any], out: list[str]) -> None:
    c = sre_constants
    for op, av in tree:
        if op in (*_REPEATS, c.POSSESSIVE_REPEAT):
            _low, high, sub = av
            unbounded = high == c.MAXREPEAT and op in _REPEATS
            if unbounded:
                out.append("nested unbounded repeat" if in_unbounded else "greedy unbounded repeat")
            _problems(sub, in_unbounded or unbounded, groups, out)
        elif op == c.SUBPATTERN:
            _problems(av[-1], in_unbounded, groups, out)
        elif op == c.ATOMIC_GROUP:
            _problems(av, False, groups, out)
        elif op == c.BRANCH:
            for branch in av[1]:
                _problems(branch, in_unbounded, groups, out)
        elif op in (c.ASSERT, c.ASSERT_NOT):
            _problems(av[1], in_unbounded, groups, out)
        elif op == c.GROUPREF_EXISTS:
            _problems(av[1], in_unbounded, groups, out)
            if av[2] is not None:
                _problems(av[2], in_unbounded, groups, out)
        if op in (c.GROUPREF, c.GROUPREF_EXISTS):
            out.append("backreference")


def _groups(tree: Any, out: dict[int, Any]) -> dict[int, Any]:
    for op, av in tree:
        if op == sre_constants.SUBPATTERN:
            if av[0] is not None:
                out[av[0]] = av[-1]
            _groups(av[-1], out)
        elif op in (*_REPEATS, sre_constants.POSSESSIVE_REPEAT):
            _groups(av[2], out)
        elif op == sre_constants.ATOMIC_GROUP:
            _groups(av, out)
        elif op == sre_constants.BRANCH:
            for branch in av[1]:
                _groups(branch, out)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            _groups(av[1], out)
    return out


def test_patterns_are_linear_by_construction() -> None:
    patterns = package_patterns()
    assert len(patterns) > 100, "the pattern collection found too little: fix package_patterns()"
    bad: dict[str, list[str]] = {}
    for source, pattern in patterns.items():
        tree = sre_parser.parse(source, pattern.flags)
        found: list[str] = []
        _problems(tree, False, _groups(tree, {}), found)
        if source in GREEDY_ALLOWED:
            found = [p for p in found if p != "greedy unbounded repeat"]
        if found:
            bad[source[:160]] = sorted(set(found))
    assert not bad, (
        "use possessive (++ *+) or atomic (?>...) repeats, or add the pattern to "
        f"GREEDY_ALLOWED with the reason it cannot backtrack: {bad}"
    )


def test_the_audit_can_fail() -> None:
    """The audit flags the textbook catastrophic patterns."""
    for source, expected in [
        (r"(a+)+b", "nested unbounded repeat"),
        (r"(\w+)\s\1", "backreference"),
        (r"(?P<s>[./])\d(?P=s)", "backreference"),
        (r"(<)?\d(?(1)>)", "backreference"),
        (r"\d+x", "greedy unbounded repeat"),
    ]:
        tree = sre_parser.parse(source)
        found: list[str] = []
        _problems(tree, False, _groups(tree, {}), found)
        assert expected in found, (source, found)
    tree = sre_parser.parse(r"(?>a++)++b|\d++x|(?:\d{1,3}|x)*+|(?P<s>[./])\d[./]")
    found = []
    _problems(tree, False, _groups(tree, {}), found)
    assert found == [], found


# ---------------------------------------------------------------- the garbage collector

_CYCLE_TEXTS = {
    "en": "At least 225 people were killed and more than 4,350 injured on 5 January 2022; "
          "about 2,030 troops, 3 IL-76 planes and $3.6bn, 5 km, 40%, two weeks later.",
    "uk": "Щонайменше 225 людей загинули, понад 4 350 поранено 5 січня 2022 року; близько "
          "2 030 військових, 3 літаки Іл-76, 2,5 млн гривень, 5 км, 40%, через два тижні.",
    "ru": "Не менее 225 человек погибли, более 4 350 ранены 5 января 2022 года; около 2 030 "
          "военных, 3 самолета Ил-76, 2,5 млн рублей, 5 км, 40%, через две недели.",
}


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_a_call_makes_no_reference_cycle_and_leaves_the_collector_on(lang: str) -> None:
    """The API pauses the cyclic collector during a call (quantities.gcpause):
    sound only because the pipeline makes no reference cycles, so nothing is left for it."""
    import gc

    from conftest import own_garbage, tracked_ids

    text = _CYCLE_TEXTS[lang]
    analyze(text, lang=lang, reference_date="2022-01-17")  # build the caches first
    assert gc.isenabled()
    own_garbage()
    gc.disable()
    try:
        before = tracked_ids()
        for _ in range(3):
            analyze(text, lang=lang, reference_date="2022-01-17")
            extract(text, lang=lang, options=Options(all_numbers=True))
        assert not gc.isenabled(), "a call switched on a collector its caller had switched off"
        assert own_garbage(before) == []
    finally:
        gc.enable()
    extract(text, lang=lang)
    assert gc.isenabled()
