"""Whole processes: cold start, ``quantities batch`` throughput, streaming peak memory.

Each runs the installed package in a fresh interpreter, as an analyst would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from news_corpus import batch_lines

from conftest import BATCH_DOCS, MEM_DOCS

COLD = (
    "from quantities import extract; "
    "extract('At least 225 people were killed and 4,350 injured on 9 January.', lang='en')"
)


def _python(code: str) -> None:
    subprocess.run([sys.executable, "-c", code], check=True)


def test_cold_start(benchmark: Any) -> None:
    """A fresh process that imports the package and extracts from one paragraph."""
    benchmark.group = "cold-start"
    benchmark.pedantic(_python, args=(COLD,), rounds=5, iterations=1, warmup_rounds=1)
    benchmark.extra_info["what"] = "python -c 'import quantities; extract(one paragraph)'"


def test_cold_start_bare_python(benchmark: Any) -> None:
    """The floor of the cold start: an interpreter that does nothing."""
    benchmark.group = "cold-start"
    benchmark.pedantic(_python, args=("pass",), rounds=5, iterations=1, warmup_rounds=1)


def _quantities_cmd() -> list[str]:
    exe = shutil.which("quantities")
    return [exe] if exe else [sys.executable, "-m", "quantities"]


def test_batch(benchmark: Any, tmp_path: Path) -> None:
    """``quantities batch IN.jsonl -o OUT.jsonl`` over BATCH_DOCS documents."""
    src = tmp_path / "in.jsonl"
    with src.open("wb") as f:
        f.writelines(batch_lines(BATCH_DOCS))
    dst = tmp_path / "out.jsonl"
    size = src.stat().st_size
    cmd = [*_quantities_cmd(), "batch", str(src), "-o", str(dst)]
    benchmark.group = "batch"
    # wall time, the figure a user sees (the default runs in one process; with --jobs N or
    # --isolate the work is done in worker processes, whose CPU time pytest's does not hold)
    benchmark.pedantic(subprocess.run, args=(cmd,), kwargs={"check": True}, rounds=1, iterations=1)
    with dst.open("rb") as written:
        lines = sum(1 for _ in written)
    assert lines == BATCH_DOCS
    seconds = benchmark.stats.stats.median
    benchmark.extra_info.update(docs=BATCH_DOCS, bytes=size, docs_per_s=round(BATCH_DOCS / seconds, 1),
                                mb_per_s=round(size / seconds / 1e6, 4))


def _rss_kb(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _tree_rss_kb(root: int) -> int | None:
    """Memory of ``root`` and all its descendants (batch's worker processes), from /proc."""
    parent: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    parent[int(entry)] = int(f.read().rpartition(")")[2].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        kids = [c for c, p in parent.items() if p == pid and c not in tree]
        tree.update(kids)
        frontier.extend(kids)
    sizes = [kb for pid in tree if (kb := _pss_kb(pid)) is not None]
    return sum(sizes) if sizes else None


def _pss_kb(pid: int) -> int | None:
    """Proportional set size: shared pages (the forked workers') counted once overall."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return _rss_kb(pid)
    return _rss_kb(pid)


def _feed(stdin: Any, ndocs: int) -> None:
    try:
        for line in batch_lines(ndocs):
            stdin.write(line)
    finally:
        stdin.close()


def test_streaming_peak_memory(benchmark: Any) -> None:
    """Peak RSS of ``quantities batch - -o /dev/null`` streaming MEM_DOCS documents.

    The documents are generated while the batch reads them (nothing on disk); RSS is
    sampled from /proc while it runs, so "flat" can be checked: the peak of the first
    quarter of the run against the peak of the last quarter, for the batch process and
    its worker processes together (``peak_tree_rss_mb``: the sum of their proportional
    set sizes, so pages the forked workers share count once); ``peak_rss_mb`` is the
    batch process's own peak RSS (getrusage).
    """
    samples: list[tuple[float, int]] = []
    tree_samples: list[tuple[float, int]] = []
    peak: dict[str, int] = {}

    def run() -> None:
        proc = subprocess.Popen([*_quantities_cmd(), "batch", "-", "-o", os.devnull],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        feeder = threading.Thread(target=_feed, args=(proc.stdin, MEM_DOCS))
        feeder.start()
        t0 = time.perf_counter()
        while True:  # wait4, not poll(): its rusage has the child's own peak RSS
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            rss = _rss_kb(proc.pid)
            if rss is not None:
                samples.append((time.perf_counter() - t0, rss))
            tree = _tree_rss_kb(proc.pid)
            if tree is not None:
                tree_samples.append((time.perf_counter() - t0, tree))
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        feeder.join()
        peak["kb"] = max(usage.ru_maxrss, *(kb for _, kb in samples))  # ru_maxrss: KB on Linux
        peak["code"] = proc.returncode

    benchmark.group = "batch"
    benchmark.pedantic(run, rounds=1, iterations=1)
    assert peak["code"] == 0, f"batch exited {peak['code']}"
    assert samples, "no RSS sample (no /proc?)"
    end = samples[-1][0]
    tree = tree_samples or samples  # judged on the batch and its workers together
    first = max((kb for t, kb in tree if t <= end / 4), default=0)
    last = max((kb for t, kb in tree if t >= 3 * end / 4), default=0)
    benchmark.extra_info.update(
        docs=MEM_DOCS,
        peak_rss_mb=round(peak["kb"] / 1024, 1),
        peak_tree_rss_mb=round(max((kb for _, kb in tree), default=0) / 1024, 1),
        first_quarter_peak_mb=round(first / 1024, 1),
        last_quarter_peak_mb=round(last / 1024, 1),
        docs_per_s=round(MEM_DOCS / benchmark.stats.stats.median, 1),
    )
