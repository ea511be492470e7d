"""Issue 5, property tests: for generated texts the API never raises, every span is
exact, every fact validates against the JSON Schema, and the output is deterministic.

Texts are built from alphabets taken from the language data files themselves (every
word and phrase of ``numbers``, ``qualifiers``, ``dates``, ``units``, ``cues`` and
``filters`` of each language, so they stay in sync with the data), digits, the
separators and spaces the normaliser folds, lone surrogates and arbitrary code points.
A language whose data files are not all written yet is skipped, with a reason.

Runs are reproducible (``derandomize=True``, no example database). Example counts:
:data:`EXAMPLES` per (entry point, language) on vocabulary texts, so 4 x
:data:`EXAMPLES` = 10,000 per entry point, plus :data:`FREE_EXAMPLES` on arbitrary
Unicode text per entry point. The ``_many`` entry points get each text with its
thirds, in batches of two, and must give what one call per text gives.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

import hypothesis.strategies as st
import jsonschema  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings

from quantities import Options, analyze, analyze_many, extract, extract_many
from quantities.errors import DataError
from quantities.lang import LANGS, load

from conftest import ROOT

EXAMPLES = 2_500
FREE_EXAMPLES = 1_000
ALPHABET_FILES = ("numbers", "qualifiers", "dates", "units", "cues", "filters")

SCHEMA = json.loads((ROOT / "schemas" / "fact.schema.json").read_text(encoding="utf-8"))
FULL_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def _kind_validators() -> dict[str, jsonschema.Draft202012Validator]:
    """One validator per ``kind``: the ``oneOf`` branch that the discriminator names.

    The branches accept disjoint ``kind`` values (asserted), so a fact matches the
    ``oneOf`` exactly when it matches its own branch: the same verdict, five times faster.
    """
    seen: set[str] = set()
    for ref in SCHEMA["oneOf"]:
        kind = SCHEMA["$defs"][ref["$ref"].rsplit("/", 1)[1]]["properties"]["kind"]
        kinds = set(kind.get("enum", [kind.get("const")]))
        assert not kinds & seen, "schema branches overlap on kind"
        seen |= kinds
    return {
        kind: jsonschema.Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": ref})
        for kind, ref in SCHEMA["discriminator"]["mapping"].items()
    }


KIND_VALIDATORS = _kind_validators()
_VALID: set[str] = set()


def validate_fact_json(payload: str) -> None:
    if payload in _VALID:
        return
    instance = json.loads(payload)
    KIND_VALIDATORS.get(instance.get("kind"), FULL_VALIDATOR).validate(instance)
    _VALID.add(payload)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@cache
def alphabet(lang: str, name: str) -> tuple[str, ...]:
    """Every word and phrase of ``lang/<name>.toml`` (templates split at ``<a>``, ``<b>``,
    ``<n>``); empty when the file is not written yet."""
    try:
        data = load(lang, name)
    except DataError:
        return ()
    words: set[str] = set()
    for s in _strings(data):
        for part in s.replace("<a>", "\0").replace("<b>", "\0").replace("<n>", "\0").split("\0"):
            if part.strip() and len(part) <= 40:
                words.add(part)
                words.add(part.capitalize())
    return tuple(sorted(words))


SEPARATORS = (",", ".", " ", "  ", "\u00a0", "\u202f", "\u2009", "-", "\u2013", "\u2014", "\u2212",
              "/", ":", "'", "\u2019", "\u02bc", "%", "$", "€", "£", "₴", "₽", "(", ")", "+", "~", ";")
SPACES = (" ", " ", " ", "\n", "\n\n", "\t", "\r\n", "\u2028")
ODD = ("\x00", "\ufeff", "\u200f", "\u200b", "\u0301", "\U0001f600", "\ud800", "\udc80", "\udfff",
       "\u0130", "\ufffd", "²", "½", "\u3000")

DIGIT_FORMS = ("1,234", "1 234", "2 030", "1\u00a0234", "1.5", "1,5", "0.5", "12:30", "45th", "1e3",
               "3/4", "2022", "1,000,000", "10k", "3.6bn", "5-6", "IL-76", "+380", "½", "٣")


@cache
def vocabulary(lang: str | None) -> tuple[tuple[str, ...], ...]:
    """The word alphabets of ``lang`` (of every language when None)."""
    langs = [lang] if lang is not None else list(LANGS)
    return tuple(alphabet(code, name) for code in langs for name in ALPHABET_FILES if alphabet(code, name))


def token(words: tuple[tuple[str, ...], ...], kind: int, i: int) -> str:
    """Token ``i`` of family ``kind`` (0-9): digits 3/10, separators, spaces 2/10, odd
    code points 1/10, words 3/10. Drawing two integers is much cheaper for hypothesis
    than a ``one_of`` of many strategies, and shrinks as well."""
    if kind == 0:
        return str(i)
    if kind == 1:
        return str(i % 100)
    if kind == 2:
        return DIGIT_FORMS[i % len(DIGIT_FORMS)]
    if kind == 3:
        return SEPARATORS[i % len(SEPARATORS)]
    if kind in (4, 5):
        return SPACES[i % len(SPACES)]
    if kind == 6:
        return ODD[i % len(ODD)]
    table = words[i % len(words)]
    return table[(i // len(words)) % len(table)]


def texts(lang: str | None) -> st.SearchStrategy[str]:
    words = vocabulary(lang)
    pairs = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 2**20)), max_size=40)
    return pairs.map(lambda seq: "".join(token(words, kind, i) for kind, i in seq))


FREE_TEXT = st.text(
    st.one_of(
        st.characters(codec=None, categories=None),
        st.sampled_from(sorted({c for c in ODD + SEPARATORS + SPACES if len(c) == 1})),
    ),
    max_size=200,
)
OPTIONS = st.builds(
    Options,
    all_numbers=st.booleans(),
    kinds=st.sampled_from([None, frozenset({"date"}), frozenset({"casualties", "money", "number"})]),
)
REFERENCE = st.sampled_from([None, "2022-01-17", "1999-12-31", "2100-02-28"])

SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def check_facts(text: str, facts: list[Any]) -> str:
    """Spans and schema of every fact; returns the facts' JSON, for comparisons."""
    n = len(text)
    for fact in facts:
        assert 0 <= fact.start < fact.end <= n
        assert text[fact.start : fact.end] == fact.text
        payload = fact.model_dump_json()
        payload.encode("utf-8")  # strict UTF-8: no lone surrogate reaches the output
        validate_fact_json(payload)
    return "\n".join(f.model_dump_json() for f in facts)


