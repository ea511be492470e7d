"""The batch runner: one record per line in order, whatever goes wrong; the same bytes
for any number of jobs; time limits; interruption; Parquet; the Arrow-batch function."""

from __future__ import annotations

import gc
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_scale import synthetic_corpus, write_corpus

import quantities
import quantities.batch
from quantities.api import analyze
from quantities.batch import (
    Chunk,
    JsonlFormat,
    Progress,
    Span,
    file_spans,
    iter_batch,
    numbered_lines,
    process_line,
    read_span,
    run_chunk,
    run_span,
)
from quantities.cli import main
from quantities.models import (
    SCHEMA_VERSION,
    CasualtyFact,
    CountFact,
    DateFact,
    DurationFact,
    Extraction,
    MoneyFact,
    NumberFact,
    PercentFact,
    QuantityFact,
)
from quantities.options import Options

from conftest import ROOT, own_garbage, tracked_ids

GOOD = {"id": "good", "text": "At least 225 people were killed and more than 4,350 were injured.",
        "reference_date": "2022-01-17"}


# ---------------------------------------------------------------- injected per-document functions
# Module-level so that worker processes can import them by name.


def slow_on_marker(
    text: str, *, lang: str | None, reference_date: date | None, options: Options
) -> Extraction:
    """``analyze``, except that a text containing SLOW never finishes."""
    if "SLOW" in text:
        time.sleep(3600)
    return analyze(text, lang=lang, reference_date=reference_date, options=options)


def crash_on_marker(
    text: str, *, lang: str | None, reference_date: date | None, options: Options
) -> Extraction:
    """``analyze``, except that a text containing CRASH kills its process."""
    if "CRASH" in text:
        os._exit(3)
    return analyze(text, lang=lang, reference_date=reference_date, options=options)


def _run(lines: list[bytes], **kwargs: Any) -> list[dict[str, Any]]:
    numbered = list(enumerate(lines, start=1))
    out = b"".join(c.payload for c in iter_batch(numbered, Options(), JsonlFormat(), **kwargs))
    return [json.loads(line) for line in out.decode("utf-8").splitlines()]


# ---------------------------------------------------------------- every kind of bad line


def _mixed_lines() -> tuple[list[bytes], list[str | None]]:
    """Good lines between every kind of bad line, and the error type expected of each."""
    good = json.dumps(GOOD).encode()
    cases: list[tuple[bytes, str | None]] = [
        (good, None),
        (b"{not json", "invalid_json"),
        (json.dumps({"id": "no text"}).encode(), "missing_text"),
        (json.dumps({"id": "int text", "text": 5}).encode(), "invalid_type"),
        (json.dumps({"id": "bad date", "text": "x", "reference_date": "17/01/2022"}).encode(),
         "invalid_reference_date"),
        (json.dumps({"id": "huge", "text": "9 " * 600_000}).encode(), "input_too_long"),
        (b'{"id": "bytes", "text": "\xff\xfe"}', "invalid_utf8"),
        (b"", "empty_line"),
        (json.dumps({"id": "de", "text": "x", "lang": "de"}).encode(), "invalid_lang"),
        (b"[1, 2]", "invalid_record"),
        (b"[" * 100_000, "invalid_json"),
        (json.dumps({"id": "slow", "text": "SLOW 5 people"}).encode(), "timeout"),
        (json.dumps({"id": 7, "text": "Ten soldiers arrived on 6 January."}).encode(), None),
        (good, None),
    ]
    return [line for line, _ in cases], [kind for _, kind in cases]


