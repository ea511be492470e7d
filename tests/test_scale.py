"""Large runs: Dask gives the serial output, memory stays flat, and a measurement script.

The tests build synthetic corpora from the bundled seed articles (sentences and
paragraphs recombined with a fixed random seed), so they need nothing from outside.

Run as a script to measure throughput and peak memory (not part of the test suite):

    python tests/test_scale.py --docs 20000 [--corpus /path/news.jsonl]

prints documents/s for the in-process serial run, ``--jobs 1`` (the default: in this
process, with the time limit kept by a timer signal), ``--jobs 1 --isolate`` (one worker
process),
``--jobs 2``, ``--dask local`` (a 2-worker cluster started by the command) and ``--dask``
on an already running 2-worker cluster, the speed-ups, the CPU time of the command's
process tree, and the peak RSS of the parent and of its largest child at a quarter of
the input and at all of it. (The running cluster's own CPU and memory are not counted.)
Each line ends with the CPU time that other processes took on the machine during the
run (Linux): on a shared machine the wall times and speed-ups mean little when it is
more than a small fraction of the wall time.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT

SEEDS = ROOT / "tests" / "seeds"


@cache
def _pieces(unit: str) -> tuple[str, ...]:
    paras = [p.strip() for path in sorted(SEEDS.glob("*.txt"))
             for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    if unit == "paragraphs":
        return tuple(paras)
    return tuple(s for p in paras for s in re.split(r"(?<=[.!?])\s+", p) if len(s) > 20)


def synthetic_corpus(n: int, *, seed: int = 0, unit: str = "sentences", most: int = 3) -> Iterator[str]:
    """``n`` JSON lines ``{"id", "text", "reference_date"}``, each text 1 to ``most``
    seed sentences (or paragraphs) drawn with a fixed seed."""
    pieces = _pieces(unit)
    rng = random.Random(seed)
    for i in range(n):
        text = " ".join(rng.sample(pieces, rng.randint(1, most)))
        ref = f"2022-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        yield json.dumps({"id": f"d{i:06d}", "text": text, "reference_date": ref}, ensure_ascii=False)


def write_corpus(path: Path, n: int, **kwargs: Any) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for line in synthetic_corpus(n, **kwargs):
            fh.write(line + "\n")
    return path


def serial_output(src: Path) -> bytes:
    """The reference: everything in this process, one document after another."""
    from quantities.batch import JsonlFormat, iter_batch, numbered_lines
    from quantities.options import Options

    with src.open("rb") as fh:
        chunks = iter_batch(numbered_lines(fh), Options(), JsonlFormat(), timeout=None)
        return b"".join(c.payload for c in chunks)


# ---------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0", silence_logs=logging.ERROR) as lc:
        yield lc


@pytest.fixture(scope="module")
def corpus_10k(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    src = write_corpus(tmp_path_factory.mktemp("scale") / "10k.jsonl", 10_000)
    return src, serial_output(src)


def test_dask_bag_over_10k_documents_equals_the_serial_run(
    cluster: Any, corpus_10k: tuple[Path, bytes]
) -> None:
    import dask.bag as db
    from distributed import Client

    from quantities.dask import extract_jsonl

    src, serial = corpus_10k
    with Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        bag = db.read_text(str(src), blocksize="256KiB")
        assert bag.npartitions >= 4
        lines = extract_jsonl(bag).compute()
    assert len(lines) == 10_000
    assert "".join(line + "\n" for line in lines).encode("utf-8") == serial


def test_cli_on_a_dask_scheduler_is_byte_identical(cluster: Any, corpus_10k: tuple[Path, bytes],
                                                   tmp_path: Path) -> None:
    from quantities.cli import main

    src, serial = corpus_10k
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out), "--dask", cluster.scheduler_address]) == 0
    assert out.read_bytes() == serial


def test_cli_on_a_local_dask_cluster(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from quantities.cli import main

    src = write_corpus(tmp_path / "in.jsonl", 50)
    with src.open("a", encoding="utf-8") as fh:
        fh.write("{bad\n")
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(src), "-o", str(out), "--dask", "local", "--jobs", "1"]) == 1
    assert out.read_bytes() == serial_output(src)
    # several spans of a file with every kind of bad line, two workers reading them
    src = _awkward_corpus(tmp_path / "awkward.jsonl", 700)
    assert src.stat().st_size > 3 * (64 << 10)
    assert main(["batch", str(src), "-o", str(out), "--dask", "local", "--jobs", "2"]) == 1
    assert out.read_bytes() == serial_output(src)


def _awkward_corpus(path: Path, n: int) -> Path:
    """``n`` documents with bad lines among them: CRLF line ends, an empty line, invalid
    UTF-8 and JSON, and no line break at the end."""
    docs = list(synthetic_corpus(n, seed=5))
    with path.open("wb") as fh:
        for i, doc in enumerate(docs):
            fh.write(doc.encode("utf-8") + (b"\r\n" if i % 7 == 3 else b"\n"))
            if i % 50 == 10:
                fh.write(b"{bad\n\n" + b'{"id": "x", "text": "\xff 5 people"}\n')
        fh.write(b'{"id": "last", "text": "Ten soldiers arrived."}')
    return path


def test_local_dask_workers_read_their_spans_of_the_file(cluster: Any, tmp_path: Path) -> None:
    """Given the path, the workers read byte ranges of the file: the same bytes as the
    serial run, for any span size, and the lines sent from here (a remote scheduler
    without the file) too."""
    from quantities.batch import JsonlFormat, numbered_lines
    from quantities.dask import iter_batch_distributed
    from quantities.options import Options

    src = _awkward_corpus(tmp_path / "in.jsonl", 300)
    serial = serial_output(src)
    assert serial.count(b"\n") == src.read_bytes().count(b"\n") + 1
    address = cluster.scheduler_address
    for span_bytes in (1, 5_000, 1 << 20):
        chunks = list(iter_batch_distributed(str(src), Options(), JsonlFormat(), address=address,
                                             span_bytes=span_bytes))
        assert b"".join(c.payload for c in chunks) == serial
        assert [c.first for c in chunks] == [1, *(c.first + c.docs for c in chunks[:-1])]
    with src.open("rb") as fh:
        chunks = list(iter_batch_distributed(numbered_lines(fh), Options(), JsonlFormat(), address=address,
                                             chunk_docs=16))
    assert b"".join(c.payload for c in chunks) == serial


def test_a_dask_run_asked_to_stop_gives_whole_chunks_from_the_start(cluster: Any, tmp_path: Path) -> None:
    from quantities.batch import JsonlFormat
    from quantities.dask import iter_batch_distributed
    from quantities.options import Options

    src = _awkward_corpus(tmp_path / "in.jsonl", 200)
    serial = serial_output(src)
    seen: list[int] = []
    got = b""
    for chunk in iter_batch_distributed(str(src), Options(), JsonlFormat(), address=cluster.scheduler_address,
                                        span_bytes=4_000, stop=lambda: len(seen) >= 3):
        seen.append(chunk.docs)
        got += chunk.payload
    assert len(seen) == 3
    assert got == serial[:len(got)] and got.count(b"\n") == sum(seen) < serial.count(b"\n")


def test_dask_dataframe_gives_the_arrow_rows(cluster: Any, corpus_10k: tuple[Path, bytes]) -> None:
    pd = pytest.importorskip("pandas")
    import dask.dataframe as dd
    import pyarrow as pa
    from distributed import Client

    from quantities.arrow import FACT_COLUMNS, extract_batch
    from quantities.dask import extract_dataframe

    src, _ = corpus_10k
    docs = pd.DataFrame([json.loads(line) for line in src.read_text(encoding="utf-8").splitlines()[:2000]])
    with Client(cluster):
        got = extract_dataframe(dd.from_pandas(docs, npartitions=4)).compute()
    assert list(got.columns) == list(FACT_COLUMNS)
    expected = extract_batch(pa.Table.from_pandas(docs, preserve_index=False)).to_pylist()
    assert pa.Table.from_pandas(got.reset_index(drop=True), preserve_index=False).to_pylist() == expected


def test_dask_bag_of_dicts_or_bytes_names_bad_items() -> None:
    db = pytest.importorskip("dask.bag")
    from quantities.dask import extract_bag

    items = [{"id": 1, "text": "Ten soldiers arrived."}, {"id": 2},
             b'{"id": 3, "text": "5 people"}\n', "{bad"]
    out = extract_bag(db.from_sequence(items, npartitions=2)).compute(scheduler="sync")
    assert [r["id"] for r in out] == [1, 2, 3, None]
    assert out[0]["facts"][0]["kind"] == "personnel" and out[2]["facts"]
    assert out[1]["error"] == {"type": "missing_text", "message": "partition 0 item 1: no 'text' field"}
    assert out[3]["error"]["type"] == "invalid_json"
    assert out[3]["error"]["message"].startswith("partition 1 item 1: ")


# ---------------------------------------------------------------- memory


@dataclass
class Profile:
    wall: float  # seconds
    cpu: float  # seconds of CPU, the process and all its descendants
    parent_rss: int  # peak RSS of the process, bytes
    child_rss: int  # peak RSS of its largest descendant, bytes
    parent_cpu: float = 0.0  # seconds of CPU of the process itself
    child_cpu: float = 0.0  # seconds of CPU of its busiest descendant


def profile(argv: list[str]) -> Profile:
    """Run ``argv`` and watch its process tree every 20 ms with psutil (which
    ``distributed`` brings): wall time, CPU time, peak memory."""
    psutil = pytest.importorskip("psutil")
    t0 = time.perf_counter()
    proc = psutil.Popen(argv, stdout=subprocess.DEVNULL)
    rss: dict[int, int] = {}
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        with contextlib.suppress(psutil.NoSuchProcess):
            for p in [proc, *proc.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess), p.oneshot():
                    rss[p.pid] = max(rss.get(p.pid, 0), p.memory_info().rss)
                    times = p.cpu_times()
                    cpu[p.pid] = times.user + times.system
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    assert proc.returncode == 0, argv
    parent = rss.pop(proc.pid, 0)
    total = sum(cpu.values())
    parent_cpu = cpu.pop(proc.pid, 0.0)
    child_cpu = max(cpu.values(), default=0.0)
    return Profile(wall, total, parent, max(rss.values(), default=0), parent_cpu, child_cpu)


def test_parallel_run_memory_is_flat_in_input_size(tmp_path: Path) -> None:
    """Four times the input, the same peak memory (within a few MB of noise): the
    runner streams, it never holds the corpus or the output."""
    small = write_corpus(tmp_path / "small.jsonl", 1_500, most=1)
    large = write_corpus(tmp_path / "large.jsonl", 6_000, most=1)
    cmd = [sys.executable, "-m", "quantities", "batch", "--jobs", "2", "-o", "-"]
    before, after = profile([*cmd, str(small)]), profile([*cmd, str(large)])
    mb = 1 << 20
    assert after.parent_rss - before.parent_rss < 8 * mb, (before, after)
    assert after.child_rss - before.child_rss < 8 * mb, (before, after)


# ---------------------------------------------------------------- the measurement script


def _busy_seconds() -> float:  # pragma: no cover - part of the measurement script
    """CPU seconds the whole machine has spent busy since boot (0 where unknown)."""
    try:
        fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - a measurement, not a test
    import argparse
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--unit", choices=["sentences", "paragraphs"], default="paragraphs")
    ap.add_argument("--corpus", type=Path, help="use this JSONL corpus (cycled up to --docs) instead")
    ap.add_argument("--most", type=int, default=3, help="most seed pieces per synthetic document")
    ap.add_argument("--only", nargs="*", help="run only the settings whose names contain these words")
    args = ap.parse_args(argv)
    mb = 1 << 20
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        if args.corpus:
            lines = [ln for ln in args.corpus.read_text(encoding="utf-8").splitlines() if ln.strip()]
            src.write_text("".join(lines[i % len(lines)] + "\n" for i in range(args.docs)), encoding="utf-8")
        else:
            write_corpus(src, args.docs, unit=args.unit, most=args.most)
        quarter = Path(tmp) / "quarter.jsonl"
        with src.open("rb") as fh:
            quarter.write_bytes(b"".join(line for _, line in zip(range(args.docs // 4), fh, strict=False)))
        out = Path(tmp) / "out.jsonl"
        settings = {
            "serial (--timeout 0)": ["--timeout", "0"],
            "--jobs 1 (default: one process, a timer signal)": ["--jobs", "1"],
            "--jobs 1 --isolate (1 worker)": ["--jobs", "1", "--isolate"],
            "--jobs 2": ["--jobs", "2"],
            "--dask local, 2 workers": ["--dask", "local", "--jobs", "2"],
        }
        if args.only:
            settings = {k: v for k, v in settings.items() if any(w in k for w in args.only)}
        results: dict[str, Profile] = {}
        out_serial = b""
        digests = set()
        cluster = None
        if not args.only or any("running" in w for w in args.only):
            import logging

            import dask
            from distributed import LocalCluster

            with dask.config.set({"distributed.admin.low-level-log-length": 8}):
                cluster = LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=":0",
                                       silence_logs=logging.ERROR)
            subprocess.run([sys.executable, "-m", "quantities", "batch", str(quarter), "-o", str(out),
                            "--dask", cluster.scheduler_address], check=True)  # workers warm
            settings["--dask on a running 2-worker cluster"] = ["--dask", cluster.scheduler_address]
        for name, extra in settings.items():
            cmd = [sys.executable, "-m", "quantities", "batch", "-o", str(out), *extra]
            small = profile([*cmd, str(quarter)])
            busy = -_busy_seconds() + time.process_time()  # the watching here is not "others"
            results[name] = full = profile([*cmd, str(src)])
            busy += _busy_seconds() - time.process_time()
            digests.add(hash(out.read_bytes()))
            if name.startswith("serial"):
                out_serial = out.read_bytes()
            print(f"{name:24} {full.wall:7.1f} s wall {args.docs / full.wall:7.0f} docs/s  "
                  f"cpu {full.cpu:6.1f} s (parent {full.parent_cpu:4.1f}, "
                  f"busiest child {full.child_cpu:4.1f})"
                  f"  peak RSS parent {small.parent_rss / mb:5.0f} -> "
                  f"{full.parent_rss / mb:5.0f} MB, largest child {small.child_rss / mb:5.0f} -> "
                  f"{full.child_rss / mb:5.0f} MB ({args.docs // 4} -> {args.docs} docs)"
                  f"  others' cpu {max(0.0, busy - full.cpu):4.1f} s", flush=True)
        base = results.get("serial (--timeout 0)")
        if base:
            for name, r in results.items():
                print(f"speed-up {name:24} {base.wall / r.wall:5.2f}x wall; "
                      f"CPU {r.cpu / base.cpu:5.2f}x the serial run's")
        if cluster is not None:
            import dask.bag as db
            from distributed import Client

            from quantities.dask import extract_jsonl

            with Client(cluster):
                t0 = time.perf_counter()
                extract_jsonl(db.read_text(str(src), blocksize="1MiB")).to_textfiles(f"{tmp}/bag/*.jsonl")
                wall = time.perf_counter() - t0
            parts = sorted(Path(tmp, "bag").glob("*.jsonl"), key=lambda p: int(p.stem))
            bag_out = b"".join(p.read_bytes().rstrip(b"\n") + b"\n" for p in parts if p.stat().st_size)
            print(f"{'dask.bag on the running cluster':32} {wall:7.1f} s wall {args.docs / wall:7.0f} docs/s"
                  + (f"  {base.wall / wall:5.2f}x serial" if base else "")
                  + f"  ({len(parts)} partitions; same records as serial: {bag_out == out_serial})")
            cluster.close()
        print("outputs identical:", len(digests) == 1)


if __name__ == "__main__":  # pragma: no cover
    sys.path.insert(0, str(Path(__file__).parent))
    main()
