"""extract_many() and analyze_many(): many texts in batches, each stage over a batch.

The promise is exact: the results of ``extract()`` (``analyze()``) of each text, in
order, whatever the batch size, and the same errors at the same item. Compared here on
every text the tests ship (seed articles, the example corpora, the benchmark's
paragraphs of all three languages), with and without a reference date, and on texts
that are refused or too long.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date

import pytest
from test_determinism import corpus

from quantities import Options, analyze, analyze_many, extract, extract_many
from quantities.errors import UnknownLanguageError

from conftest import ROOT

ALL = Options(all_numbers=True)


def _texts() -> list[str]:
    """The determinism corpus and 60 KB of the benchmark's paragraphs per language."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from news_corpus import paragraphs  # type: ignore[import-not-found]

    texts = corpus()
    for lang in ("en", "uk", "ru"):
        texts += paragraphs(lang, 60_000)
    return texts


TEXTS = _texts()


def _dump(results: list[list[object]] | list[object]) -> list[str]:
    out = []
    for r in results:
        if isinstance(r, list):
            out.append("\n".join(f.model_dump_json() for f in r))
        else:
            out.append(r.model_dump_json())  # type: ignore[attr-defined]
    return out


@pytest.mark.parametrize("reference", [None, "2022-01-17"])
def test_analyze_many_equals_analyze_of_each(reference: str | None) -> None:
    assert len(TEXTS) > 700
    one = [analyze(t, reference_date=reference, options=ALL) for t in TEXTS]
    many = list(analyze_many(TEXTS, reference_date=reference, options=ALL))
    assert _dump(many) == _dump(one)  # type: ignore[arg-type]


@pytest.mark.parametrize("batch_size", [1, 3, 64, 10_000])
def test_extract_many_equals_extract_of_each(batch_size: int) -> None:
    texts = TEXTS[::3]
    one = [extract(t, lang="en" if i % 5 == 0 else None) for i, t in enumerate(texts)]
    # a language given for all is the same as given for each: run the two groups apart
    many_en = list(extract_many(texts[::5], lang="en", batch_size=batch_size))
    rest = [t for i, t in enumerate(texts) if i % 5]
    many_rest = list(extract_many(rest, batch_size=batch_size))
    assert _dump(many_en) == _dump(one[::5])  # type: ignore[arg-type]
    assert _dump(many_rest) == _dump([r for i, r in enumerate(one) if i % 5])  # type: ignore[arg-type]


def test_pairs_carry_their_own_reference_date() -> None:
    text = "On Monday 5 people were killed; 3 more died last week."
    items: list[str | tuple[str, date | str | None]] = [
        text, (text, "2022-01-17"), (text, date(2014, 3, 1)), (text, None)
    ]
    many = list(analyze_many(items, reference_date="2020-06-30", batch_size=2))
    refs = ["2020-06-30", "2022-01-17", date(2014, 3, 1), None]
    assert _dump(many) == _dump([analyze(text, reference_date=r) for r in refs])  # type: ignore[arg-type]
    assert [m.reference_date for m in many] == ["2020-06-30", "2022-01-17", "2014-03-01", None]


def test_a_too_long_text_is_told_and_the_others_run() -> None:
    options = Options(max_chars=20)
    texts = ["12 soldiers died.", "x" * 21 + " 5 people", "3 tanks were hit."]
    many = list(analyze_many(texts, options=options))
    assert _dump(many) == _dump([analyze(t, options=options) for t in texts])  # type: ignore[arg-type]
    assert [r.rule for r in many[1].rejected] == ["limits.max_chars"]
    assert [len(f) for f in extract_many(texts, options=options)] == [1, 0, 1]


@pytest.mark.parametrize(
    ("bad", "error"),
    [(12, TypeError), (("5 people", "yesterday"), ValueError), (("a", "b", "c"), TypeError)],
)
def test_a_refused_item_raises_after_the_results_before_it(bad: object, error: type[Exception]) -> None:
    items = ["12 soldiers died.", "No number.", bad, "3 tanks were hit."]
    got: list[list[object]] = []
    with pytest.raises(error):
        for facts in extract_many(items, batch_size=64):  # type: ignore[arg-type]
            got.append(list(facts))
    assert [[f.value for f in facts] for facts in got] == [[12], []]  # type: ignore[attr-defined]


def test_the_arguments_are_checked() -> None:
    with pytest.raises(UnknownLanguageError):
        list(extract_many(["5 people"], lang="de"))
    with pytest.raises(TypeError):
        list(extract_many("5 people"))  # one str: not an iterable of texts
    with pytest.raises(ValueError):
        list(extract_many(["5 people"], batch_size=0))
    assert list(extract_many([])) == []


def test_texts_are_read_a_batch_at_a_time() -> None:
    read: list[int] = []

    def texts() -> Iterator[str]:
        for i in range(10):
            read.append(i)
            yield f"{i + 1} people"

    results = extract_many(texts(), batch_size=4)
    first = next(results)
    assert [f.value for f in first] == [1]
    assert read == [0, 1, 2, 3]  # one batch read, no more
    assert [f.value for facts in results for f in facts] == list(range(2, 11))