@pytest.mark.parametrize(("jobs", "isolate"), [(1, False), (1, True), (2, False)])
def test_mixed_bad_lines_one_record_each_and_good_facts_unchanged(jobs: int, isolate: bool) -> None:
    lines, expected = _mixed_lines()
    out = _run(lines, jobs=jobs, timeout=2.0, analyzer=slow_on_marker, chunk_docs=3, isolate=isolate)
    assert len(out) == len(lines)
    assert [r["error"]["type"] if r["error"] else None for r in out] == expected
    for n, rec in enumerate(out, start=1):
        if rec["error"]:
            assert rec["error"]["message"].startswith(f"line {n}: "), rec
            assert rec["facts"] == []
    assert out[11]["id"] == "slow"
    clean = _run([line for line, kind in zip(lines, expected, strict=True) if kind is None], timeout=None)
    assert [r for r in out if not r["error"]] == clean
    assert clean[0]["facts"] and clean[1]["facts"]


def test_a_crashing_document_costs_only_its_own_record() -> None:
    lines = [json.dumps({"id": i, "text": "CRASH" if i == 4 else f"{i + 2} soldiers arrived."}).encode()
             for i in range(9)]
    out = _run(lines, jobs=2, timeout=30.0, analyzer=crash_on_marker, chunk_docs=4)
    assert [r["id"] for r in out] == list(range(9))
    assert out[4]["error"]["type"] == "worker_crashed" and "exit code 3" in out[4]["error"]["message"]
    assert all(r["error"] is None and r["facts"] for i, r in enumerate(out) if i != 4)


@pytest.mark.parametrize("isolate", [False, True])
def test_timeout_with_one_job_runs_on(isolate: bool) -> None:
    """In this process (a timer signal) or in a new worker (``isolate``)."""
    lines = [json.dumps({"id": i, "text": "SLOW" if i in (1, 2) else f"{i + 2} soldiers arrived."}).encode()
             for i in range(5)]
    t0 = time.monotonic()
    out = _run(lines, jobs=1, timeout=0.5, analyzer=slow_on_marker, isolate=isolate)
    assert time.monotonic() - t0 < 30
    types = [r["error"]["type"] if r["error"] else None for r in out]
    assert types == [None, "timeout", "timeout", None, None]
    assert out[1]["id"] == 1 and "time limit of 0.5 s" in out[1]["error"]["message"]


def test_the_in_process_time_limit_leaves_no_timer_behind() -> None:
    """The timer signal's handler is put back, no timer stays armed and the collector is
    back on, after a run with a timeout and after a run abandoned half-way."""
    lines = [json.dumps({"id": i, "text": "SLOW" if i == 1 else "5 people"}).encode() for i in range(6)]
    before = signal.getsignal(signal.SIGALRM)
    assert [r["error"]["type"] if r["error"] else None for r in _run(lines, jobs=1, timeout=0.3,
            analyzer=slow_on_marker)] == [None, "timeout", None, None, None, None]
    chunks = iter_batch(list(enumerate(lines, start=1)), Options(), JsonlFormat(), timeout=5.0, chunk_docs=1)
    next(chunks)
    chunks.close()
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert gc.isenabled()


def test_a_time_limit_off_the_main_thread_runs_in_a_worker() -> None:
    """No timer signal outside the main thread: the limit is kept by a worker process."""
    lines = [json.dumps({"id": i, "text": "SLOW" if i == 1 else "5 people"}).encode() for i in range(3)]
    found: list[list[dict[str, Any]]] = []
    thread = threading.Thread(target=lambda: found.append(_run(lines, jobs=1, timeout=0.5,
                                                                 analyzer=slow_on_marker)))
    thread.start()
    thread.join(60)
    assert [r["error"]["type"] if r["error"] else None for r in found[0]] == [None, "timeout", None]


