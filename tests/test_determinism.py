"""Issue 5, determinism: no clock, locale, time zone, hash seed, processing order or
process count changes the output. The same corpus is run in this process, again, in
reverse order, in a pool of worker processes, and in fresh interpreters with other
``PYTHONHASHSEED``, ``LC_ALL``, ``TZ`` and a fake clock; the outputs must be the same
bytes.

The corpus: the bundled seed articles, every text of the example corpora, and a few
strange strings (surrogates, marks, mixed scripts); each is analysed with and without a
reference date and with ``all_numbers``, so relative and partial dates, which would
depend on a clock if anything did, are part of the output.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from quantities import Options, analyze

from conftest import ROOT

ALL = Options(all_numbers=True)
REFERENCES = (None, "2022-01-17")
EXTRA = [
    "",
    "\ufeff12 people\u200f were killed yesterday, 5 km \ud800 away, on Thursday.",
    "Вчора загинули 5 людей; более 7 человек ранены в прошлый вторник; 3 days ago.",
    "On January 5 and 9 січня and 9 января, last March, next week, 2 030 осіб.",
]


def corpus() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "seeds").glob("*.txt"))]
    for path in sorted((ROOT / "tests" / "corpus").glob("*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line) if line.strip() else {}
            if isinstance(rec, dict) and isinstance(rec.get("text"), str):
                texts.append(rec["text"])
    return texts + EXTRA


def dump_one(text: str) -> bytes:
    """The analysis of ``text`` under every reference date, as UTF-8 JSON lines."""
    lines = [analyze(text, reference_date=ref, options=ALL).model_dump_json() for ref in REFERENCES]
    return "\n".join(lines).encode("utf-8") + b"\n"


def dump(texts: list[str]) -> bytes:
    return b"".join(dump_one(text) for text in texts)


# Run in a fresh interpreter: read the corpus (JSON, surrogates escaped) from argv[1],
# optionally fake the clock before quantities is imported, write the bytes to argv[2].
CHILD = r"""
import json, sys
if sys.argv[3] == "fake-clock":
    import datetime, time
    class FakeDate(datetime.date):
        @classmethod
        def today(cls):
            return cls(1971, 3, 4)
    class FakeDateTime(datetime.datetime):
        @classmethod
        def now(cls, tz=None):
            return cls(1971, 3, 4, 5, 6, 7, tzinfo=tz)
        @classmethod
        def utcnow(cls):
            return cls(1971, 3, 4, 5, 6, 7)
        @classmethod
        def today(cls):
            return cls(1971, 3, 4, 5, 6, 7)
    datetime.date, datetime.datetime = FakeDate, FakeDateTime
    time.time = lambda: 37_000_000.0
    time.time_ns = lambda: 37_000_000_000_000_000
sys.path.insert(0, sys.argv[4])
import test_determinism as t
texts = json.loads(open(sys.argv[1], encoding="ascii").read())
open(sys.argv[2], "wb").write(t.dump(texts))
"""


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return corpus()


@pytest.fixture(scope="module")
def expected(texts: list[str]) -> bytes:
    return dump(texts)


def test_corpus_is_not_trivial(texts: list[str], expected: bytes) -> None:
    assert len(texts) > 50
    assert expected.count(b'"kind":"date"') > 20
    assert expected.count(b'"anchor":"reference_date"') > 5


def test_twice_in_one_process(texts: list[str], expected: bytes) -> None:
    assert dump(texts) == expected


def test_order_does_not_matter(texts: list[str], expected: bytes) -> None:
    backwards = [dump_one(text) for text in reversed(texts)]
    assert b"".join(reversed(backwards)) == expected


def test_worker_processes(texts: list[str], expected: bytes) -> None:
    """Two fresh ``spawn`` workers (each with its own hash seed) give the same bytes."""
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        parts = list(pool.map(dump_one, texts, chunksize=7))
    assert b"".join(parts) == expected


ENVIRONMENTS = {
    "hashseed-0-C-locale": {"PYTHONHASHSEED": "0", "LC_ALL": "C", "TZ": "UTC"},
    "hashseed-4242-utf8-kiritimati": {
        "PYTHONHASHSEED": "4242", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "TZ": "Pacific/Kiritimati",
    },
    "hashseed-random-honolulu": {"PYTHONHASHSEED": "random", "LC_ALL": "POSIX", "TZ": "Pacific/Honolulu"},
}


@pytest.mark.parametrize("clock", ["real-clock", "fake-clock"])
@pytest.mark.parametrize("env_name", sorted(ENVIRONMENTS))
def test_fresh_interpreter(
    env_name: str, clock: str, texts: list[str], expected: bytes, tmp_path: Path
) -> None:
    source = tmp_path / "corpus.json"
    source.write_text(json.dumps(texts, ensure_ascii=True), encoding="ascii")
    out = tmp_path / "out.jsonl"
    env = {**os.environ, **ENVIRONMENTS[env_name]}
    env.pop("PYTHONIOENCODING", None)
    subprocess.run(
        [sys.executable, "-c", CHILD, str(source), str(out), clock, str(Path(__file__).parent)],
        env=env, check=True, cwd=tmp_path, timeout=600,
    )
    got = out.read_bytes()
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(expected).hexdigest()
    assert got == expected
