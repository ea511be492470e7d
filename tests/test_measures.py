"""The measure stage (quantities.measures) and the pint boundary (quantities.units).

The stage is tested in isolation: numbers come from the small finder below, not from
quantities.numbers, so a change there cannot move these tests. The example corpora
``tests/corpus/<lang>/units.jsonl`` list, per text, every mention that is not bare, in
text order: {"surface", "kind", "value", "unit", "iso_duration"?, "rules"?}; an empty list
is a negative (nothing may be measured). Known failures carry "xfail": reason.
"""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quantities.candidates import Mention, Num
from quantities.errors import DataError
from quantities.lang import LANGS, load
from quantities.measures import GUARDS, attach, measure_data
from quantities.normalize import to_view
from quantities.units import DURATION_UNITS, iso_duration, unit_info

from conftest import CORPUS, ROOT, read_jsonl

# ---------------------------------------------------------------- a minimal number finder
_WORDS: dict[str, dict[str, int]] = {
    "en": {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "twenty": 20, "thirty": 30},
    "uk": {"один": 1, "одна": 1, "два": 2, "дві": 2, "двох": 2, "три": 3, "трьох": 3, "чотири": 4,
           "чотирьох": 4, "п'ять": 5, "п'яти": 5, "шість": 6, "сім": 7, "десять": 10, "десяти": 10},
    "ru": {"один": 1, "одна": 1, "два": 2, "две": 2, "двух": 2, "три": 3, "трех": 3, "четыре": 4,
           "четырех": 4, "пять": 5, "пяти": 5, "шесть": 6, "семь": 7, "десять": 10, "десяти": 10,
           "пятьсот": 500},
}
_SCALES: dict[str, dict[str, int]] = {
    "en": {"thousand": 1000, "million": 10**6, "billion": 10**9, "bn": 10**9},
    "uk": {"тис.": 1000, "тисяч": 1000, "млн": 10**6, "млрд": 10**9},
    "ru": {"тыс.": 1000, "тысяч": 1000, "млн": 10**6, "млрд": 10**9},
}
_MONEY_SCALES = {"m": 10**6, "bn": 10**9, "b": 10**9, "k": 1000, "t": 10**12}
_VULGAR = "½⅓⅔¼¾⅕⅛"


