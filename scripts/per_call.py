"""The cost of calling ``extract()`` once per paragraph rather than once per long document.

Usage (from the repository root)::

    python3 scripts/per_call.py [en uk ru]

Runs ``extract()`` over the bundled benchmark corpus (``benchmarks/news_corpus.py``, about
1 MB per language) twice: paragraph by paragraph, as the throughput benchmark does, and
with every 40 paragraphs joined into one document. Prints the CPU time of each (best of
three), the facts found (the same number both ways) and the extra cost per call: what a
caller pays for each short text on top of its length. ``PYTHONPATH`` selects the checkout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from news_corpus import paragraphs
from test_pump import cpu_seconds

from quantities import extract
from quantities.options import Options

GROUP = 40  # paragraphs per joined document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("langs", nargs="*", default=["en", "uk", "ru"])
    args = parser.parse_args()
    options = Options(max_chars=10**8)
    for lang in args.langs:
        paras = paragraphs(lang, 1_000_000)
        joined = ["\n\n".join(paras[i : i + GROUP]) for i in range(0, len(paras), GROUP)]
        for text in paras[:50]:
            extract(text, lang=lang)
        one = cpu_seconds(lambda: [extract(t, lang=lang, options=options) for t in paras], 3)  # noqa: B023
        many = cpu_seconds(lambda: [extract(t, lang=lang, options=options) for t in joined], 3)  # noqa: B023
        facts_one = sum(len(extract(t, lang=lang, options=options)) for t in paras)
        facts_many = sum(len(extract(t, lang=lang, options=options)) for t in joined)
        extra = (one - many) / (len(paras) - len(joined)) * 1e6
        print(f"{lang}: per paragraph {one * 1000:.0f} ms ({len(paras)} calls), {GROUP} paragraphs "
              f"per call {many * 1000:.0f} ms ({len(joined)} calls); about {extra:.0f} us more per "
              f"call; facts {facts_one} and {facts_many}")


if __name__ == "__main__":
    main()