@pytest.mark.parametrize(("marker", "kind"), [("SLOW", "timeout"), ("CRASH", "worker_crashed")])
def test_the_tasks_queued_behind_a_lost_document_run_again(marker: str, kind: str) -> None:
    """A worker holds the task it runs and the next one: when it is killed or dies, the
    document it was on becomes one error record, and everything else it held, done or
    not, comes out once, in order."""
    analyzer = slow_on_marker if marker == "SLOW" else crash_on_marker
    lines = [json.dumps({"id": i, "text": marker if i in (3, 8) else f"{i + 2} soldiers arrived."}).encode()
             for i in range(14)]
    out = _run(lines, jobs=1, timeout=0.5, analyzer=analyzer, chunk_docs=2, isolate=True)
    assert [r["id"] for r in out] == list(range(14))
    assert [i for i, r in enumerate(out) if r["error"]] == [3, 8]
    assert {out[3]["error"]["type"], out[8]["error"]["type"]} == {kind}
    assert out[8]["error"]["message"].startswith("line 9: ")
    assert all(r["facts"] for i, r in enumerate(out) if i not in (3, 8))


def test_the_cli_keeps_its_contract_with_a_time_limit(tmp_path: Path) -> None:
    """The historical command line (no --jobs, default time limit): one line per input
    line, in order, exit 1 when a record failed; schema-valid lines."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((ROOT / "schemas" / "batch-record.schema.json").read_text(encoding="utf-8"))
    lines, expected = _mixed_lines()
    lines = [ln for ln, kind in zip(lines, expected, strict=True) if kind != "timeout"]
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    assert main(["batch", str(src), "-o", str(dst)]) == 1
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert len(out) == len(lines)
    for rec in out:
        jsonschema.validate(rec, schema)
    good = json.dumps(GOOD).encode()
    src.write_bytes(good + b"\n" + good)  # no final line break: still a line
    assert main(["batch", str(src), "-o", str(dst)]) == 0
    assert len(dst.read_text(encoding="utf-8").splitlines()) == 2


def test_crlf_line_ends_are_line_ends() -> None:
    assert list(numbered_lines(io.BytesIO(b"a\r\nb\nc"))) == [(1, b"a"), (2, b"b"), (3, b"c")]


@pytest.mark.parametrize("seed", range(6))
def test_file_spans_hold_every_line_once_as_numbered_lines_reads_it(seed: int, tmp_path: Path) -> None:
    """Whatever the line ends (LF, CRLF, a lone CR, none at the end), the empty lines and
    the span and block sizes, the spans cover the file and their lines are the file's."""
    import random

    rng = random.Random(seed)
    for trial in range(150):
        parts = []
        for _ in range(rng.randint(0, 14)):
            parts.append(rng.choice([b"", b"a", b"\xff", b"q\r", b"\r", b"x" * rng.randint(0, 90)]))
            parts.append(rng.choice([b"\n", b"\r\n", b"\n\n"]))
        if parts and rng.random() < 0.5:
            parts.pop()  # no line break at the end
        data = b"".join(parts)
        path = tmp_path / f"in{trial}.jsonl"
        path.write_bytes(data)
        want = rng.randint(1, 40)
        with path.open("rb") as fh:
            spans = list(file_spans(fh, lambda start, want=want: want, block=rng.randint(1, 33)))
        assert [s.start for s in spans] == [sum(s.length for s in spans[:i]) for i in range(len(spans))]
        assert sum(s.length for s in spans) == len(data)
        assert all(s.length >= min(want, len(data) - s.start) for s in spans)
        lines = [line for s in spans for line in read_span(path, s)]
        assert lines == list(numbered_lines(io.BytesIO(data))), data


def test_a_span_is_run_from_the_file(tmp_path: Path) -> None:
    lines = [json.dumps(GOOD).encode(), b"{bad", json.dumps({"id": 3, "text": "Ten soldiers."}).encode()]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\r\n".join(lines))
    expected = run_chunk(list(numbered_lines(io.BytesIO(path.read_bytes()))), Options(), JsonlFormat())
    with path.open("rb") as fh:
        spans = list(file_spans(fh, lambda start: 1))
    assert len(spans) == 3
    got = [run_span(str(path), s, Options(), JsonlFormat()) for s in spans]
    assert b"".join(c.payload for c in got) == expected.payload
    assert [(c.first, c.docs, c.errors) for c in got] == [(1, 1, 0), (2, 1, 1), (3, 1, 0)]
    assert sum(c.nbytes for c in got) == expected.nbytes