def _alt(words: dict[str, int]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def simple_numbers(view: str, lang: str) -> list[Num]:
    """Digits (EN "1,500.5", UK/RU "2 030,5"), "2 1/2", "½", "4e14", a scale word after
    them ("5 млн"), "m"/"bn" glued after a currency sign ("$3.6bn"), a few number words."""
    dec = r"\." if lang == "en" else r"[.,]"
    group = r"(?:(?:,\d{3})+|(?: \d{3})+)" if lang == "en" else r"(?: \d{3})+"
    digits = re.compile(
        rf"(?P<fn>(?<![\d/])\d{{1,2}})/(?P<fd>\d{{1,2}})(?![\d/])"
        rf"|(?P<sign>(?<![\w.,\-])-(?=\d))?(?<![\d.,/])(?P<int>\d{{1,3}}{group}(?!\d)|\d+|(?=\.\d))"
        rf"(?:{dec}(?P<frac>\d+))?(?:e(?P<exp>[-+]?\d{{1,2}}))?"
        rf"(?:(?:\s|(?<=\d))(?P<n>\d)/(?P<d>\d{{1,2}})(?!\d))?(?P<vulgar>[{_VULGAR}])?"
        rf"|(?<![\w])(?P<lone>[{_VULGAR}])"
    )
    scale = re.compile(rf" ?({_alt(_SCALES[lang])})(?!\w)")
    money_scale = re.compile(r"(bn|m|b|k|t)(?![\w])")
    out: list[Num] = []
    for m in digits.finditer(view):
        if not m.group(0):
            continue
        if m.group("fn"):
            value = Decimal(int(m.group("fn"))) / Decimal(int(m.group("fd")) or 1)
            out.append(Num(m.start(), m.end(), value.normalize(), "test.fraction"))
            continue
        if m.group("lone"):
            value = Decimal(str(round(unicodedata.numeric(m.group("lone")), 10)))
            out.append(Num(m.start(), m.end(), value, "test.digits"))
            continue
        value = Decimal(re.sub(r"\D", "", m.group("int")) or "0")
        if m.group("frac"):
            value += Decimal("0." + m.group("frac"))
        if m.group("exp"):
            value = value.scaleb(int(m.group("exp")))
        if m.group("n"):
            value += Decimal(int(m.group("n"))) / Decimal(int(m.group("d")))
        if m.group("vulgar"):
            value += Decimal(str(round(unicodedata.numeric(m.group("vulgar")), 10)))
        if m.group("sign"):
            value = -value
        end, plain = m.end(), m.group(0).isdigit()
        sm = scale.match(view, end)
        mm = money_scale.match(view, end)
        if sm is not None:
            value, end, plain = value * _SCALES[lang][sm.group(1)], sm.end(), False
        elif mm is not None and m.start() > 0 and unicodedata.category(view[m.start() - 1]) == "Sc":
            value, end, plain = value * _MONEY_SCALES[mm.group(1)], mm.end(), False
        exact = int(value) if value == value.to_integral_value() else value.normalize()
        out.append(Num(m.start(), end, exact, "test.digits", integer_digits=plain))
    words = _WORDS[lang]
    for m in re.finditer(rf"(?<![\w'])(?:{_alt(words)})(?![\w'])", view):
        if not any(n.start <= m.start() < n.end for n in out):
            out.append(Num(m.start(), m.end(), words[m.group(0)], "test.words", words=True))
    return sorted(out, key=lambda n: n.start)


def run(text: str, lang: str = "en") -> list[Mention]:
    view = to_view(text)
    return attach(text, view, lang, simple_numbers(view, lang))


def measured(text: str, lang: str = "en") -> list[tuple[str, str, Any, str | None]]:
    return [(text[m.start:m.end], m.kind, m.num.value, m.unit) for m in run(text, lang) if m.kind != "bare"]


# ---------------------------------------------------------------- the corpora
def _corpus() -> list[Any]:
    cases = []
    for lang in LANGS:
        path = CORPUS / lang / "units.jsonl"
        for i, rec in enumerate(read_jsonl(path)):
            marks = [pytest.mark.xfail(reason=rec["xfail"], strict=True)] if rec.get("xfail") else []
            cases.append(pytest.param(lang, rec, id=f"{lang}/units/{i}", marks=marks))
    return cases


def _same_value(want: Any, got: Any) -> bool:
    a, b = Decimal(str(want)), Decimal(str(got))
    return abs(a - b) <= Decimal("1e-9") * max(Decimal(1), abs(a))


@pytest.mark.parametrize(("lang", "rec"), _corpus())
def test_corpus(lang: str, rec: dict[str, Any]) -> None:
    text = rec["text"]
    got = [m for m in run(text, lang) if m.kind != "bare"]
    summary = [(text[m.start:m.end], m.kind, str(m.num.value), m.unit) for m in got]
    assert len(got) == len(rec["expected"]), f"got {summary}"
    for want, m in zip(rec["expected"], got, strict=True):
        assert text[m.start:m.end] == want["surface"], f"got {summary}"
        assert m.kind == want["kind"], f"{want['surface']!r}: kind {m.kind}"
        assert _same_value(want["value"], m.num.value), f"{want['surface']!r}: value {m.num.value}"
        assert m.unit == want["unit"], f"{want['surface']!r}: unit {m.unit!r}"
        if "iso_duration" in want:
            assert m.iso_duration == want["iso_duration"]
        for rule in want.get("rules", []):
            assert rule in m.rules, f"{want['surface']!r}: rules {m.rules}"


def test_every_language_has_a_units_corpus() -> None:
    for lang in LANGS:
        recs = read_jsonl(CORPUS / lang / "units.jsonl")
        assert any(r["expected"] for r in recs) and any(not r["expected"] for r in recs), lang
        assert all(r.get("source") for r in recs), f"{lang}: every example names its source"


# ---------------------------------------------------------------- the interface
def test_a_vague_number_of_a_currency_is_money() -> None:
    """ "millions of dollars" (session 7: a count of "dollars" before); only a vague number,
    only a currency (an ambiguous one in its money context), and no word between in
    Ukrainian ("мільйони доларів" is the genitive)."""
    def vague(text: str, word: str, value: int, lang: str = "en") -> list[tuple[str, str, Any, list[str]]]:
        view = to_view(text)
        start = view.index(word)
        num = Num(start, start + len(word), value, "test.vague", words=True, vague=True, low=value)
        return [(text[m.start:m.end], m.kind, m.unit, m.rules) for m in attach(text, view, lang, [num])]

    assert vague("It cost millions of dollars.", "millions", 10**6) == [
        ("millions of dollars", "money", "USD", ["money.word", "money.vague_of"])
    ]
    assert vague("Thousands of people.", "thousands", 1000)[0][1] == "bare"
    assert vague("He lifted thousands of pounds of steel.", "thousands", 1000)[0][1] == "bare"
    assert vague("Коштувало мільйони доларів.", "мільйони", 10**6, "uk")[0][:3] == (
        "мільйони доларів", "money", "USD"
    )
    view = to_view("5 of dollars")
    assert attach("5 of dollars", view, "en", [Num(0, 1, 5, "test.digits")])[0].kind == "bare"


def test_one_mention_per_number_in_order() -> None:
    text = "Of 12 soldiers, 3 walked 10 km in 2 hours for $5 and 35% more."
    view = to_view(text)
    nums = simple_numbers(view, "en")
    mentions = attach(text, view, "en", nums)
    assert [m.num for m in mentions] == nums
    assert [m.kind for m in mentions] == ["bare", "bare", "quantity", "duration", "money", "percent"]
    for m in mentions:
        assert m.start <= m.num.start and m.num.end <= m.end
    bare = mentions[0]
    assert (bare.start, bare.end, bare.unit, bare.rules) == (bare.num.start, bare.num.end, None, [])
    assert attach(text, view, "en", []) == []


def test_mention_fields() -> None:
    [km] = run("a 27-kilometer ring")
    assert (km.kind, km.unit, km.dimensionality) == ("quantity", "kilometer", "[length]")
    assert km.rules == ["unit.word"]
    [dur] = run("after 1.5 days")
    assert (dur.unit, dur.dimensionality, dur.iso_duration) == ("day", "[time]", "P1.5D")
    assert dur.rules == ["duration.word"]
    [money] = run("US$ 5")
    assert (money.kind, money.unit, money.dimensionality) == ("money", "USD", None)
    assert money.rules == ["money.symbol_prefix"]
    [code] = run("USD 5")
    assert code.rules == ["money.code_prefix"]
    [speed] = run("200 kilometres per hour")
    assert speed.unit == "kilometer / hour" and speed.dimensionality == "[length] / [time]"
    assert speed.rules == ["unit.word", "unit.per"]


def test_subunit_divides_a_copy_of_the_number() -> None:
    text = "It cost 50 cents."
    view = to_view(text)
    nums = simple_numbers(view, "en")
    [m] = attach(text, view, "en", nums)
    assert (m.num.value, m.unit, m.rules) == (Decimal("0.5"), "USD", ["money.word", "money.subunit"])
    assert nums[0].value == 50  # the caller's number is untouched


def test_symbols_are_case_sensitive_and_need_digits() -> None:
    assert measured("8 MB and 8 Mb") == [
        ("8 MB", "quantity", 8, "megabyte"),
        ("8 Mb", "quantity", 8, "megabit"),
    ]
    assert measured("two m, two km") == []
    assert measured("two metres") == [("two metres", "quantity", 2, "meter")]
    assert measured("the 10K race and a 10k run") == []
    text = "heated to 573.15K"  # numbers may read "K" as thousands; here the number stops before
    [m] = attach(text, to_view(text), "en", [Num(10, 16, Decimal("573.15"), "t")])
    assert (m.kind, m.unit, text[m.start:m.end]) == ("quantity", "kelvin", "573.15K")
    assert measured("300 K") == [("300 K", "quantity", 300, "kelvin")]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("At 2 pm", []),
        ("at 2.15 pm", []),
        ("2.1 pm", [("2.1 pm", "quantity", Decimal("2.1"), "picometer")]),
        ("2 in thick", [("2 in", "quantity", 2, "inch")]),
        ("2 in 1979", []),
        ("3 in 10 people", []),
        ("the 1990s", []),
        ("30 s", [("30 s", "duration", 30, "second")]),
        ("F-16 jets, 4 F-16s", []),
        ("-10C", [("-10C", "quantity", -10, "degree_Celsius")]),
        ("40 W", []),
        ("40 W/m^2", [("40 W/m^2", "quantity", 40, "watt / meter ** 2")]),
        ("100m hurdles", [("100m", "quantity", 100, "meter")]),
        ("77m euros", []),  # "m" is no metre before a currency (the number stage reads it)
    ],
)
def test_guards(text: str, want: list[Any]) -> None:
    assert measured(text) == want


