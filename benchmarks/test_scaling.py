"""How cost grows with document length: one document of 10 KB, 100 KB, 1 MB, 10 MB.

The time per byte must stay flat (linear cost): ``check.py`` reports each size's
CPU seconds per MB against the smallest document's.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from news_corpus import document

from quantities import analyze
from quantities.options import Options

from conftest import LINEAR_MAX_KB

SIZES_KB = [10, 100, 1_000, 10_000]


@pytest.mark.parametrize("kb", SIZES_KB)
def test_document_length(benchmark: Any, kb: int) -> None:
    if kb > LINEAR_MAX_KB:
        pytest.skip(f"{kb} KB > QUANTITIES_BENCH_LINEAR_MAX_KB={LINEAR_MAX_KB}")
    text = document("en", kb * 1000)
    size = len(text.encode("utf-8"))
    options = Options(max_chars=len(text) + 1)
    analyze("At least 12 people were killed.", lang="en")
    benchmark.group = "document-length"
    rounds = 5 if kb <= 100 else (3 if kb <= 1_000 else 1)

    cpu: list[float] = []

    def run() -> int:
        t = time.process_time()
        found = len(analyze(text, lang="en", reference_date="2022-01-17", options=options).facts)
        cpu.append(time.process_time() - t)
        return found

    benchmark.pedantic(run, rounds=rounds, iterations=1, warmup_rounds=1 if kb <= 1_000 else 0)
    median = benchmark.stats.stats.median
    # judged on the best CPU time: wall time on a shared machine moves by more than 20 %
    benchmark.extra_info.update(kb=kb, bytes=size, mb_per_s=round(size / median / 1e6, 4),
                                s_per_mb=round(min(cpu) / (size / 1e6), 4),
                                wall_s_per_mb=round(median / (size / 1e6), 4))
