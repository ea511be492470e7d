"""Shared fixtures of the benchmarks: the corpora, sizes from the environment, helpers.

Sizes (environment variables, defaults are the figures of the README):

* ``QUANTITIES_BENCH_KB``: KB of paragraphs per language for ``extract()`` (1000);
* ``QUANTITIES_BENCH_Q3_KB``: KB of English paragraphs for the quantulum3 comparison (200);
* ``QUANTITIES_BENCH_BATCH_DOCS``: documents for ``quantities batch`` (20000);
* ``QUANTITIES_BENCH_MEM_DOCS``: documents for the streaming peak-memory run (100000);
* ``QUANTITIES_BENCH_LINEAR_MAX_KB``: largest document of the linearity run (10000);
* ``QUANTITIES_BENCH_SHARED``: ``0`` to leave out ``../shared/corpora`` even when present;
* ``QUANTITIES_BENCH_ROUNDS``: timed rounds of each extract figure (5).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from news_corpus import LANGS, paragraphs, shared_paragraphs

from quantities.errors import DataError

KB = int(os.environ.get("QUANTITIES_BENCH_KB", "1000"))
Q3_KB = int(os.environ.get("QUANTITIES_BENCH_Q3_KB", "200"))
BATCH_DOCS = int(os.environ.get("QUANTITIES_BENCH_BATCH_DOCS", "20000"))
MEM_DOCS = int(os.environ.get("QUANTITIES_BENCH_MEM_DOCS", "100000"))
LINEAR_MAX_KB = int(os.environ.get("QUANTITIES_BENCH_LINEAR_MAX_KB", "10000"))
USE_SHARED = os.environ.get("QUANTITIES_BENCH_SHARED", "1") != "0"
ROUNDS = int(os.environ.get("QUANTITIES_BENCH_ROUNDS", "5"))

#: The bare scan every extract figure is divided by: digit runs, nothing else.
DIGIT_RUN = re.compile(r"\d+")

SOURCES = ("bundled", "shared")


def nbytes(paras: list[str]) -> int:
    return sum(len(p.encode("utf-8")) for p in paras)


def corpus(lang: str, source: str, kb: int = KB) -> list[str]:
    """The paragraphs of one language and source, or skip when the source is absent."""
    if source == "bundled":
        return paragraphs(lang, kb * 1000)
    if not USE_SHARED:
        pytest.skip("QUANTITIES_BENCH_SHARED=0")
    found = shared_paragraphs(lang, kb * 1000)
    if not found:
        pytest.skip(f"../shared/corpora/news_{lang}.jsonl is absent")
    return found


def language_ready(lang: str) -> None:
    """Skip when the language's data files are not there yet (built and validated here)."""
    from quantities import extract

    try:
        extract("12", lang=lang)
    except (DataError, KeyError) as exc:  # a data file or section still being written
        pytest.skip(f"{lang}: language data not complete ({type(exc).__name__}: {exc})")


def throughput(benchmark: Any, size: int, fn: Callable[[], object], **info: Any) -> None:
    """Benchmark ``fn`` and record its size and MB/s (median) in the JSON's extra_info."""
    benchmark(fn)
    median = benchmark.stats.stats.median
    benchmark.extra_info.update(info)
    benchmark.extra_info["bytes"] = size
    benchmark.extra_info["mb_per_s"] = round(size / median / 1e6, 4)


@pytest.fixture(params=LANGS)
def lang(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture(params=SOURCES)
def source(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value