def test_pounds_are_money_only_in_a_money_context() -> None:
    assert measured("I spent 20 million pounds") == [("20 million pounds", "money", 20_000_000, "GBP")]
    assert measured("he was fined 5,000 pounds") == [("5,000 pounds", "money", 5000, "GBP")]
    assert measured("it weighs 25 pounds") == [("25 pounds", "quantity", 25, "pound")]
    assert measured("a 500-pound bomb") == [("500-pound", "quantity", 500, "pound")]
    assert measured("5 pounds sterling") == [("5 pounds sterling", "money", 5, "GBP")]
    [m] = run("I spent 20 million pounds")
    assert m.rules == ["money.word", "money.context"]


def test_years_before_year_words_are_dates() -> None:
    assert measured("У 2015 році, 2016 року, 2014-2015 роки", "uk") == []
    assert measured("за 5 років", "uk") == [("5 років", "duration", 5, "year")]
    assert measured("в 2015 году и 2016 г.", "ru") == []
    assert measured("за 5 лет", "ru") == [("5 лет", "duration", 5, "year")]


@given(st.text(alphabet="0123456789 .,-/%$£€kKmMgGsCF°²^ inpamtlbB'\"()abcdefghijklmnopqrstuvwxyz"
               "кгмлтсВтчасгодиндібрківпроцентгрн", max_size=60))
