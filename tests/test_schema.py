"""The checked-in JSON Schemas match the models, and outputs validate against them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from quantities import Options, analyze
from quantities.schema import SCHEMAS, schema, schema_text

from conftest import ROOT

SCHEMA_DIR = ROOT / "schemas"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_checked_in_schema_has_not_drifted(name: str) -> None:
    file_name = SCHEMAS[name][0]
    on_disk = (SCHEMA_DIR / file_name).read_text(encoding="utf-8")
    assert on_disk == schema_text(name), (
        f"schemas/{file_name} is stale: run `quantities schema --write schemas`"
    )


def test_schema_header() -> None:
    s = schema("fact")
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"].startswith("urn:news-quantities:schema:fact:")


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "seeds").glob("*.txt"))]
    for path in sorted((ROOT / "tests" / "corpus").glob("*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line) if line.strip() else {}
            if isinstance(rec.get("text"), str):
                texts.append(rec["text"])
    return texts


def test_every_corpus_output_validates() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(Path(SCHEMA_DIR / "fact.schema.json").read_text()))
    n = 0
    for text in _texts():
        for fact in analyze(text, options=Options(all_numbers=True)).facts:
            validator.validate(fact.model_dump(mode="json"))
            n += 1
    assert n > 50
