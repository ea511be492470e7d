"""Draw a reproducible random sample of extracted facts from a corpus, for reading by hand.

Usage (from the repository root)::

    python3 scripts/sample_facts.py ../shared/corpora/news_uk.jsonl --lang uk -n 100
    python3 scripts/sample_facts.py ../shared/corpora/news_ru.jsonl --lang ru -n 100 --seed 3

The corpus is JSON Lines, one document a line with ``id`` and ``text``; a ``date`` (or
``reference_date``) field, when a record has one, is passed as the reference date, else
none is. Every document is run through ``quantities.extract`` with default options and
the given language; the sample is drawn uniformly, without replacement, from all the
facts of the whole corpus (``random.Random(seed).sample``), and printed in the order
drawn: the document id, the fact's fields and about 150 characters of context with the
span marked ``[[...]]``. Corpus text is read at run time and never stored here.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

from quantities import Fact, extract

FIELDS = ("kind", "value", "low", "high", "qualifier", "unit", "outcome", "counted",
          "models", "grain", "anchor", "iso_duration", "text", "start", "end")
CONTEXT = 75  # characters on each side of the span


def load(path: Path) -> list[dict[str, Any]]:
    """The records of a JSON Lines corpus (blank lines skipped)."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def context(text: str, start: int, end: int, width: int = CONTEXT) -> str:
    """``width`` characters either side of ``text[start:end]``, the span in ``[[...]]``.

    >>> context("abc 12 def", 4, 6, 2)
    'c [[12]] d'
    """
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    return " ".join(f"{left}[[{text[start:end]}]]{right}".split())


def fact_fields(fact: Fact) -> dict[str, Any]:
    """The fields of ``fact`` worth reading, those that are set."""
    data = fact.model_dump(mode="json")
    return {k: data[k] for k in FIELDS if data.get(k) not in (None, [])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--lang", required=True, choices=("en", "uk", "ru"))
    parser.add_argument("-n", type=int, default=100, help="facts to draw (default 100)")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args(argv)

    pool: list[tuple[str, str, Fact]] = []
    records = load(args.corpus)
    for record in records:
        text = record["text"]
        reference = record.get("date") or record.get("reference_date")
        for fact in extract(text, lang=args.lang, reference_date=reference):
            pool.append((str(record["id"]), text, fact))
    sample = random.Random(args.seed).sample(pool, min(args.n, len(pool)))
    print(f"# {args.corpus}: {len(records)} documents, {len(pool)} facts; "
          f"{len(sample)} drawn uniformly with seed {args.seed}")
    for number, (doc_id, text, fact) in enumerate(sample, 1):
        print(f"\n## {number}  {doc_id}")
        print(json.dumps(fact_fields(fact), ensure_ascii=False))
        print(context(text, fact.start, fact.end))
    return 0


if __name__ == "__main__":
    sys.exit(main())