@settings(max_examples=300, deadline=None)
def test_never_raises_and_keeps_spans(text: str) -> None:
    for lang in LANGS:
        view = to_view(text)
        nums = simple_numbers(view, lang)
        mentions = attach(text, view, lang, nums)
        assert len(mentions) == len(nums)
        for m, n in zip(mentions, nums, strict=True):
            assert 0 <= m.start <= n.start <= n.end <= m.end <= len(text)
            assert m.kind in ("bare", "quantity", "duration", "money", "percent")


@given(st.text(max_size=40), st.lists(st.tuples(st.integers(0, 45), st.integers(0, 45),
                                                st.decimals(allow_nan=False, allow_infinity=False)),
                                      max_size=4))
@settings(max_examples=200, deadline=None)
def test_arbitrary_numbers_never_raise(text: str, raw: list[tuple[int, int, Decimal]]) -> None:
    nums = [Num(min(a, b, len(text)), min(max(a, b), len(text)), v, "fuzz") for a, b, v in raw]
    for lang in LANGS:
        assert len(attach(text, to_view(text), lang, nums)) == len(nums)


# ---------------------------------------------------------------- pint stays lazy
def _python(code: str) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return proc.stdout.strip()


def test_pint_is_loaded_only_when_a_physical_unit_is_seen() -> None:
    code = (
        "import sys\n"
        "from quantities.measures import attach\n"
        "from quantities.candidates import Num\n"
        "from quantities.normalize import to_view\n"
        "t = '12 soldiers, $5, 35%, 3 days'\n"
        "ns = [Num(0, 2, 12, 't'), Num(14, 15, 5, 't'), Num(17, 19, 35, 't'), Num(22, 23, 3, 't')]\n"
        "kinds = [m.kind for m in attach(t, to_view(t), 'en', ns)]\n"
        "print(kinds, 'pint' in sys.modules)\n"
        "t = '5 km'\n"
        "attach(t, to_view(t), 'en', [Num(0, 1, 5, 't')])\n"
        "print('pint' in sys.modules)\n"
    )
    assert _python(code).splitlines() == ["['bare', 'money', 'percent', 'duration'] False", "True"]


def test_only_units_imports_pint() -> None:
    offenders = [p.name for p in (ROOT / "quantities").rglob("*.py")
                 if p.name != "units.py" and re.search(r"^\s*(?:import|from)\s+pint\b", p.read_text(), re.M)]
    assert offenders == []


# ---------------------------------------------------------------- units.py
def test_unit_info() -> None:
    info = unit_info("(kilometer) / (hour)")
    assert info is not None and (info.name, info.dimensionality) == ("kilometer / hour", "[length] / [time]")
    assert unit_info("(joule) / (meter) ** 2 / (year)").name == "joule / meter ** 2 / year"  # type: ignore[union-attr]
    assert unit_info("(second) ** -1").name == "1 / second"  # type: ignore[union-attr]
    for bad in ("", "  ", "((", "1/0", "no_such_unit", "kilo"):
        assert unit_info(bad) is None
    for name in ("percent", "ppm", "dimensionless"):
        info = unit_info(name)
        assert info is None or not info.physical
    for name in ("degree", "megabyte", "bit", "decibel"):
        info = unit_info(name)
        assert info is not None and info.physical


