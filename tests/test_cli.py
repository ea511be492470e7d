"""The command line: batch keeps one line per input line; extract, schema, explain."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from quantities.cli import main

from conftest import ROOT

BATCH_SCHEMA = json.loads((ROOT / "schemas" / "batch-record.schema.json").read_text(encoding="utf-8"))


def _batch(tmp_path: Path, lines: list[bytes], *extra: str) -> tuple[int, list[dict[str, object]]]:
    src = tmp_path / "in.jsonl"
    dst = tmp_path / "out.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    code = main(["batch", str(src), "-o", str(dst), *extra])
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    return code, out


def test_batch_one_line_per_input_line_with_bad_lines(tmp_path: Path) -> None:
    good = {"id": "a", "text": "At least 225 people were killed.", "reference_date": "2022-01-17"}
    lines = [
        json.dumps(good).encode(),
        b"{not json",
        json.dumps({"id": "b"}).encode(),
        json.dumps({"id": "c", "text": 5}).encode(),
        json.dumps({"id": "d", "text": "x", "reference_date": "17/01/2022"}).encode(),
        b'{"id": "e", "text": "\xff\xfe"}',
        b"",
        json.dumps({"id": "f", "text": "x", "lang": "de"}).encode(),
        json.dumps(["a list"]).encode(),
        json.dumps(good).encode(),
    ]
    code, out = _batch(tmp_path, lines)
    assert code == 1
    assert len(out) == len(lines)
    types = [r["error"]["type"] if r["error"] else None for r in out]
    assert types == [None, "invalid_json", "missing_text", "invalid_type", "invalid_reference_date",
                     "invalid_utf8", "empty_line", "invalid_lang", "invalid_record", None]
    assert out[0]["facts"] == out[-1]["facts"] and out[0]["facts"]
    for rec in out:
        jsonschema.validate(rec, BATCH_SCHEMA)
        if rec["error"]:
            assert "line " in rec["error"]["message"]


def test_batch_clean_run_exits_zero(tmp_path: Path) -> None:
    code, out = _batch(tmp_path, [json.dumps({"id": 1, "text": "Ten soldiers arrived."}).encode()])
    assert code == 0
    assert out[0]["id"] == 1 and out[0]["facts"][0]["kind"] == "personnel"


def test_batch_all_numbers(tmp_path: Path) -> None:
    rec = json.dumps({"id": "n", "text": "The answer is 42"}).encode()
    _, plain = _batch(tmp_path, [rec])
    _, everything = _batch(tmp_path, [rec], "--all-numbers")
    assert plain[0]["facts"] == []
    assert [f["kind"] for f in everything[0]["facts"]] == ["number"]


def test_extract_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "a.txt"
    src.write_text("More than 4,350 were injured.", encoding="utf-8")
    assert main(["extract", str(src), "--format", "json"]) == 0
    facts = json.loads(capsys.readouterr().out)
    assert facts[0]["qualifier"] == "more_than" and facts[0]["outcome"] == "injured"
    assert main(["extract", str(src)]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["value"] == 4350
    assert main(["extract", str(src), "--format", "table"]) == 0
    assert "casualties" in capsys.readouterr().out


def test_explain_shows_rules_and_rejections(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "About 300 servicemen; Article 4"]) == 0
    out = capsys.readouterr().out
    assert "qualifier.approximately" in out
    assert "filter.label" in out


def test_schema_command_prints_the_fact_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["$id"].startswith("urn:news-quantities:schema:fact:")


def test_console_script_runs_as_module() -> None:
    cmd = [sys.executable, "-m", "quantities", "--help"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "batch" in proc.stdout


def test_bad_reference_date_option_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["extract", "-", "--reference-date", "yesterday"])
    assert exc.value.code == 2