def test_a_span_of_a_file_that_changed_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"a\nb\nc\n")
    assert read_span(path, Span(2, 4, 2, 2)) == [(2, b"b"), (3, b"c")]
    path.write_bytes(b"a\nbc\n")
    with pytest.raises(OSError, match="changed"):
        read_span(path, Span(2, 4, 2, 2))


def test_workers_fork_from_here_only_when_nothing_else_runs() -> None:
    """Forking a process that runs other threads can leave a lock locked in the child:
    then the workers fork from the fork server."""
    if not sys.platform.startswith("linux"):
        pytest.skip("fork is used on Linux only")
    alone = quantities.batch._single_threaded()
    assert quantities.batch._context().get_start_method() == ("fork" if alone else "forkserver")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not quantities.batch._single_threaded()
        assert quantities.batch._context().get_start_method() == "forkserver"
    finally:
        stop.set()
        thread.join()


def _run_alone(test: str) -> None:
    """Run one test of this file alone in a fresh pytest process (where fork is safe),
    importing this very package (not another checkout installed in the interpreter)."""
    root = str(Path(quantities.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"{__file__}::{test}"]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=600,
                          cwd=Path(__file__).parent, env=env)
    assert done.returncode == 0 and "1 passed" in done.stdout, done.stdout + done.stderr


