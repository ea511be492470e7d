"""Where an English paragraph's time goes: a fixed cost per call, per number, per date.

Usage (from the repository root)::

    python3 scripts/cost_model.py

Prints three tables, all CPU time on this machine (best of five):

* **floor**: the bundled benchmark corpus (``benchmarks/news_corpus.py``, about 1 MB)
  through a bare digit scan, then the same through the scan plus one validated fact
  model per digit run (the models ``extract()`` returns, built as ``resolve`` builds
  them), then through ``extract()``. What is left between the second and the third is
  the work of reading each number's context.
* **per item**: one sentence of 150 characters with no number, then the same sentence
  with one item in it (a bare count, a casualty count, a sum of money, a percentage, a
  date), then ten such sentences with the item in each. From these: what a call costs
  with no item, what the first item adds (the stages' setup for a text that has one),
  and what each further item adds, stage by stage (the functions ``api._run`` calls,
  timed by wrapping them: each wrapper adds about 0.1 us a call).

``PYTHONPATH`` selects the checkout. The figures move by 5-10 % between runs on a busy
machine; the shares hardly move.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from news_corpus import paragraphs
from test_pump import cpu_seconds

from quantities import api, extract
from quantities.normalize import to_view
from quantities.resolve import _validate_facts

REFERENCE = "2022-01-17"
SENTENCE = ("The minister said that talks with the delegation would continue {}, adding that "
            "the government remained committed to a settlement. ")
NEUTRAL = "after the holidays"
ITEMS = {
    "bare count": "after 5 holidays",
    "casualties": "after 5 soldiers were killed",
    "money": "after $5 million",
    "percent": "after 25%",
    "date": "on 5 March",
}
STAGES = ["_prepare", "to_view", "_dates", "find_numbers", "split_numbers", "attach", "find_phrases",
          "_unglued", "_with_phrases", "_qualify_and_classify", "resolve"]
DIGITS = re.compile(r"\d+")


def floor() -> None:
    paras = paragraphs("en", 1_000_000)
    size = sum(len(p.encode("utf-8")) for p in paras)

    def scan() -> None:
        for p in paras:
            DIGITS.findall(p)

    def scan_and_models() -> None:
        for p in paras:
            view = to_view(p)
            payloads = [
                {"kind": "number", "start": m.start(), "end": m.end(), "text": p[m.start():m.end()],
                 "value": int(m.group()), "low": int(m.group()), "high": int(m.group()),
                 "low_inclusive": True, "high_inclusive": True, "qualifier": "exact", "unit": None,
                 "lang": "en", "rules": ["number.digits"]}
                for m in DIGITS.finditer(view)
            ]
            if payloads:
                _validate_facts(payloads, strict=True)

    def full() -> None:
        for p in paras:
            extract(p, lang="en", reference_date=REFERENCE)

    full()
    print(f"floor: {len(paras)} English paragraphs, {size / 1e6:.2f} MB")
    for name, fn in (("bare digit scan", scan), ("scan + one validated model per digit run", scan_and_models),
                     ("extract()", full)):
        cpu = cpu_seconds(fn, 5)
        print(f"  {name:42s} {cpu * 1000:7.1f} ms  {size / cpu / 1e6:6.2f} MB/s")


def per_item() -> None:
    spent: Counter[str] = Counter()

    def wrap(name: str) -> None:
        inner = getattr(api, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start

        setattr(api, name, timed)

    for name in STAGES:
        wrap(name)

    def cost(text: str, calls: int) -> dict[str, float]:
        """Microseconds a call, in all and by stage (the best of five rounds)."""
        for _ in range(100):
            extract(text, lang="en", reference_date=REFERENCE)
        best: tuple[float, dict[str, float]] | None = None
        for _ in range(5):
            spent.clear()
            start = time.perf_counter()
            for _ in range(calls):
                extract(text, lang="en", reference_date=REFERENCE)
            total = time.perf_counter() - start
            if best is None or total < best[0]:
                best = (total, dict(spent))
        assert best is not None
        return {"all": best[0] / calls * 1e6} | {k: v / calls * 1e6 for k, v in best[1].items()}

    one_none, ten_none = cost(SENTENCE.format(NEUTRAL), 2000), cost(SENTENCE.format(NEUTRAL) * 10, 400)
    print(f"\nper item: a sentence with no number costs {one_none['all']:.1f} us a call "
          f"({len(SENTENCE.format(NEUTRAL))} characters); ten of them {ten_none['all']:.1f} us")
    rows = ["all", *STAGES]
    print(f"  {'':12s} {'':6s} " + " ".join(f"{r.strip('_')[:9]:>9s}" for r in rows))
    for label, item in ITEMS.items():
        one = cost(SENTENCE.format(item), 2000)
        ten = cost(SENTENCE.format(item) * 10, 400)
        each = {r: ((ten[r] - ten_none.get(r, 0.0)) - (one[r] - one_none.get(r, 0.0))) / 9 for r in rows}
        first = {r: one[r] - one_none.get(r, 0.0) - each[r] for r in rows}
        print(f"  {label:12s} {'first':6s} " + " ".join(f"{first[r]:9.1f}" for r in rows))
        print(f"  {'':12s} {'each':6s} " + " ".join(f"{each[r]:9.1f}" for r in rows))


if __name__ == "__main__":
    floor()
    per_item()