@pytest.mark.parametrize(
    ("value", "unit", "iso"),
    [(10, "day", "P10D"), (3, "hour", "PT3H"), (2, "week", "P2W"), (1, "year", "P1Y"), (6, "month", "P6M"),
     (90, "minute", "PT90M"), (Decimal("1.5"), "day", "P1.5D"), (Decimal("0.50"), "second", "PT0.5S"),
     (2, "fortnight", "P4W"), (2, "decade", "P20Y"), (1, "century", "P100Y"), (-3, "day", "-P3D"),
     (10**12, "year", "P1000000000000Y")],
)
def test_iso_duration(value: int | Decimal, unit: str, iso: str) -> None:
    assert iso_duration(value, unit) == iso


def test_iso_duration_rejects_other_units() -> None:
    with pytest.raises(ValueError, match="not a duration unit"):
        iso_duration(1, "meter")


def test_duration_units_are_time_in_pint() -> None:
    for unit in DURATION_UNITS - {"decade"}:
        info = unit_info(unit)
        assert info is not None and info.dimensionality == "[time]", unit
    # pint's "decade" is a logarithmic unit (a factor of ten), not ten years: durations
    # therefore never ask pint, and "two decades" is the ISO duration P20Y.
    decade = unit_info("decade")
    assert decade is not None and decade.dimensionality == "dimensionless"


# ---------------------------------------------------------------- the data
@pytest.mark.parametrize("lang", LANGS)
def test_every_unit_in_the_data_is_physical(lang: str) -> None:
    data = measure_data(lang)
    exprs = {u.expr for u in [*data.symbols.values(), *data.words.values()]}
    exprs |= {m.otherwise for m in data.money_words.values() if m.otherwise}
    for expr in sorted(exprs):
        if expr in DURATION_UNITS:
            continue
        info = unit_info(expr)
        assert info is not None, f"{lang}: pint does not know {expr!r}"
        assert info.physical, f"{lang}: {expr!r} is dimensionless"


def test_units_toml_has_the_same_sections_everywhere() -> None:
    shapes = {}
    for lang in LANGS:
        raw = load(lang, "units")
        shapes[lang] = {k: sorted(v) for k, v in raw.items()
                        if k in ("powers", "per", "percent", "context", "currency_codes")}
        shapes[lang]["sections"] = sorted(raw)
    assert shapes["uk"] == shapes["en"] and shapes["ru"] == shapes["en"]


def test_generated_prefixed_symbols() -> None:
    data = measure_data("en")
    for surface, expr in (("km", "kilometer"), ("kWh", "kilowatt_hour"), ("GHz", "gigahertz"),
                          ("mGy", "milligray"), ("µg", "microgram"), ("MB", "megabyte")):
        assert data.symbols[surface].expr == expr
    assert data.words["kilometres"].expr == "kilometer"
    assert measure_data("uk").symbols["кВт·год"].expr == "kilowatt_hour"
    assert measure_data("ru").words["километров"].expr == "kilometer"


def test_guards_in_the_data_are_known() -> None:
    for lang in LANGS:
        data = measure_data(lang)
        used = {u.guard for u in [*data.symbols.values(), *data.words.values()] if u.guard}
        assert used <= GUARDS


def test_invalid_data_is_a_data_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from quantities import measures

    good = load("en", "units")
    bad_tables = [
        {**good, "symbols": {"km": {"unit": "kilometer", "guard": "no_such_guard"}}},
        {**good, "currency_symbols": {"$": "dollar"}},
        {**good, "words": {"metre": {"unit": "meter", "forms": ["Metre"]}}},
        {k: v for k, v in good.items() if k != "per"},
    ]
    for raw in bad_tables:
        monkeypatch.setattr(measures, "load", lambda lang, name, raw=raw: raw)
        measures.measure_data.cache_clear()
        with pytest.raises(DataError):
            measures.measure_data("en")
    monkeypatch.undo()
    measures.measure_data.cache_clear()
    assert Path(measures.__file__).name == "measures.py"
