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
#: (timed rounds, warm-up rounds) by size. A 10 KB document takes about 3 ms and its
#: first few calls run up to 40 % slower than the rest (caches and the allocator warming
#: up): five rounds left its best time 10-25 % above its steady cost, which read as
#: non-linear growth. Each size now gets a few tenths of a second of rounds.
ROUNDS = {10: (60, 5), 100: (10, 2), 1_000: (3, 1), 10_000: (1, 0)}


@pytest.mark.parametrize("kb", SIZES_KB)
def test_document_length(benchmark: Any, kb: int) -> None:
    if kb > LINEAR_MAX_KB:
        pytest.skip(f"{kb} KB > QUANTITIES_BENCH_LINEAR_MAX_KB={LINEAR_MAX_KB}")
    text = document("en", kb * 1000)
    size = len(text.encode("utf-8"))
    options = Options(max_chars=len(text) + 1)
    analyze("At least 12 people were killed.", lang="en")
    benchmark.group = "document-length"
    rounds, warmup = ROUNDS[kb]

    cpu: list[float] = []

    def run() -> int:
        t = time.process_time()
        found = len(analyze(text, lang="en", reference_date="2022-01-17", options=options).facts)
        cpu.append(time.process_time() - t)
        return found

    benchmark.pedantic(run, rounds=rounds, iterations=1, warmup_rounds=warmup)
    median = benchmark.stats.stats.median
    # judged on the best CPU time: wall time on a shared machine moves by more than 20 %
    benchmark.extra_info.update(kb=kb, bytes=size, mb_per_s=round(size / median / 1e6, 4),
                                s_per_mb=round(min(cpu) / (size / 1e6), 4),
                                wall_s_per_mb=round(median / (size / 1e6), 4))
