"""The seed articles end to end against their hand-made gold (tests/seeds/gold.jsonl).

Matching follows ../shared/tools/score.py: a fact matches a gold fact when its span
overlaps the anchor, its kind is the gold category and its value equals the gold value;
it is typed when the qualifier, unit and outcome agree too. Negatives: no fact may
overlap the anchor.
"""

from __future__ import annotations

from typing import Any

import pytest

from quantities import analyze

from conftest import ROOT, read_jsonl

SEEDS = ROOT / "tests" / "seeds"
GOLD = read_jsonl(SEEDS / "gold.jsonl")
ALIASES = {None: "exact"}


def _facts(doc: str, reference_date: str | None) -> tuple[str, list[dict[str, Any]]]:
    text = (SEEDS / doc).read_text(encoding="utf-8")
    return text, [f.model_dump(mode="json") for f in analyze(text, reference_date=reference_date).facts]


def _ref(doc: str) -> str | None:
    return next((g["reference_date"] for g in GOLD if g["doc"] == doc and g.get("reference_date")), None)


def _value_matches(gold: Any, fact: dict[str, Any]) -> bool:
    for v in (fact.get("value"), fact.get("low"), fact.get("high")):
        if v is None:
            continue
        if isinstance(gold, str) or isinstance(v, str):
            if str(v) == str(gold):
                return True
        elif abs(float(v) - float(gold)) <= 1e-9 * max(1.0, abs(float(gold))):
            return True
    return False


def _param(g: dict[str, Any], i: int) -> Any:
    label = f"{g['doc'][:3]}:{'neg' if g.get('negative') else g['category']}:{g['anchor'][:30]}"
    return pytest.param(g, id=f"{i}-{label}")


@pytest.mark.parametrize("gold", [_param(g, i) for i, g in enumerate(GOLD)])
def test_gold_fact(gold: dict[str, Any]) -> None:
    text, facts = _facts(gold["doc"], _ref(gold["doc"]))
    start = text.find(gold["anchor"])
    assert start >= 0
    end = start + len(gold["anchor"])
    over = [f for f in facts if f["start"] < end and start < f["end"]]
    if gold.get("negative"):
        assert not over, f"negative {gold['anchor']!r} hit by {over}"
        return
    attrs = gold.get("attrs") or {}
    kinds = {gold["category"], attrs.get("category_alt") or gold["category"]}
    hits = [f for f in over if f["kind"] in kinds and _value_matches(gold["value"], f)]
    if not gold.get("required", True) and not hits:
        pytest.skip("optional gold fact not found")
    assert hits, f"{gold['anchor']!r}: want {gold['category']}={gold['value']!r}, got {over}"
    fact = hits[0]
    wanted = {ALIASES.get(gold.get("qualifier"), gold.get("qualifier"))}
    if attrs.get("qualifier_alt"):
        wanted.add(attrs["qualifier_alt"])
    assert fact["qualifier"] in wanted
    if gold.get("unit"):
        assert fact["unit"] == gold["unit"]
    if attrs.get("outcome"):
        assert fact["outcome"] == attrs["outcome"]
    for f in facts:
        assert text[f["start"] : f["end"]] == f["text"]
