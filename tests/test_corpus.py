"""The example corpora: one record per example, positives and negatives.

Record: {"text", "reference_date"?, "all_numbers"?, "expected": [{"surface", "kind"?, "value",
...any other fact field}], "absent": [substrings no fact may overlap], "source",
"xfail"?: reason}. An expected fact must match its surface exactly (the span is part of
the contract) and every field it lists.
"""

from __future__ import annotations

from typing import Any

import pytest

from quantities import Options, analyze

from conftest import CORPUS, read_jsonl

FILES = ("counts", "negatives", "numbers", "durations")
LANGS = ("en", "uk", "ru")


def _cases() -> list[Any]:
    cases = []
    for lang in LANGS:
        for name in FILES:
            path = CORPUS / lang / f"{name}.jsonl"
            if not path.exists():
                continue
            for i, rec in enumerate(read_jsonl(path)):
                marks = [pytest.mark.xfail(reason=rec["xfail"], strict=True)] if rec.get("xfail") else []
                cases.append(pytest.param(lang, rec, id=f"{lang}/{name}/{i}", marks=marks))
    return cases


def _same(want: Any, got: Any) -> bool:
    if isinstance(want, float) or isinstance(got, float):
        try:
            return abs(float(want) - float(got)) < 1e-9 * max(1.0, abs(float(want)))
        except (TypeError, ValueError):
            return False
    return bool(want == got)


@pytest.mark.parametrize(("lang", "rec"), _cases())
def test_example(lang: str, rec: dict[str, Any]) -> None:
    text = rec["text"]
    options = Options(all_numbers=bool(rec.get("all_numbers")))
    result = analyze(text, lang=lang, reference_date=rec.get("reference_date"), options=options)
    facts = [f.model_dump(mode="json") for f in result.facts]
    for fact in facts:
        assert text[fact["start"] : fact["end"]] == fact["text"]
    for want in rec.get("expected", []):
        candidates = [f for f in facts if f["text"] == want["surface"]]
        got = [(f["text"], f["kind"]) for f in facts]
        assert candidates, f"no fact with surface {want['surface']!r}; got {got}"
        fact = candidates[0]
        for key, value in want.items():
            if key == "surface":
                continue
            got_value = fact.get(key)
            assert _same(value, got_value), f"{want['surface']!r}: {key} = {got_value!r}, want {value!r}"
    for surface in rec.get("absent", []):
        start = text.find(surface)
        assert start >= 0, f"absent surface {surface!r} is not in the text"
        end = start + len(surface)
        hits = [f for f in facts if f["start"] < end and start < f["end"]]
        assert not hits, f"{surface!r} must not be a fact: {hits}"


def test_corpus_files_are_in_every_language() -> None:
    names = {p.name for p in (CORPUS / "en").glob("*.jsonl")}
    for lang in ("uk", "ru"):
        missing = names - {p.name for p in (CORPUS / lang).glob("*.jsonl")}
        assert not missing, f"{lang} lacks corpus files {sorted(missing)}"

