"""Hash everything the extractor says about a corpus, to check that a change keeps the output.

Usage (from the repository root)::

    python3 scripts/output_hash.py ../shared/corpora/news_{en,uk,ru}.jsonl
    PYTHONPATH=/path/to/other/checkout python3 scripts/output_hash.py CORPUS...

Each corpus is JSON Lines with a ``text`` field, named ``..._<lang>.jsonl`` (the language
is taken from the name: ``en``, ``uk`` or ``ru``; ``--lang`` sets it for all). Documents
are read until ``--chars`` characters (600,000 by default) per corpus, each analysed with
the reference date 2020-01-01. Two SHA-256 digests are printed: ``facts`` over every
fact of ``extract()`` and ``analysis`` over the whole JSON of ``analyze()`` (facts and
every rejection with its reason). A performance change must leave both unchanged; run
the script on the code before and after it (``PYTHONPATH`` selects the checkout).
Corpus text is read at run time and never stored.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

import quantities
from quantities import analyze, extract

_LANG_IN_NAME = re.compile(r"(?:^|[_.-])(en|uk|ru)(?:[_.-]|$)")


def _lang(path: Path, given: str | None) -> str:
    if given:
        return given
    m = _LANG_IN_NAME.search(path.stem)
    if m is None:
        raise SystemExit(f"{path}: no language in the file name; give --lang")
    return m.group(1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpora", nargs="+", type=Path)
    ap.add_argument("--lang", choices=["en", "uk", "ru"])
    ap.add_argument("--chars", type=int, default=600_000, help="characters read per corpus")
    args = ap.parse_args(argv)
    facts, analysis = hashlib.sha256(), hashlib.sha256()
    docs = 0
    for path in args.corpora:
        lang = _lang(path, args.lang)
        read = 0
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                text = json.loads(line)["text"]
                read += len(text)
                docs += 1
                for fact in extract(text, lang=lang, reference_date="2020-01-01"):
                    facts.update(fact.model_dump_json().encode())
                result = analyze(text, lang=lang, reference_date="2020-01-01")
                analysis.update(result.model_dump_json().encode())
                if read > args.chars:
                    break
    print(f"package  {Path(quantities.__file__).parent}")
    print(f"docs     {docs}")
    print(f"facts    {facts.hexdigest()}")
    print(f"analysis {analysis.hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