def run_extract(text: str, lang: str | None, options: Options, reference: str | None) -> None:
    facts = extract(text, lang=lang, reference_date=reference, options=options)
    first = check_facts(text, facts)
    again = extract(text, lang=lang, reference_date=reference, options=options)
    assert "\n".join(f.model_dump_json() for f in again) == first


def run_analyze(text: str, lang: str | None, options: Options, reference: str | None) -> None:
    result = analyze(text, lang=lang, reference_date=reference, options=options)
    check_facts(text, result.facts)
    for rej in result.rejected:
        assert 0 <= rej.start <= rej.end <= len(text)
        assert text[rej.start : rej.end] == rej.text
    dumped = result.model_dump_json()
    dumped.encode("utf-8")
    again = analyze(text, lang=lang, reference_date=reference, options=options)
    assert again.model_dump_json() == dumped


Piece = str | tuple[str, str | None]


def _pieces(text: str, reference: str | None) -> list[Piece]:
    """The text, its thirds, and the text again as a (text, reference date) pair with
    another date: what the ``_many`` entry points get, in batches of two."""
    a, b = len(text) // 3, 2 * len(text) // 3
    other = None if reference is not None else "2022-01-17"
    return [text, text[:a], text[a:b], text[b:], (text, other)]


def _one_by_one(items: list[Piece], reference: str | None) -> list[tuple[str, str | None]]:
    """(text, reference date) of each item, as one ``extract()`` call each gets them."""
    return [item if isinstance(item, tuple) else (item, reference) for item in items]


def run_extract_many(text: str, lang: str | None, options: Options, reference: str | None) -> None:
    items = _pieces(text, reference)
    many = list(extract_many(items, lang=lang, reference_date=reference, options=options, batch_size=2))
    got = [check_facts(t, facts) for (t, _), facts in zip(_one_by_one(items, reference), many, strict=True)]
    want = [
        "\n".join(f.model_dump_json() for f in extract(t, lang=lang, reference_date=r, options=options))
        for t, r in _one_by_one(items, reference)
    ]
    assert got == want


def run_analyze_many(text: str, lang: str | None, options: Options, reference: str | None) -> None:
    items = _pieces(text, reference)
    many = list(analyze_many(items, lang=lang, reference_date=reference, options=options, batch_size=2))
    for (t, _), result in zip(_one_by_one(items, reference), many, strict=True):
        check_facts(t, result.facts)
    want = [
        analyze(t, lang=lang, reference_date=r, options=options).model_dump_json()
        for t, r in _one_by_one(items, reference)
    ]
    assert [result.model_dump_json() for result in many] == want


ENTRIES: dict[str, Callable[[str, str | None, Options, str | None], None]] = {
    "extract": run_extract,
    "analyze": run_analyze,
    "extract_many": run_extract_many,
    "analyze_many": run_analyze_many,
}


@pytest.mark.parametrize("lang", [None, *LANGS])
@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_vocabulary_texts(entry: str, lang: str | None) -> None:
    run = ENTRIES[entry]
    calls: list[str] = []

    @settings(SETTINGS, max_examples=EXAMPLES)
    @given(text=texts(lang), options=OPTIONS, reference=REFERENCE)
    def prop(text: str, options: Options, reference: str | None) -> None:
        calls.append(text)
        run(text, lang, options, reference)

    prop()
    assert len(calls) >= EXAMPLES  # the example count this file promises
    assert len(set(calls)) > EXAMPLES // 2


@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_arbitrary_unicode(entry: str) -> None:
    run = ENTRIES[entry]
    calls: list[str] = []

    @settings(SETTINGS, max_examples=FREE_EXAMPLES)
    @given(text=FREE_TEXT, options=OPTIONS, reference=REFERENCE)
    def prop(text: str, options: Options, reference: str | None) -> None:
        calls.append(text)
        run(text, None, options, reference)

    prop()
    assert len(calls) >= FREE_EXAMPLES


@pytest.mark.parametrize("lang", LANGS)
def test_alphabets_come_from_the_data(lang: str) -> None:
    """The generators really draw on each language's vocabulary (not an empty list)."""
    sizes = {name: len(alphabet(lang, name)) for name in ALPHABET_FILES}
    assert all(size >= 10 for size in sizes.values()), sizes


def test_kind_validators_agree_with_the_full_schema() -> None:
    """The per-kind shortcut gives the full schema's verdict, valid or not."""
    fact = extract("At least 225 people were killed.", lang="en")[0].model_dump(mode="json")
    broken = [{**fact, "value": -1}, {**fact, "kind": "aircraft"}, {**fact, "extra": 1}]
    for instance in [fact, *broken]:
        full = FULL_VALIDATOR.is_valid(instance)
        short = KIND_VALIDATORS[instance["kind"]].is_valid(instance)
        assert full == short, instance
    assert FULL_VALIDATOR.is_valid(fact)
    assert not any(FULL_VALIDATOR.is_valid(b) for b in broken)