@pytest.mark.parametrize("alone", [True, False])
def test_forked_and_fork_server_workers_give_the_same_records(
    alone: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers forked from here (no other thread) or from the fork server: the same
    records, time limits and crashes included."""
    if alone and not quantities.batch._single_threaded():
        # an earlier test left a thread running (a library's pool): fork is unsafe here,
        # so this case runs alone in a fresh test process
        if not sys.platform.startswith("linux"):
            pytest.skip("fork is used on Linux only")
        _run_alone("test_forked_and_fork_server_workers_give_the_same_records[True]")
        return
    monkeypatch.setattr(quantities.batch, "_single_threaded", lambda: alone)
    lines, expected = _mixed_lines()
    out = _run(lines, jobs=2, timeout=2.0, analyzer=slow_on_marker, chunk_docs=3)
    assert [r["error"]["type"] if r["error"] else None for r in out] == expected
    crash = [json.dumps({"id": i, "text": "CRASH" if i == 4 else f"{i + 2} soldiers arrived."}).encode()
             for i in range(9)]
    out = _run(crash, jobs=2, timeout=30.0, analyzer=crash_on_marker, chunk_docs=4)
    types = [r["error"]["type"] if r["error"] else None for r in out]
    assert types == [None] * 4 + ["worker_crashed"] + [None] * 4


def test_process_line_names_the_line_and_keeps_the_id() -> None:
    rec = process_line(b'{"id": "x", "text": 3}', 12, Options())
    assert rec.id == "x" and rec.error is not None and rec.error.message.startswith("line 12: ")
    assert process_line(b'{"id": ["odd"], "text": "5 people"}', 1, Options()).id == "['odd']"


# ---------------------------------------------------------------- determinism


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = write_corpus(tmp_path_factory.mktemp("batch") / "corpus.jsonl", 400)
    with path.open("ab") as fh:
        fh.write(b"{broken\n" + json.dumps({"id": "no text"}).encode() + b"\n")
    return path


def test_jobs_2_is_byte_identical_to_jobs_1_and_to_serial(corpus: Path, tmp_path: Path) -> None:
    outputs = []
    for extra in (["--timeout", "0"], ["--jobs", "1"], ["--jobs", "1", "--isolate"], ["--jobs", "2"]):
        dst = tmp_path / f"out{len(outputs)}.jsonl"
        assert main(["batch", str(corpus), "-o", str(dst), *extra]) == 1
        outputs.append(dst.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2] == outputs[3]
    assert outputs[0].count(b"\n") == 402


def test_chunking_does_not_change_the_output() -> None:
    lines = [line.encode() for line in synthetic_corpus(120, seed=3)]
    reference = _run(lines, timeout=None)
    for chunk_docs in (1, 7, 200):
        assert _run(lines, jobs=2, chunk_docs=chunk_docs) == reference


def test_no_hash_seed_locale_or_clock_changes_the_output(corpus: Path, tmp_path: Path) -> None:
    outputs = set()
    for seed, loc, tz, jobs in (("0", "C", "UTC", "1"), ("12345", "C.UTF-8", "Asia/Tokyo", "2")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "LC_ALL": loc, "LANG": loc, "TZ": tz}
        dst = tmp_path / f"out-{seed}.jsonl"
        proc = subprocess.run([sys.executable, "-m", "quantities", "batch", str(corpus), "-o", str(dst),
                               "--jobs", jobs], env=env, capture_output=True, check=False)
        assert proc.returncode == 1, proc.stderr
        outputs.add(dst.read_bytes())
    assert len(outputs) == 1


# ---------------------------------------------------------------- interruption and progress


def test_interrupt_leaves_a_valid_truncated_output(tmp_path: Path) -> None:
    src = write_corpus(tmp_path / "big.jsonl", 30_000, unit="paragraphs")
    dst = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "quantities", "batch", str(src), "-o", str(dst), "--jobs", "2"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while (not dst.exists() or dst.stat().st_size < 20_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C does: the workers get it too
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"interrupted" in err
    out = dst.read_text(encoding="utf-8")
    assert out.endswith("\n")
    ids = [json.loads(line)["id"] for line in out.splitlines()]
    assert 0 < len(ids) < 30_000
    assert ids == [f"d{i:06d}" for i in range(len(ids))]


def test_progress_line_and_silence_when_not_a_terminal(corpus: Path, tmp_path: Path) -> None:
    shown = io.StringIO()
    progress = Progress(shown, total_bytes=200, force=True)
    progress.update(Chunk(first=1, docs=3, facts=5, errors=1, nbytes=100, payload=b""))
    progress.close()
    line = shown.getvalue().strip().split("\r")[-1]
    assert line.startswith("3 docs (50%)") and "docs/s" in line and "5 facts" in line and "1 errors" in line
    cmd = [sys.executable, "-m", "quantities", "batch", str(corpus), "-o", str(tmp_path / "o")]
    proc = subprocess.run(cmd, capture_output=True, check=False)
    assert proc.returncode == 1 and proc.stderr == b""


# ---------------------------------------------------------------- Parquet and the Arrow function

FACT_MODELS = (
    CountFact, CasualtyFact, DateFact, DurationFact, QuantityFact, MoneyFact, PercentFact, NumberFact
)


def test_every_contract_field_has_a_column() -> None:
    pytest.importorskip("pyarrow")
    from quantities.arrow import FACT_COLUMNS

    fields = {name for model in FACT_MODELS for name in model.model_fields}
    assert fields <= set(FACT_COLUMNS), fields - set(FACT_COLUMNS)
    for name in ("value", "low", "high"):
        assert f"{name}_text" in FACT_COLUMNS


@pytest.fixture(scope="module")
def both_outputs(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    pytest.importorskip("pyarrow")
    tmp = tmp_path_factory.mktemp("outputs")
    jsonl, parquet = tmp / "out.jsonl", tmp / "out.parquet"
    assert main(["batch", str(corpus), "-o", str(jsonl)]) == 1
    assert main(["batch", str(corpus), "-o", str(parquet), "--format", "parquet", "--jobs", "2"]) == 1
    return jsonl, parquet


def test_parquet_rows_are_the_jsonl_facts(
    both_outputs: tuple[Path, Path], tmp_path: Path, corpus: Path
) -> None:
    import pyarrow.parquet as pq

    from quantities import __version__

    jsonl, parquet = both_outputs
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    table = pq.read_table(parquet)
    rows = table.to_pylist()
    facts = [r for r in rows if r["fact_index"] is not None]
    assert len(facts) == sum(len(r["facts"]) for r in records)
    assert {r["line"] for r in rows} == set(range(1, len(records) + 1))  # no document lost
    by_line = {}
    for row in facts:
        by_line.setdefault(row["line"], []).append(row)
    for line, rec in enumerate(records, start=1):
        for fact, row in zip(rec["facts"], by_line.get(line, []), strict=True):
            assert row["id"] == rec["id"]
            for key, value in fact.items():
                if key in ("value", "low", "high") and not isinstance(value, str):
                    assert row[key] == (None if value is None else float(value))
                    assert row[f"{key}_text"] == (None if value is None else str(value))
                elif key in ("value", "low", "high"):
                    assert row[f"{key}_text"] == value and row[key] is None
                else:
                    assert row[key] == value, key
    errors = [r for r in rows if r["error_type"]]
    assert [r["error_type"] for r in errors] == ["invalid_json", "missing_text"]
    assert {r["schema_version"] for r in rows} == {SCHEMA_VERSION}
    assert {r["extractor_version"] for r in rows} == {__version__}
    # The file's bytes do not depend on the number of jobs either.
    again = tmp_path / "again.parquet"
    assert main(["batch", str(corpus), "-o", str(again), "--format", "parquet", "--timeout", "0"]) == 1
    assert again.read_bytes() == parquet.read_bytes()


def test_duckdb_counts_agree_between_parquet_and_jsonl(both_outputs: tuple[Path, Path]) -> None:
    duckdb = pytest.importorskip("duckdb")
    jsonl, parquet = both_outputs
    con = duckdb.connect()
    per_kind_parquet = con.execute(
        f"SELECT kind, count(*) FROM '{parquet}' WHERE fact_index IS NOT NULL GROUP BY kind ORDER BY kind"
    ).fetchall()
    per_kind_jsonl = con.execute(
        f"""SELECT f->>'kind' AS kind, count(*) FROM (
              SELECT unnest(facts) AS f FROM read_json('{jsonl}', format='newline_delimited',
                                                       columns={{id: 'VARCHAR', facts: 'JSON[]'}})
            ) GROUP BY kind ORDER BY kind"""
    ).fetchall()
    assert per_kind_parquet == per_kind_jsonl and len(per_kind_parquet) > 3
    per_doc_parquet = con.execute(
        f"SELECT line, count(fact_index) FROM '{parquet}' GROUP BY line ORDER BY line"
    ).fetchall()
    per_doc_jsonl = [(n, len(json.loads(line)["facts"]))
                     for n, line in enumerate(jsonl.read_text(encoding="utf-8").splitlines(), start=1)]
    assert per_doc_parquet == per_doc_jsonl


def test_parquet_and_dask_need_their_extras(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    assert main(["batch", str(src), "--format", "parquet"]) == 2
    assert "-o OUTPUT" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.delitem(sys.modules, "quantities.arrow", raising=False)
    monkeypatch.delattr(quantities, "arrow", raising=False)
    assert main(["batch", str(src), "-o", str(tmp_path / "o.parquet"), "--format", "parquet"]) == 2
    assert "pip install 'news-quantities[parquet]'" in capsys.readouterr().err
    assert not (tmp_path / "o.parquet").exists()
    for name in ("dask", "dask.bag", "quantities.dask"):
        monkeypatch.setitem(sys.modules, name, None)
    assert main(["batch", str(src), "-o", str(tmp_path / "o.jsonl"), "--dask", "local"]) == 2
    assert "pip install 'news-quantities[dask]'" in capsys.readouterr().err


def test_arrow_batch_function_for_dask_ray_and_spark() -> None:
    pa = pytest.importorskip("pyarrow")
    from quantities.arrow import FACT_SCHEMA, SPARK_SCHEMA, extract_batch, extract_batches

    docs = pa.record_batch({
        "id": [1, 2, 3],
        "text": [GOOD["text"], None, "Nothing to count here."],
        "reference_date": [date(2022, 1, 17), None, None],
    })
    out = extract_batch(docs)
    assert isinstance(out, pa.RecordBatch) and out.schema.equals(FACT_SCHEMA)
    rows = out.to_pylist()
    assert [(r["id"], r["fact_index"], r["kind"], r["error_type"]) for r in rows] == [
        ("1", 0, "casualties", None), ("1", 1, "casualties", None),
        ("2", None, None, "missing_text"), ("3", None, None, None)]
    assert rows[2]["error_message"] == "row 1: no 'text' field"
    assert rows[0]["value"] == 225.0 and rows[0]["value_text"] == "225" and rows[0]["rules"]
    table = extract_batch(pa.Table.from_batches([docs]))  # Ray: map_batches(batch_format="pyarrow")
    assert isinstance(table, pa.Table) and table.to_pylist() == rows
    assert [b.to_pylist() for b in extract_batches(iter([docs, docs]))] == [rows, rows]  # Spark: mapInArrow
    assert SPARK_SCHEMA.startswith("`line` BIGINT, `id` STRING") and "`models` ARRAY<STRING>" in SPARK_SCHEMA
    with pytest.raises(ValueError, match="no 'text' column"):
        extract_batch(pa.record_batch({"body": ["x"]}))


@pytest.mark.parametrize(
    "option", [["--jobs", "-1"], ["--timeout", "-2"], ["--timeout", "nan"], ["--jobs", "x"]]
)
def test_bad_batch_options_are_usage_errors(option: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["batch", "-", *option])
    assert exc.value.code == 2


def test_parquet_row_groups_do_not_depend_on_chunks(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from quantities.arrow import ParquetSink, records_to_batch

    records = [(n, process_line(line.encode(), n, Options()))
               for n, line in enumerate(synthetic_corpus(40, seed=5), start=1)]
    files = []
    for cut in (1, 3, 40):
        sink = ParquetSink(tmp_path / f"cut{cut}.parquet", row_group_rows=10)
        for i in range(0, len(records), cut):
            sink.write(records_to_batch(records[i : i + cut]))
        assert not sink.path.exists()  # published only when closed
        sink.close()
        files.append(sink.path.read_bytes())
        meta = pq.ParquetFile(sink.path).metadata
        sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
        assert all(size == 10 for size in sizes[:-1]) and 0 < sizes[-1] <= 10
    assert files[0] == files[1] == files[2]


def test_lone_surrogate_id_keeps_every_record(tmp_path: Path) -> None:
    """An id with a lone surrogate cannot be UTF-8 JSON: it is written with U+FFFD."""
    src = tmp_path / "in.jsonl"
    dst = tmp_path / "out.jsonl"
    lines = '{"id": "\\ud800x", "text": "5 people"}\n{"id": "b", "text": "5 people"}\n'
    src.write_text(lines, encoding="utf-8")
    assert main(["batch", str(src), "-o", str(dst)]) == 0
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in out] == ["\ufffdx", "b"]
    assert out[0]["facts"] == out[1]["facts"] != []


def test_a_chunk_makes_no_reference_cycle() -> None:
    """run_chunk pauses the cyclic collector (quantities.gcpause): sound only because a
    chunk, bad lines included, leaves nothing for it."""
    import gc

    lines = [(i + 1, raw.encode("utf-8")) for i, raw in enumerate(synthetic_corpus(40))]
    lines += [(41, b"{not json"), (42, b'{"text": 5}'), (43, b"\xff\xfe")]
    run_chunk(lines, Options(), JsonlFormat())  # build the caches first
    own_garbage()
    gc.disable()
    try:
        before = tracked_ids()
        run_chunk(lines, Options(), JsonlFormat())
        assert own_garbage(before) == []
    finally:
        gc.enable()


# ---------------------------------------------------------------- groups of documents


def _group_lines() -> list[bytes]:
    texts = [f"{i + 2} soldiers arrived on 6 January." for i in range(40)]
    texts[21] = "MARK: 7 tanks were destroyed."
    return [json.dumps({"id": i, "text": t, "reference_date": "2022-01-17"}).encode()
            for i, t in enumerate(texts)]


def _group_clean() -> list[dict[str, Any]]:
    """The records one document at a time (an injected analyser: no groups)."""
    return _run(_group_lines(), timeout=None, analyzer=slow_on_marker)


def test_groups_give_the_records_of_one_document_at_a_time() -> None:
    lines, expected = _mixed_lines()
    lines = [line for line, kind in zip(lines, expected, strict=True) if kind != "timeout"] * 3
    one = _run(lines, timeout=None, analyzer=slow_on_marker, chunk_docs=64)  # no groups
    assert _run(lines, timeout=None, chunk_docs=64) == one
    assert _run(lines, timeout=30.0, chunk_docs=64) == one
    assert _run(_group_lines(), timeout=None) == _group_clean()


def _stuck_group(lines: Any, options: Options) -> list[Any]:
    if any(b"MARK" in raw for _, raw in lines):
        time.sleep(20)
    return quantities.batch.process_group.__wrapped__(lines, options)  # type: ignore[attr-defined]


def _failing_group(lines: Any, options: Options) -> list[Any]:
    if any(b"MARK" in raw for _, raw in lines):
        raise RuntimeError("a bug met in a group")
    return quantities.batch.process_group.__wrapped__(lines, options)  # type: ignore[attr-defined]


def _crashing_group(lines: Any, options: Options) -> list[Any]:
    if any(b"MARK" in raw for _, raw in lines):
        os._exit(3)
    return quantities.batch.process_group.__wrapped__(lines, options)  # type: ignore[attr-defined]


GROUP_FAULTS = {"stuck": _stuck_group, "failing": _failing_group, "crashing": _crashing_group}


def _with_group_fault(monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    real = quantities.batch.process_group
    faulty = GROUP_FAULTS[fault]
    faulty.__wrapped__ = real  # type: ignore[attr-defined]
    monkeypatch.setattr(quantities.batch, "process_group", faulty)


@pytest.mark.parametrize("fault", ["stuck", "failing"])
def test_a_group_past_the_limit_or_failing_runs_again_one_by_one(
    fault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In this process: a group stopped by the timer, or meeting a bug, has each of its
    documents run alone (here, without the fault): the records of a clean run."""
    _with_group_fault(monkeypatch, fault)
    t0 = time.monotonic()
    out = _run(_group_lines(), jobs=1, timeout=0.5, chunk_docs=64)
    assert time.monotonic() - t0 < 15
    assert out == _group_clean()


@pytest.mark.parametrize("fault", ["stuck", "crashing"])
def test_a_worker_stopped_in_a_group_has_its_documents_run_alone(
    fault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In worker processes forked from here (so that they have the faulty group): a
    worker killed in a group (time limit, crash) blames nobody; each document of the
    group runs again alone and gets its own record."""
    if not sys.platform.startswith("linux"):
        pytest.skip("fork is used on Linux only")
    if not quantities.batch._single_threaded():  # fork is unsafe: run alone in a fresh process
        _run_alone(f"test_a_worker_stopped_in_a_group_has_its_documents_run_alone[{fault}]")
        return
    assert quantities.batch._context().get_start_method() == "fork"
    _with_group_fault(monkeypatch, fault)
    t0 = time.monotonic()
    out = _run(_group_lines(), jobs=2, timeout=1.0, chunk_docs=64)
    assert time.monotonic() - t0 < 15
    assert out == _group_clean()
